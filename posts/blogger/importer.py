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
from wagtail.models import Page

from home.identity import take_blog_identity
from home.time_zones import is_time_zone
from plumbing import cache as page_cache

from .authors import Authors
from .dates import check_dates
from .images import ImageSource, RemoteImages
from .library import LibraryImages
from .mapping import PageMapper
from .parse import Entry, FeedInfo, iter_entries
from .pictures import store_pictures_first
from .redirects import rewrite_old_links, write_redirects
from .report import (
    DEFAULT_QUESTION_OPENING,
    ImportOptions,
    Report,
    SiteNotReady,
)
from .rights import ImportRights
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


class _Stages:
    """The map and write stages of one run, set up at the first post, page or
    comment: by then the export's title, description, time zone and address
    are known (a classic export lists its settings first)."""

    def __init__(
        self,
        options: ImportOptions,
        info: FeedInfo,
        report: Report,
        workdir: Path,
        image_source: ImageSource | None = None,
    ):
        self.target = find_target(options.parent, info, report, sample=options.sample)
        self.image_source = image_source or image_source_for(options)
        authors = Authors.from_options(options)
        if authors.owner_id is None:
            report.warn(
                "no --owner and no superuser: the imported pages have no owner "
                "in the admin (their bylines are the Blogger authors')"
            )
        # The owner is who the import acts as (the admin: whoever uploaded).
        self.rights = ImportRights.of(authors.owner_id, self.target.blog)
        self.pages = PageStore(
            self.target.blog, self.target.root_url_path, options, report, self.rights
        )
        self.comments = CommentStore(
            self.pages.known, report, workdir, self.rights.comment_status
        )
        self.mapper = PageMapper(
            options,
            authors,
            self.image_source,
            self.pages.publication_for,
        )
        self.mapper.use_blog_address(info.blog_url)


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
        self.post_batch: list[Entry] = []
        self.comment_batch: list[Entry] = []
        self.stages: _Stages | None = None
        self.pictures: ImageSource | None = None  # stored before the transaction

    def run(self, source) -> Report:
        """Import ``source`` (a path or a binary file object)."""
        started = time.monotonic()
        if isinstance(source, str | Path):
            self.progress.total_bytes = Path(source).stat().st_size
        else:
            self.progress.total_bytes = getattr(source, "size", 0) or 0
        if self.options.download_images and not self.options.dry_run:
            # Downloads never run inside the import's transaction (on SQLite it
            # holds the write lock): pictures first, then the import reads again.
            self.progress.tick(force=True, phase="pictures")
            self.pictures = store_pictures_first(source, self.options)
            if not isinstance(source, str | Path):
                source.seek(0)
        with tempfile.TemporaryDirectory(prefix="blogger-import-") as workdir:
            try:
                with transaction.atomic(), page_cache.batch():
                    self._import(source, Path(workdir))
                    if self.options.dry_run:
                        transaction.set_rollback(True)
                    else:
                        transaction.on_commit(
                            lambda: refresh_planner_statistics(written_models())
                        )
            except BaseException:
                # The rows are rolled back: the files stored for them go too.
                if self.stages is not None:
                    self.stages.image_source.discard()
                raise
        self.report.format = self.info.format
        self.report.seconds = time.monotonic() - started
        self.progress.tick(force=True, phase="done")
        return self.report

    def _import(self, source, workdir: Path) -> None:
        stages = None
        for entry in iter_entries(source, self.info, self.progress.read):
            check_dates(entry, self.report)
            if entry.kind in ("post", "page", "comment") and stages is None:
                stages = self._stages(workdir)
            if entry.kind in ("post", "page"):
                self.post_batch.append(entry)
                if not entry.trashed:
                    stages.image_source.prefetch(entry)  # downloads overlap reading
                if len(self.post_batch) >= POST_BATCH:
                    self._write_posts(stages)
            elif entry.kind == "comment":
                self.comment_batch.append(entry)
                if len(self.comment_batch) >= COMMENT_BATCH:
                    self._write_comments(stages)
            elif entry.kind in ("settings", "template"):
                self.report.skip(entry.kind, f"{entry.kind} entries (not content)")
            else:
                self.report.skip("other", "entries of an unknown kind")
        stages = stages or self._stages(workdir)
        self._write_comments(stages)
        self.progress.tick(force=True, phase="threading")
        stages.comments.finish()
        target = stages.target
        rewrite_old_links(stages.pages.addresses.pages_with_old_links)
        write_redirects(
            stages.pages.addresses,
            target.blog_url,
            self.report,
            may_retarget=stages.rights.may_retarget_redirects,
        )
        stages.image_source.close()
        self.report.images = stages.image_source.report()
        self._take_identity(target)
        # Once per import, after it commits: every page it wrote (and each post
        # whose comments it wrote) changes on every server, and the CDN drops them.
        written = stages.pages.written | stages.comments.pages_written
        page_cache.pages_changed(Page.objects.filter(pk__in=written).specific())

    def _stages(self, workdir: Path) -> _Stages:
        self.stages = _Stages(
            self.options, self.info, self.report, workdir, self.pictures
        )
        return self.stages

    def _write_posts(self, stages: _Stages) -> None:
        batch, self.post_batch = self.post_batch, []
        for entry, digest, legacy in stages.pages.to_write(batch, stages.image_source):
            stages.pages.write(stages.mapper.plan(entry, digest), legacy)
        stages.pages.flush()
        self.progress.tick()

    def _write_comments(self, stages: _Stages) -> None:
        self._write_posts(stages)  # every post read so far must be known first
        batch, self.comment_batch = self.comment_batch, []
        stages.comments.write(batch)
        self.progress.tick()

    def _take_identity(self, target) -> None:
        """A site still at its defaults takes the blog's name, description and
        time zone."""
        zone = self.info.time_zone
        if zone and not is_time_zone(zone):
            self.report.warn(
                f"the export's time zone {zone!r} is unknown: dates show in the "
                "site's zone (Settings > Site settings)"
            )
        if target.site is None or self.options.sample:
            return
        self.report.site = take_blog_identity(
            target.site,
            name=self.info.title,
            tagline=self.info.description,
            time_zone=zone,
        )


def import_export(source, options: ImportOptions | None = None, progress=None):
    """Run an import and return its :class:`Report`."""
    return BloggerImporter(options, progress).run(source)
