"""Blogger images into Wagtail's image library: the importer's side of the seam.

`LibraryImages` is the import's image source (an `ImageSource`, see
`posts.blogger.images`) when an import brings pictures home. The import uses
it in four steps:

1. `prefetch(entry)` as soon as a post is read: every picture of its body
   that the library lacks starts downloading in the background, so downloads
   overlap with parsing and the rest of the import.
2. The converter calls `block_value(src, link, img)` for each `<img>`, which
   gives the usual remote FigureBlock value (and starts its fetch if
   `prefetch` missed it).
3. `localise_blocks(blocks, post_title=...)` just before a body is written:
   it waits for those pictures, stores each as a Wagtail image the first
   time, and points the FigureBlocks at the library image (`remote_url`
   cleared). A picture that could not be had stays remote and is reported;
   a 1x1 tracking pixel is dropped from the body.
4. `close()` then `report()` at the end: the thread pool closed, then
   counts and failures with reasons (`finish(report)` does both and adds
   them to an import's report).

`needs_update(entry)` tells the import that a post it would leave alone
still has pictures outside the library (a failure last time, or an import
without downloads), so a re-run retries exactly those.

Everything that touches the database runs in the caller's thread; the pool
only downloads and checks bytes. What is stored is remembered in
`posts.ImportedImage` under the picture's normalised Blogger URL, so a second
import fetches and stores nothing.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections import deque
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import connection
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, ReferenceIndex
from wagtail.search.backends import get_search_backends

from posts.models import ImportedImage

from .fetch import FetchResult, ImageFetcher, _setting, candidate_urls, source_key
from .images import RemoteImages

COLLECTION_NAME = "Imported from Blogger"
FLUSH_EVERY = 200  # stored images between two batches of indexing
_LATER = object()  # a picture wanted, its fetch not started yet

logger = logging.getLogger(__name__)


@dataclass
class Resolved:
    """What became of one picture of a post body."""

    image: object | None  # a Wagtail image, or None: the picture stays remote
    status: str  # "library", "stored", "failed", "skipped", "dry-run"
    reason: str = ""


def _first(*values: str) -> str:
    for value in values:
        value = re.sub(r"\s+", " ", value or "").strip()
        if value:
            return value
    return ""


class BloggerImages:
    """Brings pictures into the image library, each once."""

    def __init__(
        self,
        *,
        download: bool = True,
        folders=(),
        dry_run: bool = False,
        fetcher: ImageFetcher | None = None,
        collection_name: str = COLLECTION_NAME,
        window: int | None = None,
        **fetcher_options,
    ):
        self.dry_run = dry_run
        self.fetcher = fetcher or ImageFetcher(
            folders=folders, download=download, **fetcher_options
        )
        self.collection_name = collection_name
        self._collection = None
        # key -> image id, or the reason the picture is never kept.
        self._known: dict[str, int | str] = {
            key: image_id or reason or "skipped"
            for key, image_id, reason in ImportedImage.objects.values_list(
                "source_url", "image_id", "skipped_reason"
            )
        }
        self._images: dict[int, object] = {}
        self._done: dict[str, Resolved] = {}
        self._failed: dict[str, dict] = {}
        self._skipped: dict[str, dict] = {}
        self._futures: dict = {}
        self._unrecorded: list = []  # ImportedImage rows not written yet
        self._unindexed: list = []  # images not in the search index yet
        self._stored_files: list = []  # (storage, name), to remove on rollback
        self.window = window or _setting("PREFETCH", 32)
        self._in_flight = 0
        self._later: deque = deque()
        self.counts = {
            "in_library": 0,
            "downloaded": 0,
            "from_folder": 0,
            "same_file_in_library": 0,
            "alt_text_from_post_title": 0,
            "would_fetch": 0,  # in a dry run
        }
        self.wait_seconds = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.fetcher.close(wait=True)
        if not self.dry_run:
            self._flush()

    def wait_for_downloads(self) -> None:
        """Let every picture asked for so far arrive (called with no transaction
        open: on SQLite a transaction holds the write lock while it waits)."""
        while self._later:
            key, src, link_url = self._later.popleft()
            if self._futures.get(key) is _LATER:
                self._futures[key] = self.fetcher.submit(src, link_url)
                self._in_flight += 1
        started = time.monotonic()
        for future in list(self._futures.values()):
            if future is not None and future is not _LATER:
                future.result()
        self.wait_seconds += time.monotonic() - started

    def committed(self) -> None:
        """What is stored so far is committed: write its records, and a later
        rollback must not remove its files."""
        self._flush()
        self._stored_files = []

    def discard(self) -> None:
        """The import rolled back: its image rows are gone, so are their files."""
        self.fetcher.close(wait=True)
        stored, self._stored_files = self._stored_files, []
        for storage, name in stored:
            try:
                storage.delete(name)
            except OSError:  # already gone, or storage unreachable: keep going
                logger.warning("Could not remove %s after a failed import", name)

    # Starting ------------------------------------------------------------

    def want(self, src: str, link_url: str = "") -> str:
        """Start getting a picture unless the library has it; returns its key."""
        candidates = candidate_urls(src, link_url)
        if not candidates:
            return ""
        key = source_key(candidates[-1])
        if key not in self._futures:
            if key in self._known or self.dry_run:
                self._futures[key] = None
            elif self._in_flight < self.window:
                self._futures[key] = self.fetcher.submit(src, link_url)
                self._in_flight += 1
            else:
                # Far enough ahead: fetched when earlier pictures are used, so
                # downloaded bytes waiting in memory stay few.
                self._futures[key] = _LATER
                self._later.append((key, src, link_url))
        return key

    def _top_up(self) -> None:
        while self._later and self._in_flight < self.window:
            key, src, link_url = self._later.popleft()
            if self._futures.get(key) is _LATER:
                self._futures[key] = self.fetcher.submit(src, link_url)
                self._in_flight += 1

    def is_known(self, key: str) -> bool:
        return key in self._known

    # Resolving ---------------------------------------------------------------

    def resolve(
        self,
        src: str,
        link_url: str = "",
        *,
        alt: str = "",
        title: str = "",
        caption: str = "",
        post_title: str = "",
    ) -> Resolved:
        """Wait for one picture and store it; the library image or a reason."""
        key = self.want(src, link_url)
        if not key:
            return Resolved(None, "failed", "no URL")
        if key in self._done:
            return self._done[key]
        known = self._known.get(key)
        if isinstance(known, str):
            return self._remember(key, Resolved(None, "skipped", known))
        if known is not None:
            image = self._image(known)
            if image is not None:
                self.counts["in_library"] += 1
                return self._remember(key, Resolved(image, "library"))
        if self.dry_run:
            self.counts["would_fetch"] += 1
            return self._remember(key, Resolved(None, "dry-run", "would be fetched"))
        future = self._futures.get(key)
        if future is None or future is _LATER:
            future = self.fetcher.submit(src, link_url)
        else:
            self._in_flight -= 1
        self._futures[key] = None
        started = time.monotonic()
        result: FetchResult = future.result()
        self.wait_seconds += time.monotonic() - started
        self.fetcher.forget(key)  # its bytes go once it is stored
        self._top_up()
        if result.skipped:
            self._skipped[key] = {"url": src, "reason": result.reason}
            self._record(key, None, result.url, skipped_reason=result.reason)
            self._known[key] = result.reason
            return self._remember(key, Resolved(None, "skipped", result.reason))
        if not result.ok:
            self._failed[key] = {
                "url": src,
                "reason": result.reason,
                "post": post_title,
            }
            return self._remember(key, Resolved(None, "failed", result.reason))
        image = self._store(
            result, alt=alt, title=title, caption=caption, post=post_title
        )
        return self._remember(key, Resolved(image, "stored"))

    def localise_figure(
        self, value: dict, *, post_title: str = "", origin: tuple = ()
    ) -> tuple[dict, Resolved | None]:
        """A FigureBlock value pointing at the library image when there is one.

        Reads `remote_url`, `link_url`, `alt_text` and `caption`; a value
        that already has an image, or no remote URL, comes back unchanged.
        `origin` is the `(src, link, title)` the converter saw, when known.
        """
        remote = value.get("remote_url") or ""
        if value.get("image") or not remote:
            return value, None
        src, link, title = origin or (remote, "", "")
        resolved = self.resolve(
            src,
            link or value.get("link_url") or "",
            alt=value.get("alt_text") or "",
            title=title,
            caption=value.get("caption") or "",
            post_title=post_title,
        )
        if resolved.image is None:
            return value, resolved
        value = dict(value)
        value["image"] = resolved.image.pk
        value["remote_url"] = ""
        if not value.get("alt_text"):
            value["alt_text"] = resolved.image.description
        # A link to the picture's own full-size copy on Blogger goes: the
        # library image is the full-size copy now.
        linked = value.get("link_url") or ""
        if linked and source_key(linked) in (source_key(remote), source_key(src)):
            value["link_url"] = ""
        return value, resolved

    # The end -----------------------------------------------------------------

    def report(self) -> dict:
        """What happened to the pictures: counts, then failures with reasons."""
        return self.summary()

    def summary(self) -> dict:
        return {
            **self.counts,
            "requests": self.fetcher.requests,
            "waited_seconds": round(self.wait_seconds, 2),
            "skipped": list(self._skipped.values()),
            "failed": list(self._failed.values()),
        }

    # Internals ---------------------------------------------------------------

    def _remember(self, key: str, resolved: Resolved) -> Resolved:
        self._done[key] = resolved
        return resolved

    def _image(self, pk: int):
        if pk not in self._images:
            self._images[pk] = get_image_model().objects.filter(pk=pk).first()
        return self._images[pk]

    def collection(self):
        if self._collection is None:
            root = Collection.get_first_root_node()
            self._collection = root.get_children().filter(
                name=self.collection_name
            ).first() or root.add_child(name=self.collection_name)
        return self._collection

    def _store(self, result: FetchResult, *, alt, title, caption, post):
        checked = result.image
        Image = get_image_model()  # noqa: N806
        image = Image.objects.filter(file_hash=checked.sha1).first()
        if image is not None:
            self.counts["same_file_in_library"] += 1
        else:
            name = result.filename
            description = _first(alt, title, caption)
            if not description and post:
                description = f"Picture from “{post}”"
                self.counts["alt_text_from_post_title"] += 1
            image = Image(
                created_at=timezone.now(),
                title=_first(title, alt, caption, Path(name).stem)[:255],
                description=description[:255],
                collection=self.collection(),
                file=ImageFile(io.BytesIO(checked.content), name=name),
                width=checked.width,
                height=checked.height,
                file_size=len(checked.content),
                file_hash=checked.sha1,
            )
            # One INSERT (the file field still writes the file to storage),
            # without the per-object signal work: the search and reference
            # indexes are brought up to date in batches (see _flush).
            Image.objects.bulk_create([image])
            self._stored_files.append((image.file.storage, image.file.name))
            self._unindexed.append(image)
            origin = "from_folder" if result.origin == "folder" else "downloaded"
            self.counts[origin] += 1
        self._record(result.key, image, result.url)
        self._known[result.key] = image.pk
        self._images[image.pk] = image
        if len(self._unrecorded) >= FLUSH_EVERY:
            self._flush()
        return image

    def _record(self, key, image, url, skipped_reason=""):
        """Remember the picture for the next import (a key too long is not)."""
        if len(key) > ImportedImage._meta.get_field("source_url").max_length:
            return
        self._unrecorded.append(
            ImportedImage(
                source_url=key,
                image=image,
                fetched_url=(url or "")[:2000],
                skipped_reason=skipped_reason[:255],
                fetched_at=timezone.now(),
            )
        )

    def _flush(self) -> None:
        """Write the records and index the images stored since last time."""
        records, self._unrecorded = self._unrecorded, []
        images, self._unindexed = self._unindexed, []
        if records:
            ImportedImage.objects.bulk_create(
                records,
                batch_size=500,
                ignore_conflicts=connection.features.supports_ignore_conflicts,
            )
        if images:
            index_images([image.pk for image in images])


class LibraryImages(BloggerImages):
    """The converter's image source when pictures go into the image library."""

    def __init__(self, **options):
        super().__init__(**options)
        self._origins: dict[str, tuple[str, str, str]] = {}
        self._entries_missing: set[str] = set()

    # 1. While reading the export -----------------------------------------

    def prefetch(self, entry) -> int:
        """Start fetching the pictures of an entry's body; how many are new."""
        missing = self.prefetch_html(entry.content or "")
        if missing:
            self._entries_missing.add(entry.source_id)
        return missing

    def prefetch_html(self, html_text: str) -> int:
        missing = 0
        for src, link in images_in(html_text):
            key = self.want(src, link)
            if key and not self.is_known(key):
                missing += 1
        return missing

    def needs_update(self, entry) -> bool:
        """Has this entry pictures outside the library (so worth redoing)?"""
        return entry.source_id in self._entries_missing

    # 2. The converter's seam ---------------------------------------------

    def block_value(self, src: str, link: str, img) -> dict:
        value = RemoteImages().block_value(src, link, img)
        remote = value["remote_url"]
        if remote:
            title = (img.get("title") or "").strip() if img is not None else ""
            self._origins.setdefault(remote, (src or remote, link or "", title))
            self.want(*self._origins[remote][:2])
        return value

    # 3. Before a body is written -----------------------------------------

    def localise_blocks(self, blocks, *, post_title: str = ""):
        """A converted body with its figures pointing at library images.

        Takes `[(type, value)]` pairs or `[{"type", "value"}]` stream data and
        returns the same shape; a tracking pixel's block is left out.
        """
        out = []
        for item in blocks:
            pair = isinstance(item, tuple)
            kind, value = item if pair else (item["type"], item["value"])
            if kind == "image" and isinstance(value, dict):
                origin = self._origins.get(value.get("remote_url") or "", ())
                value, resolved = self.localise_figure(
                    value, post_title=post_title, origin=origin
                )
                if resolved is not None and resolved.status == "skipped":
                    continue
            out.append((kind, value) if pair else {**item, "value": value})
        return out

    # 4. At the end ----------------------------------------------------------

    def finish(self, report=None) -> dict:
        """Close the pool; add counts and failures to the import's report."""
        self.close()
        summary = self.summary()
        if report is not None:
            stored = summary["downloaded"] + summary["from_folder"]
            if self.dry_run:
                stored = sum(1 for r in self._done.values() if r.status == "dry-run")
            report.count("images", "created", stored)
            report.count(
                "images",
                "unchanged",
                summary["in_library"] + summary["same_file_in_library"],
            )
            for failure in summary["failed"]:
                report.skip("images", f"image left remote: {failure['reason']}")
                report.warn(
                    f"image left remote: {failure['url']} ({failure['reason']})"
                    + (f" in “{failure['post']}”" if failure["post"] else "")
                )
            for skip in summary["skipped"]:
                report.skip("images", f"image dropped: {skip['reason']}")
        return summary


