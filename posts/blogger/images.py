"""Where an imported post's images come from: the seam for image handling.

The importer calls, on the source that :func:`image_source_for` returns:
``prefetch_html(html)`` before converting a body and
``localise_blocks(blocks, post_title=...)`` after (both optional), then
``close()`` and ``report()`` at the end (optional too).

The converter calls ``block_value(src, link, img)`` for every image it meets
and puts what comes back into a ``FigureBlock``. :class:`RemoteImages` keeps
the picture on Blogger's servers (``remote_url``), preferring the linked
full-size original over the ``/s320/`` thumbnail. A class that brings images
into the Wagtail image library (from ``--images DIR``, a Takeout ``Albums/``
folder or a download) implements the same method and sets ``image`` to the
new image's id; :func:`image_source_for` picks one from the import options.
"""

from __future__ import annotations

import re
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


class RemoteImages:
    """Keep images where they are, as remote images of the figure block."""

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
        }


def image_source_for(options: dict):
    """The image source the options ask for.

    ``download_images`` or a folder (``images_dir``) brings pictures into the
    image library (:class:`posts.blogger.library.LibraryImages`: the folder
    first, then a download when allowed); otherwise they stay remote.
    """
    folder = options.get("images_dir") or ""
    if options.get("download_images") or folder:
        from .library import LibraryImages

        return LibraryImages(
            download=bool(options.get("download_images")),
            folders=[folder] if folder else [],
            dry_run=bool(options.get("dry_run")),
        )
    return RemoteImages()


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
