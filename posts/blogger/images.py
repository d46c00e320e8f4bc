"""Where an imported post's images come from: the seam for image handling.

:class:`ImageSource` is everything the import asks of an image source:
``prefetch(entry)`` as soon as a post is read, ``needs_update(entry)`` for a
post that did not change, ``block_value(src, link, img)`` from the converter
for every ``<img>`` (what goes into a ``FigureBlock``), ``localise_blocks``
just before a body is written, then ``close()`` and ``report()`` at the end.

:class:`RemoteImages` is the do-nothing default: pictures stay on Blogger's
servers (``remote_url``), preferring the linked full-size original over the
``/s320/`` thumbnail. :class:`posts.blogger.library.LibraryImages` brings them
into the Wagtail image library instead.
"""

from __future__ import annotations

import re
from typing import Any, Protocol
from urllib.parse import urlsplit

_SIZE_SEGMENT = re.compile(r"/(s\d{2,4}(-[a-z0-9-]+)?|w\d+-h\d+(-[a-z0-9-]+)?)/")
_IMAGE_HOSTS = ("bp.blogspot.com", "googleusercontent.com", "blogger.com")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")


def is_image_url(url: str) -> bool:
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        return False
    if any(host.endswith(h) for h in _IMAGE_HOSTS):
        return True
    return parts.path.lower().endswith(_IMAGE_SUFFIXES)


def original_url(src: str, link: str) -> str:
    """The best address of the full-size picture."""
    if link and is_image_url(link):
        return link
    if src and _SIZE_SEGMENT.search(src):
        return _SIZE_SEGMENT.sub("/s1600/", src, count=1)
    return src


class ImageSource(Protocol):
    """What the import asks of an image source."""

    def prefetch(self, entry: Any) -> object:
        """Start getting the pictures of a post just read."""

    def needs_update(self, entry: Any) -> bool:
        """Should an unchanged post be written again for its pictures?"""

    def block_value(self, src: str, link: str, img: Any) -> dict:
        """The ``FigureBlock`` value for one ``<img>``."""

    def localise_blocks(self, blocks: list, *, post_title: str = "") -> list:
        """A converted body with its figures pointing where the pictures are."""

    def close(self) -> None:
        """Finish pending work (downloads, bookkeeping)."""

    def report(self) -> dict:
        """What became of the pictures, for the import's report."""

    def discard(self) -> None:
        """The import rolled back: remove the files it wrote to storage."""


class RemoteImages:
    """Keep images where they are, as remote images of the figure block."""

    def prefetch(self, entry) -> int:
        return 0

    def needs_update(self, entry) -> bool:
        return False

    def block_value(self, src: str, link: str, img) -> dict:
        alt = (img.get("alt") or img.get("title") or "").strip()[:255]
        url = original_url(src, link)
        return {
            "image": None,
            "remote_url": url if url.startswith(("http://", "https://")) else "",
            "alt_text": alt,
            "caption": "",
            "credit": "",
            "link_url": "" if not link or link == url else link,
            # Blogger links a picture to its own full-size original: keep that
            # link, wherever the picture ends up (here or in the library).
            "link_to_original": bool(link) and link == url,
        }

    def localise_blocks(self, blocks: list, *, post_title: str = "") -> list:
        return blocks

    def close(self) -> None:
        pass

    def report(self) -> dict:
        return {}

    def discard(self) -> None:
        pass


def image_report_lines(summary: dict) -> list[str]:
    """The report's lines about pictures (see ``LibraryImages.report``)."""
    stored = summary.get("downloaded", 0) + summary.get("from_folder", 0)
    failed = summary.get("failed", [])
    known = summary.get("in_library", 0) + summary.get("same_file_in_library", 0)
    out = [
        f"  images: stored {stored} (downloaded {summary.get('downloaded', 0)}, "
        f"from the folder {summary.get('from_folder', 0)}), already in the "
        f"library {known}, left remote {len(failed)}, "
        f"dropped {len(summary.get('skipped', []))}"
    ]
    if summary.get("would_fetch"):
        out[0] = (
            f"  images: {summary['would_fetch']} to fetch or copy, "
            f"{known} already in the library"
        )
    out += [f"    - left remote: {f['url']} ({f['reason']})" for f in failed[:50]]
    if len(failed) > 50:
        out.append(f"    - and {len(failed) - 50} more (see the JSON report)")
    return out
