"""Fetching a Blogger post's images: politely, safely, and in parallel.

This module knows nothing about pages or the image library. It turns the URLs
found in a post body into checked image bytes, or into a one-line reason why
not:

- `candidate_urls()` applies Blogger's URL rules: the full-size original that
  the `<a href>` around an `<img>` points to (`/s1600/`), or the thumbnail's
  size segment (`/s320/`, `/w400-h300/`) or suffix (`=s320`, `=w400-h300`)
  upsized to the original (`/s0/`, `=s0`), then the URL as written.
- `LocalImages` finds a file of the same name in a folder given with
  `--images DIR` or in a Google Takeout `Albums/` folder, so that only what is
  missing is fetched.
- `ImageFetcher` downloads the rest with a bounded thread pool: a timeout and
  a size limit per file, retries with back-off on what can be retried, only
  `http`/`https`, never to a private, loopback, link-local or reserved address
  (checked after DNS resolution, and the connection is made to the address
  that was checked), redirects followed by hand and each hop checked again.
- Every file, downloaded or local, is checked with Pillow: it must open, pass
  `verify()`, decode, stay under the pixel limit (a decompression bomb is
  refused) and be a format Wagtail serves. A 1x1 tracking pixel is skipped.

Settings (all optional):

- `BLOGGER_IMAGES_WORKERS` (4): parallel downloads.
- `BLOGGER_IMAGES_TIMEOUT` (15): seconds per connect or read.
- `BLOGGER_IMAGES_FILE_DEADLINE` (60): seconds for one whole file.
- `BLOGGER_IMAGES_MAX_BYTES` (25 MB): the largest file accepted.
- `BLOGGER_IMAGES_MAX_PIXELS` (50 million): the largest image accepted.
- `BLOGGER_IMAGES_RETRIES` (2) and `BLOGGER_IMAGES_BACKOFF` (1.0 s, doubled
  each time): for timeouts, dropped connections, 429 and 5xx answers.
- `BLOGGER_IMAGES_PREFETCH` (32): how many pictures the import may fetch
  ahead of the one it is writing (read by `posts.blogger.library`).
- `BLOGGER_IMAGES_ALLOW_PRIVATE_HOSTS` (False): True, or a list of addresses
  or networks, lets the fetcher reach private addresses. Only tests set it.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import ipaddress
import os
import random
import re
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, unquote_plus, urljoin, urlsplit, urlunsplit

from django.conf import settings
from PIL import Image

USER_AGENT = "AskAKorean-BloggerImport/1.0 (copying a blog's own images)"

# Pillow format -> the file extension Wagtail stores it under.
FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}

BLOGGER_HOSTS = re.compile(
    r"^(?:(?:\d+\.)?bp\.blogspot\.com"
    r"|blogger\.googleusercontent\.com"
    r"|lh\d*\.googleusercontent\.com"
    r"|lh\d*\.ggpht\.com)$",
    re.IGNORECASE,
)
# A path segment that asks Blogger for a resized copy: s320, s1600, s72-c,
# w400-h300, w640-h400-rw, h200...
SIZE_SEGMENT = re.compile(r"^(?:s\d+|w\d+(?:-h\d+)?|h\d+|d)(?:-[a-z0-9]+)*$", re.I)
# The same as a suffix of the last segment: ...=s320, ...=w400-h300-p-k-no-nu.
SIZE_SUFFIX = re.compile(r"=(?:s\d+|w\d+(?:-h\d+)?|h\d+|d)(?:-[a-z0-9]+)*$", re.I)

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
MAX_REDIRECTS = 5


# --------------------------------------------------------------------------
# Blogger's URL rules


def is_blogger_image_host(host: str | None) -> bool:
    return bool(host and BLOGGER_HOSTS.match(host))


def original_url(url: str) -> str:
    """The URL of the full-size original of a Blogger image (`/s0/`, `=s0`).

    URLs on other hosts come back unchanged.
    """
    parts = urlsplit(url)
    if not is_blogger_image_host(parts.hostname):
        return url
    path = parts.path
    if SIZE_SUFFIX.search(path):
        path = SIZE_SUFFIX.sub("=s0", path)
    else:
        segments = path.split("/")
        if len(segments) >= 3 and SIZE_SEGMENT.match(segments[-2]):
            segments[-2] = "s0"
            path = "/".join(segments)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def source_key(url: str) -> str:
    """One name for every copy of the same Blogger image.

    Blogger serves one picture from several shards (1.bp, 2.bp...), over http
    and https, at many sizes: all of them share a key, which is what the image
    library remembers so that nothing is fetched or stored twice.
    """
    url = original_url(url.strip())
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if is_blogger_image_host(host):
        host = re.sub(r"^\d+\.bp\.", "bp.", host)
        host = re.sub(r"^lh\d*\.", "lh.", host)
        scheme = "https"
    else:
        scheme = parts.scheme.lower()
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, ""))


def file_name(url: str) -> str:
    """The file name a URL ends with, decoded ('' when it has none)."""
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    last = SIZE_SUFFIX.sub("", last)
    name = last
    # Blogger encodes twice: "My%2BPhoto.jpg" is "My Photo.jpg".
    for _ in range(2):
        name = unquote_plus(name) if "%2B" in name.upper() else unquote(name)
    return name if Path(name).suffix.lower() in EXTENSIONS else ""


def looks_like_image_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return False
    return is_blogger_image_host(parts.hostname) or bool(file_name(url))


def candidate_urls(src: str, link_url: str = "") -> list[str]:
    """The URLs worth trying for one `<img>`, best first.

    The original behind the link (when the link is to the same picture), the
    thumbnail upsized to the original, the link as written, then the `src`.
    """
    candidates = []
    src = (src or "").strip()
    link_url = (link_url or "").strip()
    if link_url and looks_like_image_url(link_url):
        same_picture = is_blogger_image_host(urlsplit(link_url).hostname) or file_name(
            link_url
        ) == file_name(src)
        if same_picture:
            candidates += [original_url(link_url), link_url]
    if src:
        candidates += [original_url(src), src]
    seen = set()
    return [u for u in candidates if u and not (u in seen or seen.add(u))]


# --------------------------------------------------------------------------
# Results


class FetchError(Exception):
    """Why one URL gave no image. `retry` says whether trying again may help;
    `fall_back` whether another candidate URL of the same picture may."""

    def __init__(self, reason: str, *, retry: bool = False, fall_back: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.fall_back = fall_back


@dataclass
class CheckedImage:
    content: bytes
    format: str
    width: int
    height: int
    sha1: str

    @property
    def extension(self) -> str:
        return FORMATS[self.format]


@dataclass
class FetchResult:
    """What became of one picture: an image, or a reason."""

    key: str
    candidates: list[str]
    image: CheckedImage | None = None
    url: str = ""  # where the bytes came from (a URL or a local path)
    origin: str = ""  # "download", "folder" or "" when it failed
    reason: str = ""
    skipped: bool = False  # a tracking pixel: not an error, nothing to store
    attempts: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.image is not None

    @property
    def filename(self) -> str:
        for url in [self.url, *self.candidates]:
            name = Path(url).name if self.origin == "folder" else file_name(url)
            if name:
                stem = Path(name).stem
                return f"{stem}.{self.image.extension}" if self.image else name
        return f"blogger-image.{self.image.extension if self.image else 'jpg'}"


# --------------------------------------------------------------------------
# Checking the bytes


def check_image(content: bytes, *, max_pixels: int) -> CheckedImage:
    """Accept only a complete, decodable image of a format Wagtail serves."""
    head = content[:512].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        raise FetchError("an HTML page, not an image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as im:
                width, height = im.size
                fmt = im.format
                if width * height > max_pixels:
                    raise FetchError(
                        f"decompression bomb refused ({width}x{height} pixels)"
                    )
                if fmt not in FORMATS:
                    raise FetchError(f"unsupported image format {fmt}")
                im.verify()
            # verify() leaves the image unusable: decode it again to be sure
            # the data is complete (JPEGs decoded at a reduced size: cheap).
            with Image.open(io.BytesIO(content)) as im:
                if fmt == "JPEG":
                    im.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                im.load()
    except FetchError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FetchError("decompression bomb refused") from None
    except Image.UnidentifiedImageError:
        raise FetchError("not an image Pillow can read") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise FetchError(f"broken image data ({exc})") from None
    if width <= 1 and height <= 1:
        raise FetchError("1x1 tracking pixel", fall_back=False)
    return CheckedImage(
        content=content,
        format=fmt,
        width=width,
        height=height,
        sha1=hashlib.sha1(content, usedforsecurity=False).hexdigest(),
    )


# --------------------------------------------------------------------------
# Local folders


def _name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().lower()


class LocalImages:
    """Image files under some folders, found by file name.

    A name that occurs twice (two albums with an IMG_0001.JPG) is ambiguous
    and is not used: the picture is fetched instead.
    """

    def __init__(self, folders: Iterable[str | os.PathLike] = ()):
        self.folders = [Path(f) for f in folders if f]
        self._index: dict[str, Path | None] = {}
        for folder in self.folders:
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() in EXTENSIONS and path.is_file():
                    key = _name_key(path.name)
                    self._index[key] = None if key in self._index else path

    def __len__(self) -> int:
        return sum(1 for p in self._index.values() if p)

    def find(self, urls: Iterable[str]) -> Path | None:
        for url in urls:
            name = file_name(url)
            if not name:
                continue
            for variant in {name, name.replace("+", " "), unquote(name)}:
                path = self._index.get(_name_key(variant))
                if path:
                    return path
        return None


def takeout_albums(export_path: str | os.PathLike) -> str:
    """The `Albums/` folder of a Google Takeout archive, for its `.atom` feed.

    Takeout writes `Blogger/Blogs/<blog>/feed.atom` beside `Blogger/Albums/`;
    a classic `.xml` backup has no albums. '' when there is none.
    """
    path = Path(export_path)
    if path.suffix.lower() != ".atom":
        return ""
    here = path.resolve().parent
    for folder in (here, *list(here.parents)[:3]):
        albums = folder / "Albums"
        if albums.is_dir():
            return str(albums)
    return ""


# --------------------------------------------------------------------------
# Network safety


# IPv6 ranges whose last 32 bits are an IPv4 address, and where a 6to4 one
# keeps it (bits 16-48).
_IPV4_IN_LAST_32 = [
    ipaddress.ip_network(net)
    for net in (
        "64:ff9b::/96",  # NAT64, the well-known prefix (RFC 6052)
        "64:ff9b:1::/48",  # NAT64, local use (RFC 8215)
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "::/96",  # IPv4-compatible (deprecated, still routed by some stacks)
    )
]
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


def embedded_ipv4(ip) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (NAT64, mapped, 6to4...)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    if any(ip in net for net in _IPV4_IN_LAST_32):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


class AddressPolicy:
    """Which addresses the fetcher may connect to."""

    def __init__(self, allow_private: bool | Iterable[str] = False):
        self.allow_all = allow_private is True
        self.allowed = []
        if allow_private and allow_private is not True:
            self.allowed = [
                ipaddress.ip_network(a, strict=False) for a in allow_private
            ]

    def permits(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if self.allow_all or any(ip in net for net in self.allowed):
            return True
        # An IPv6 form of an IPv4 address reaches that IPv4 address: judge
        # the address it stands for (an allow-listed IPv4 one is not enough).
        ip = embedded_ipv4(ip) or ip
        return ip.is_global and not ip.is_multicast

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of `host`, all of which may be reached, or FetchError.

        Every address the name resolves to must be public (a name that also
        points inside the network is refused), and the caller connects to the
        very address checked here, so a second lookup cannot change it.
        """
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(
                f"host not found ({host}: {exc})", fall_back=False
            ) from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not addresses:
            raise FetchError(f"host not found ({host})", fall_back=False)
        refused = [a for a in addresses if not self.permits(a)]
        if refused:
            raise FetchError(
                f"refused: {host} resolves to a private or reserved address "
                f"({refused[0]})",
                fall_back=False,
            )
        return addresses