def index_images(ids) -> None:
    """Add images to the search index and the reference index, in bulk.

    What the per-object signals would do for each image, in a few queries.
    """
    Image = get_image_model()  # noqa: N806
    images = list(Image.objects.filter(pk__in=ids).prefetch_related("tags"))
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(Image, images)
    if not ReferenceIndex.is_indexed(Image):
        return
    content_type = ContentType.objects.get_for_model(Image, for_concrete_model=False)
    base = ReferenceIndex._get_base_content_type(Image)
    rows = [
        ReferenceIndex(
            content_type=content_type,
            base_content_type=base,
            object_id=str(image.pk),
            to_content_type_id=to_ct,
            to_object_id=to_id,
            model_path=model_path,
            content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
        )
        for image in images
        for to_ct, to_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(image)
        )
    ]
    ReferenceIndex.objects.bulk_create(
        rows,
        batch_size=1000,
        ignore_conflicts=connection.features.supports_ignore_conflicts,
    )


_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*([\"'])(.*?)\1", re.I | re.S)
_A_IMG = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*([\"'])(.*?)\1[^>]*>\s*(?:<(?!/?a\b)[^>]*>\s*)*"
    r"<img\b[^>]*?\bsrc\s*=\s*([\"'])(.*?)\3",
    re.I | re.S,
)


def images_in(html_text: str):
    """(src, link) pairs of a body's pictures, found quickly, without a parse.

    Only a head start: the converter's own parse has the final word.
    """
    html_text = html_text or ""
    if "<img" not in html_text.lower():
        return
    linked = {
        unescape(m.group(4)): unescape(m.group(2)) for m in _A_IMG.finditer(html_text)
    }
    for match in _IMG.finditer(html_text):
        src = unescape(match.group(2)).strip()
        yield src, linked.get(src, "")
