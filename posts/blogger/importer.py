"""The Blogger import service, used by ``manage.py import_blogger`` and the admin.

A pipeline, one module a stage:

- read: :mod:`~posts.blogger.parse` streams the export's entries
  (:mod:`~posts.blogger.formats` tells the two formats apart);
- map: :mod:`~posts.blogger.mapping` turns each entry into what we store (a
  :class:`~posts.blogger.mapping.PagePlan`, a comment row), converting bodies
  with :mod:`~posts.blogger.convert` and an image source
  (:class:`~posts.blogger.images.ImageSource`);
- write: :mod:`~posts.blogger.write_pages` (in bulk through
  :mod:`~posts.blogger.bulk`), :mod:`~posts.blogger.write_comments`, then
  :mod:`~posts.blogger.redirects`;
- after commit: :mod:`~posts.blogger.statistics` brings the database's planner
  statistics up to date for the tables written.

:class:`BloggerImporter` only runs the stages, in one transaction: a broken
file, a hostile one or an interrupted run writes nothing, and ``--dry-run``
rolls back at the end so that its report is exactly what a real run would do.
Each post remembers its Blogger id and a hash of what the export said, so a
re-run skips what did not change and updates (as a new revision) what did.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.db import reset_queries, transaction

from .authors import Authors
from .images import ImageSource, RemoteImages
from .library import LibraryImages
from .mapping import PageMapper
from .parse import Entry, FeedInfo, iter_entries
from .redirects import rewrite_old_links, write_redirects
from .report import (
    DEFAULT_QUESTION_OPENING,
    ImportOptions,
    Report,
    SiteNotReady,
)
from .statistics import refresh_planner_statistics, written_models
from .target import find_target
from .write_comments import CommentStore
from .write_pages import PageStore

__all__ = [
    "DEFAULT_QUESTION_OPENING",
    "BloggerImporter",
    "ImportOptions",
    "Report",
    "SiteNotReady",
    "import_export",
]

POST_BATCH = 500
COMMENT_BATCH = 2000


def image_source_for(options: ImportOptions) -> ImageSource:
    """The image source the options ask for.

    ``download_images`` or a folder (``images_dir``) brings pictures into the
    image library (the folder first, then a download when allowed); otherwise
    they stay remote.
    """
    if options.download_images or options.images_dir:
        return LibraryImages(
            download=options.download_images,
            folders=[options.images_dir] if options.images_dir else [],
            dry_run=options.dry_run,
        )
    return RemoteImages()


class _Progress:
    """Calls ``progress(state)`` at most twice a second, with counts."""

    def __init__(self, callback: Callable[[dict], None] | None, report: Report):
        self.callback = callback
        self.report = report
        self.bytes = 0
        self.total_bytes = 0
        self.last = 0.0

    def read(self, n: int) -> None:
        self.bytes = n
        self.tick()

    def tick(self, force: bool = False, phase: str = "reading") -> None:
        # With DEBUG on, Django keeps the last 9,000 queries, and the bulk
        # statements here are large: let them go so memory stays flat.
        reset_queries()
        if self.callback is None:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.5:
            return
        self.last = now
        self.callback(
            {
                "phase": phase,
                "bytes": self.bytes,
                "total_bytes": self.total_bytes,
                "counts": self.report.counts,
            }
        )


class BloggerImporter:
    """Runs one import: read, map and write, in batches."""

    def __init__(
        self,
        options: ImportOptions | None = None,
        progress: Callable[[dict], None] | None = None,
    ):
        self.options = options or ImportOptions()
        self.report = Report(dry_run=self.options.dry_run)
        self.progress = _Progress(progress, self.report)
        self.info = FeedInfo()

    def run(self, source) -> Report:
        """Import ``source`` (a path or a binary file object)."""
        started = time.monotonic()
        if isinstance(source, str | Path):
            self.progress.total_bytes = Path(source).stat().st_size
        else:
            self.progress.total_bytes = getattr(source, "size", 0) or 0
        with tempfile.TemporaryDirectory(prefix="blogger-import-") as workdir:
            with transaction.atomic():
                self._import(source, Path(workdir))
                if self.options.dry_run:
                    transaction.set_rollback(True)
                else:
                    transaction.on_commit(
                        lambda: refresh_planner_statistics(written_models())
                    )
        self.report.format = self.info.format
        self.report.seconds = time.monotonic() - started
        self.progress.tick(force=True, phase="done")
        return self.report

    def _import(self, source, workdir: Path) -> None:
        target = find_target(self.options.parent)
        image_source = image_source_for(self.options)
        pages = PageStore(target.blog, target.root_url_path, self.options, self.report)
        comments = CommentStore(pages.known, self.report, workdir)
        mapper = PageMapper(
            self.options,
            Authors.from_options(self.options),
            image_source,
            pages.publication_for,
        )
        post_batch: list[Entry] = []
        comment_batch: list[Entry] = []

        def write_posts() -> None:
            for entry, digest, legacy in pages.to_write(post_batch, image_source):
                pages.write(mapper.plan(entry, digest), legacy)
            pages.flush()
            post_batch.clear()
            self.progress.tick()

        def write_comments() -> None:
            write_posts()  # every post read so far must be known first
            comments.write(comment_batch)
            comment_batch.clear()
            self.progress.tick()

        first = True
        for entry in iter_entries(source, self.info, self.progress.read):
            if first:
                first = False
                mapper.use_blog_address(self.info.blog_url)
            if entry.kind in ("post", "page"):
                post_batch.append(entry)
                if not entry.trashed:
                    image_source.prefetch(entry)  # downloads overlap with reading
                if len(post_batch) >= POST_BATCH:
                    write_posts()
            elif entry.kind == "comment":
                comment_batch.append(entry)
                if len(comment_batch) >= COMMENT_BATCH:
                    write_comments()
            elif entry.kind in ("settings", "template"):
                self.report.skip(entry.kind, f"{entry.kind} entries (not content)")
            else:
                self.report.skip("other", "entries of an unknown kind")
        write_comments()
        self.progress.tick(force=True, phase="threading")
        comments.finish()
        rewrite_old_links(pages.addresses.pages_with_old_links, target.root_url_path)
        write_redirects(pages.addresses, target.blog_url, self.report)
        image_source.close()
        self.report.images = image_source.report()


def import_export(source, options: ImportOptions | None = None, progress=None):
    """Run an import and return its :class:`Report`."""
    return BloggerImporter(options, progress).run(source)
