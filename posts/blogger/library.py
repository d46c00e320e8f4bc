"""Blogger images into Wagtail's image library: the importer's side of the seam.

The import calls three things, in this order:

1. `want(src, link_url)` as soon as it meets an `<img>` while parsing: the
   fetch starts in the background (nothing happens for a picture already in
   the library), so downloads overlap with the rest of the import.
2. `localise_figure(value, post_title=...)` just before it writes a body: it
   waits for that picture, stores it as a Wagtail image the first time, and
   turns a FigureBlock value that points at Blogger (`remote_url`) into one
   that points at the library image (`image`, `remote_url` cleared). When the
   picture could not be had, the value stays remote and the report says why.
3. `report()` at the end, and `close()` (or use it as a context manager).

Everything that touches the database runs in the caller's thread; the
thread pool only downloads and checks bytes.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import IntegrityError, transaction
from wagtail.images import get_image_model
from wagtail.models import Collection

from posts.models import ImportedImage

from .fetch import FetchResult, ImageFetcher, candidate_urls, source_key

COLLECTION_NAME = "Imported from Blogger"


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
    """Brings a post's pictures into the image library, once each."""

    def __init__(
        self,
        *,
        download: bool = True,
        folders=(),
        dry_run: bool = False,
        fetcher: ImageFetcher | None = None,
        collection_name: str = COLLECTION_NAME,
        **fetcher_options,
    ):
        self.dry_run = dry_run
        self.fetcher = fetcher or ImageFetcher(
            folders=folders, download=download, **fetcher_options
        )
        self.collection_name = collection_name
        self._collection = None
        self._known: dict[str, int] = dict(
            ImportedImage.objects.values_list("source_url", "image_id")
        )
        self._images: dict[int, object] = {}
        self._done: dict[str, Resolved] = {}
        self._failed: dict[str, dict] = {}
        self._skipped: dict[str, dict] = {}
        self._futures = {}
        self.counts = {
            "in_library": 0,
            "downloaded": 0,
            "from_folder": 0,
            "same_file_in_library": 0,
            "alt_text_from_post_title": 0,
        }
        self.wait_seconds = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.fetcher.close(wait=True)

    # 1. While parsing --------------------------------------------------

    def want(self, src: str, link_url: str = "") -> str:
        """Start getting a picture unless the library has it; returns its key."""
        candidates = candidate_urls(src, link_url)
        if not candidates:
            return ""
        key = source_key(candidates[-1])
        if key in self._known or key in self._futures or self.dry_run:
            self._futures.setdefault(key, None)
            return key
        self._futures[key] = self.fetcher.submit(src, link_url)
        return key

    # 2. Before writing a body ---------------------------------------------

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
        key = self.want(src, link_url)
        if not key:
            return Resolved(None, "failed", "no URL")
        if key in self._done:
            return self._done[key]
        if key in self._known:
            image = self._image(self._known[key])
            if image is not None:
                self.counts["in_library"] += 1
                return self._remember(key, Resolved(image, "library"))
        if self.dry_run:
            return self._remember(key, Resolved(None, "dry-run", "would be fetched"))
        future = self._futures.get(key) or self.fetcher.submit(src, link_url)
        started = time.monotonic()
        result: FetchResult = future.result()
        self.wait_seconds += time.monotonic() - started
        if result.skipped:
            self._skipped[key] = {"url": src, "reason": result.reason}
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

    def localise_figure(self, value: dict, *, post_title: str = "") -> dict:
        """A FigureBlock value pointing at the library image when there is one.

        Reads `remote_url`, `link_url`, `alt_text` and `caption`; a value that
        already has an image, or no remote URL, comes back unchanged.
        """
        src = value.get("remote_url") or ""
        if value.get("image") or not src:
            return value
        resolved = self.resolve(
            src,
            value.get("link_url") or "",
            alt=value.get("alt_text") or "",
            caption=value.get("caption") or "",
            post_title=post_title,
        )
        if resolved.image is None:
            return value
        value = dict(value)
        value["image"] = resolved.image.pk
        value["remote_url"] = ""
        if not value.get("alt_text"):
            value["alt_text"] = resolved.image.description
        # A link to the picture's own full-size copy on Blogger is dropped:
        # the library image is the full-size copy now.
        link = value.get("link_url") or ""
        if link and source_key(link) == source_key(src):
            value["link_url"] = ""
        return value

    # 3. At the end ------------------------------------------------------------

    def report(self) -> dict:
        return {
            **self.counts,
            "requests": self.fetcher.requests,
            "waited_seconds": round(self.wait_seconds, 2),
            "skipped": list(self._skipped.values()),
            "failed": list(self._failed.values()),
        }

    # Internals ----------------------------------------------------------------

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
                title=_first(title, alt, caption, Path(name).stem)[:255],
                description=description[:255],
                collection=self.collection(),
                file=ImageFile(io.BytesIO(checked.content), name=name),
                width=checked.width,
                height=checked.height,
                file_size=len(checked.content),
                file_hash=checked.sha1,
            )
            image.save()
            self.counts[
                "from_folder" if result.origin == "folder" else "downloaded"
            ] += 1
        if len(result.key) > ImportedImage._meta.get_field("source_url").max_length:
            self._known[result.key] = image.pk
            return image  # too long to remember: this run still reuses it
        try:
            with transaction.atomic():
                ImportedImage.objects.create(
                    source_url=result.key, image=image, fetched_url=result.url[:2000]
                )
        except IntegrityError:
            pass  # another import recorded it meanwhile: same picture
        self._known[result.key] = image.pk
        self._images[image.pk] = image
        return image