def _connection(scheme: str, host: str, port: int, addresses, timeout: float):
    if scheme == "https":
        conn = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def create_connection(_address, timeout=timeout, source_address=None):
        # Connect to an address that was checked, whatever the name says now;
        # TLS still checks the certificate against the host name.
        error = None
        for address in addresses:
            try:
                return socket.create_connection(
                    (address, port), timeout, source_address
                )
            except OSError as exc:
                error = exc
        raise error

    conn._create_connection = create_connection
    return conn


# --------------------------------------------------------------------------
# The fetcher


def _setting(name: str, default):
    return getattr(settings, f"BLOGGER_IMAGES_{name}", default)


class ImageFetcher:
    """Fetch pictures in a bounded thread pool; results come back as futures.

    Submitting the same picture twice (the same key) returns the same future,
    so a picture used in ten posts is fetched once. Use as a context manager,
    or call `close()`.
    """

    def __init__(
        self,
        *,
        folders: Iterable[str | os.PathLike] = (),
        download: bool = True,
        workers: int | None = None,
        timeout: float | None = None,
        file_deadline: float | None = None,
        max_bytes: int | None = None,
        max_pixels: int | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        allow_private: bool | Iterable[str] | None = None,
    ):
        if not isinstance(folders, LocalImages):
            folders = LocalImages(folders)
        self.local = folders
        self.download = download
        self.workers = workers or _setting("WORKERS", 4)
        self.timeout = timeout or _setting("TIMEOUT", 15.0)
        self.file_deadline = file_deadline or _setting("FILE_DEADLINE", 60.0)
        self.max_bytes = max_bytes or _setting("MAX_BYTES", 25 * 1024 * 1024)
        self.max_pixels = max_pixels or _setting("MAX_PIXELS", 50_000_000)
        self.retries = _setting("RETRIES", 2) if retries is None else retries
        self.backoff = _setting("BACKOFF", 1.0) if backoff is None else backoff
        if allow_private is None:
            allow_private = _setting("ALLOW_PRIVATE_HOSTS", False)
        self.policy = AddressPolicy(allow_private)
        self._pool = ThreadPoolExecutor(
            max_workers=self.workers, thread_name_prefix="blogger-image"
        )
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self.requests = 0  # HTTP requests made, redirects and retries included

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def submit(self, src: str, link_url: str = "") -> Future:
        """Start getting one picture; the future gives a FetchResult."""
        candidates = candidate_urls(src, link_url)
        key = source_key(candidates[-1]) if candidates else ""
        with self._lock:
            future = self._futures.get(key)
            if future is None:
                future = self._pool.submit(self._get, key, candidates)
                self._futures[key] = future
        return future

    def forget(self, key: str) -> None:
        """Drop a finished picture (and its bytes) from the fetcher's memory."""
        with self._lock:
            self._futures.pop(key, None)

    # The work done in the pool ------------------------------------------

    def _get(self, key: str, candidates: list[str]) -> FetchResult:
        result = FetchResult(key=key, candidates=candidates)
        try:
            return self._get_into(result)
        except Exception as exc:  # noqa: BLE001 - one picture never stops an import
            result.reason = f"unexpected error: {exc!r}"
            return result

    def _get_into(self, result: FetchResult) -> FetchResult:
        if not result.candidates:
            result.reason = "no URL"
            return result
        path = self.local.find(result.candidates)
        if path is not None:
            try:
                content = self._read_local(path)
                result.image = check_image(content, max_pixels=self.max_pixels)
                result.url, result.origin = str(path), "folder"
                return result
            except FetchError as exc:
                if not exc.fall_back:
                    result.reason, result.skipped = exc.reason, True
                    return result
                result.errors.append(f"{path.name}: {exc.reason}")
        if not self.download:
            result.reason = result.errors[-1] if result.errors else "not in the folder"
            return result
        for url in result.candidates:
            try:
                content = self._download(url, result)
                result.image = check_image(content, max_pixels=self.max_pixels)
                result.url, result.origin = url, "download"
                result.reason = ""
                return result
            except FetchError as exc:
                result.errors.append(f"{url}: {exc.reason}")
                if exc.reason == "1x1 tracking pixel":
                    result.reason, result.skipped = exc.reason, True
                    return result
                # The first URL's failure is the one worth reporting, unless
                # a later one says something more definite.
                if not result.reason or not exc.fall_back:
                    result.reason = exc.reason
                if not exc.fall_back:
                    return result
        return result

    def _read_local(self, path: Path) -> bytes:
        if path.stat().st_size > self.max_bytes:
            raise FetchError(f"file larger than {self.max_bytes} bytes")
        return path.read_bytes()

    def _download(self, url: str, result: FetchResult) -> bytes:
        attempt = 0
        while True:
            attempt += 1
            result.attempts += 1
            try:
                return self._follow(url)
            except FetchError as exc:
                if not exc.retry or attempt > self.retries:
                    if exc.retry and attempt > 1:
                        exc.reason += f" (after {attempt} attempts)"
                    raise
                delay = getattr(exc, "retry_after", None)
                if delay is None:
                    delay = self.backoff * (2 ** (attempt - 1))
                    delay *= 1 + random.random() / 4
                time.sleep(min(delay, 30.0))

    def _follow(self, url: str) -> bytes:
        for _hop in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme not in ("http", "https"):
                raise FetchError(f"refused: {scheme or 'no'} scheme", fall_back=False)
            if not parts.hostname:
                raise FetchError("no host in the URL")
            try:
                port = parts.port or (443 if scheme == "https" else 80)
            except ValueError:
                raise FetchError("bad port in the URL") from None
            addresses = self.policy.resolve(parts.hostname, port)
            status, location, content = self._request(
                scheme, parts.hostname, port, addresses, parts
            )
            if location is None:
                return content
            url = urljoin(url, location)
        raise FetchError("too many redirects")

    def _request(self, scheme, host, port, addresses, parts):
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        deadline = time.monotonic() + self.file_deadline
        conn = _connection(scheme, host, port, addresses, self.timeout)
        with self._lock:
            self.requests += 1
        try:
            conn.request(
                "GET",
                path,
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": "image/avif,image/webp,image/*;q=0.9,*/*;q=0.1",
                    "Accept-Encoding": "identity",
                },
            )
            response = conn.getresponse()
            status = response.status
            if status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"HTTP {status} without a Location")
                return status, location, b""
            if status != 200:
                exc = FetchError(f"HTTP {status}", retry=status in RETRYABLE_STATUS)
                retry_after = response.getheader("Retry-After", "")
                if retry_after.isdigit():
                    exc.retry_after = float(retry_after)
                raise exc
            length = response.getheader("Content-Length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                raise FetchError(f"file larger than {self.max_bytes} bytes")
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(
                        f"timed out (whole file over {self.file_deadline:g} s)",
                        retry=True,
                        fall_back=False,
                    )
                # read1: at most one receive, so a host that drips bytes
                # slowly still meets the whole-file deadline.
                chunk = response.read1(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"file larger than {self.max_bytes} bytes")
                chunks.append(chunk)
            return status, None, b"".join(chunks)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(
                f"timed out after {self.timeout:g} s", retry=True, fall_back=False
            ) from None
        except ssl.SSLError as exc:
            raise FetchError(f"TLS error ({exc.reason})", fall_back=False) from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(
                f"connection failed ({exc.__class__.__name__}: {exc})",
                retry=True,
                fall_back=False,
            ) from None
        finally:
            conn.close()