class LibraryImages(BloggerImages):
    """The converter's image source when pictures go into the image library.

    `block_value()` is the converter's seam (see `posts.blogger.images`): it
    gives the same remote FigureBlock value as `RemoteImages` and starts the
    fetch at once. `localise_blocks()` then swaps the remote values of a
    converted body for library images, just before the body is written.
    """

    def __init__(self, **options):
        super().__init__(**options)
        self._origins: dict[str, tuple[str, str, str]] = {}

    def block_value(self, src: str, link: str, img) -> dict:
        from .images import RemoteImages

        value = RemoteImages().block_value(src, link, img)
        remote = value["remote_url"]
        if remote:
            title = (img.get("title") or "").strip() if img is not None else ""
            self._origins.setdefault(remote, (src or remote, link or "", title))
            self.want(*self._origins[remote][:2])
        return value

    def prefetch_html(self, html_text: str) -> int:
        """Start fetching every picture of a body before it is converted."""
        count = 0
        for src, link in _images_in(html_text or ""):
            if self.want(src, link):
                count += 1
        return count

    def localise_figure(self, value: dict, *, post_title: str = "") -> dict:
        remote = value.get("remote_url") or ""
        src, link, title = self._origins.get(remote, (remote, "", ""))
        if value.get("image") or not remote:
            return value
        resolved = self.resolve(
            src,
            link or value.get("link_url") or "",
            alt=value.get("alt_text") or "",
            title=title,
            caption=value.get("caption") or "",
            post_title=post_title,
        )
        if resolved.image is None:
            return value
        value = dict(value)
        value["image"] = resolved.image.pk
        value["remote_url"] = ""
        if not value.get("alt_text"):
            value["alt_text"] = resolved.image.description
        linked = value.get("link_url") or ""
        if linked and source_key(linked) in (source_key(remote), source_key(src)):
            value["link_url"] = ""
        return value

    def localise_blocks(self, blocks, *, post_title: str = ""):
        """A converted body with its figures pointing at library images.

        Takes `[(type, value)]` pairs or `[{"type", "value"}]` stream data
        and returns the same shape. Also returns nothing new for a body
        without remote images.
        """
        out = []
        for item in blocks:
            pair = isinstance(item, tuple)
            kind, value = item if pair else (item["type"], item["value"])
            if kind == "image" and isinstance(value, dict):
                value = self.localise_figure(value, post_title=post_title)
            out.append((kind, value) if pair else {**item, "value": value})
        return out


_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*([\"'])(.*?)\1", re.I | re.S)
_A_IMG = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*([\"'])(.*?)\1[^>]*>\s*(?:<[^a>][^>]*>\s*)*"
    r"<img\b[^>]*?\bsrc\s*=\s*([\"'])(.*?)\3",
    re.I | re.S,
)


def _images_in(html_text: str):
    """(src, link) pairs of a body's pictures, found quickly (no parse)."""
    from html import unescape

    linked = {
        unescape(m.group(4)): unescape(m.group(2)) for m in _A_IMG.finditer(html_text)
    }
    for match in _IMG.finditer(html_text):
        src = unescape(match.group(2))
        yield src, linked.get(src, "")
