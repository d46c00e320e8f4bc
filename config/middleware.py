"""Our middleware: security headers, and the page cache for anonymous readers.

`SecurityHeadersMiddleware` adds a Content-Security-Policy to every response (the
public site gets a strict one without inline script; the Wagtail admin, whose
widgets still carry small inline scripts, gets a looser one of its own), a
Permissions-Policy, and X-Frame-Options on the responses that never reach
Django's clickjacking middleware (static files served by WhiteNoise).

Django 6 has a CSP middleware of its own, but 5.2 does not; one small middleware
keeps the behaviour identical on both lines. A response that already carries a
policy (a view that set its own) keeps it.
"""

import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control

SELF = "'self'"
NONE = "'none'"

# What the public pages need: our own CSS, images from anywhere over HTTPS (old
# posts link pictures hosted elsewhere, media may sit on object storage), and
# video embeds in iframes. No inline script, no inline style, no plug-ins.
PUBLIC_POLICY: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:", "https:"],
    "media-src": [SELF, "https:"],
    "font-src": [SELF],
    "frame-src": ["https:"],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}

# The Wagtail admin renders inline <script> in some widgets (date pickers, inline
# panels) and inline styles; it frames its own previews.
ADMIN_POLICY: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:", "https:"],
    "media-src": [SELF, "blob:", "https:"],
    "font-src": [SELF, "data:"],
    "frame-src": [SELF, "https:"],
    "connect-src": [SELF],
    "worker-src": [SELF, "blob:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}

PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"


def build_policy(directives: Mapping[str, list[str]]) -> str:
    """`{"default-src": ["'self'"]}` -> `default-src 'self'`."""
    return "; ".join(
        " ".join([name, *sources]) if sources else name
        for name, sources in directives.items()
    )


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and X-Frame-Options everywhere.

    Settings (all optional): `CSP_PUBLIC` and `CSP_ADMIN` (directive -> sources),
    `CSP_ADMIN_PATHS` (path prefixes that get the admin policy),
    `CSP_REPORT_ONLY` (send the Report-Only header instead, to try a change).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.public = build_policy(getattr(settings, "CSP_PUBLIC", PUBLIC_POLICY))
        self.admin = build_policy(getattr(settings, "CSP_ADMIN", ADMIN_POLICY))
        self.admin_paths = tuple(getattr(settings, "CSP_ADMIN_PATHS", ["/admin/"]))
        self.header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        self.frame_options = getattr(settings, "X_FRAME_OPTIONS", "DENY")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header(self.header):
            admin = request.path.startswith(self.admin_paths)
            response[self.header] = self.admin if admin else self.public
        if not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        if not response.has_header("X-Frame-Options") and not getattr(
            response, "xframe_options_exempt", False
        ):
            response["X-Frame-Options"] = self.frame_options
        return response


class PageCacheState:
    """What the page cache learns about one request while it is served."""

    def __init__(self, scopes: dict[str, str]):
        self.scopes = dict(scopes)  # scope -> version token read before rendering
        self.page_id: int | None = None
        self.expires_at = None


class PageCacheMiddleware:
    """Whole pages for anonymous readers, from Django's cache (posts/cache.py).

    A request is answered from the cache only when it is a GET or HEAD without a
    session or message cookie (so editors, previews and readers with a pending
    message always get a fresh page) and with no query parameters but `page` and
    `replyto`. A stored page records the versions it was built from; it is used
    only while they are all still current. Per-visitor values (the CSRF token, the
    comment form's signed timestamp) are stored as placeholders and filled in
    fresh on every hit, so the forms keep working on cached pages.

    Settings: `PAGE_CACHE_SECONDS` (0 turns the cache off), `PAGE_CACHE_PATHS_SKIPPED`
    (path prefixes never cached), `PAGE_CACHE_QUERY_PARAMS` (allowed parameters),
    `FRONTEND_CACHE_MAX_AGE` (s-maxage for shared caches on pages without forms).
    """

    HIT = "hit"
    MISS = "miss"
    header = "X-Page-Cache"
    _fields = re.compile(rb'(name="(csrfmiddlewaretoken|token)" value=")([^"]*)(")')
    _placeholder = b"\x00page-cache:%s\x00"
    _skipped_headers = {"content-length", "set-cookie", "date"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.path_scopes: dict[str, str] = {}  # entry key -> its post scope (hint)
        # A small copy of recent pages in this worker's memory, in front of a shared
        # (Redis) cache: a hit then fetches only the version tokens, not the page.
        # Still checked against the shared versions on every request.
        backend = settings.CACHES["default"]["BACKEND"]
        self.local_limit = getattr(
            settings,
            "PAGE_CACHE_LOCAL_BYTES",
            0 if backend.endswith("LocMemCache") else 32 * 1024 * 1024,
        )
        self.local: OrderedDict[str, dict] = OrderedDict()
        self.local_bytes = 0

    # -- the request side ----------------------------------------------------------

    def _cacheable_request(self, request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        skipped = getattr(
            settings, "PAGE_CACHE_PATHS_SKIPPED", ["/admin/", "/documents/"]
        )
        if request.path.startswith(tuple(skipped)):
            return False
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return False
        if "HTTP_AUTHORIZATION" in request.META:
            return False
        allowed = getattr(settings, "PAGE_CACHE_QUERY_PARAMS", ("page", "replyto"))
        return all(name in allowed for name in request.GET)

    def _key(self, request: HttpRequest) -> str:
        raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        return "pagecache:page:" + hashlib.sha256(raw.encode()).hexdigest()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if not seconds or not self._cacheable_request(request):
            return self.get_response(request)
        from posts import cache as page_cache

        try:
            key = self._key(request)
        except DisallowedHost:
            return self.get_response(request)
        local = self.local.get(key)
        if local is not None:
            if local["expires"] > time.time():
                tokens = cache.get_many([page_cache._key(s) for s in local["deps"]])
                if all(
                    tokens.get(page_cache._key(s)) == t
                    for s, t in local["deps"].items()
                ):
                    self.local.move_to_end(key)
                    return self._from_entry(request, local)
            self._forget_local(key)
        scopes = [page_cache.SITE]
        hinted = self.path_scopes.get(key)
        if hinted:
            scopes.append(hinted)
        found = cache.get_many([key] + [page_cache._key(s) for s in scopes])
        entry = found.pop(key, None)
        current = {scope: found.get(page_cache._key(scope)) for scope in scopes}
        if entry is not None:
            missing = [scope for scope in entry["deps"] if scope not in current]
            if missing:
                current.update(page_cache.versions(missing))
            if all(current.get(s) == t for s, t in entry["deps"].items()):
                if not hinted:
                    self._remember_scope(key, entry["deps"])
                self._keep_local(key, entry)
                return self._from_entry(request, entry)
        site = (
            current.get(page_cache.SITE)
            or page_cache.versions([page_cache.SITE])[page_cache.SITE]
        )
        request.page_cache = PageCacheState({page_cache.SITE: site})
        response = self.get_response(request)
        self._store(request, response, key, seconds)
        return response

    # -- the response side ---------------------------------------------------------

    def _storable(self, request: HttpRequest, response: HttpResponse) -> bool:
        if request.method != "GET" or response.status_code != 200:
            return False
        if response.streaming or not hasattr(response, "content"):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        control = response.get("Cache-Control", "").lower()
        if any(word in control for word in ("private", "no-store", "no-cache")):
            return False
        for name in response.cookies:
            if name != settings.CSRF_COOKIE_NAME:
                return False
        return True

    def _store(self, request, response, key: str, seconds: int) -> None:
        from django.utils import timezone

        from posts import cache as page_cache

        state: PageCacheState = request.page_cache
        if not self._storable(request, response):
            return
        fields: set[str] = set()

        def to_placeholder(match: re.Match) -> bytes:
            name = match.group(2).decode()
            if name == "token" and state.page_id is None:
                return match.group(0)
            fields.add(name)
            return match.group(1) + self._placeholder % match.group(2) + match.group(4)

        content = self._fields.sub(to_placeholder, response.content)
        deps = dict(state.scopes)
        if state.page_id is None:
            # Not a Wagtail page (a comment feed): comments change it.
            deps.update(page_cache.versions([page_cache.COMMENTS]))
        timeout = seconds
        if state.expires_at is not None:
            left = (state.expires_at - timezone.now()).total_seconds()
            timeout = max(1, min(timeout, int(left)))
        self._add_shared_cache_headers(response, fields)
        entry = {
            "deps": deps,
            "status": response.status_code,
            "headers": [
                (name, value)
                for name, value in response.items()
                if name.lower() not in self._skipped_headers
            ],
            "content": content,
            "fields": sorted(fields),
            "page_id": state.page_id,
            "expires": time.time() + timeout,
        }
        cache.set(key, entry, timeout=timeout)
        self._keep_local(key, entry)
        self._remember_scope(key, deps)
        response[self.header] = self.MISS

    def _keep_local(self, key: str, entry: dict) -> None:
        if not self.local_limit or "expires" not in entry:
            return
        self._forget_local(key)
        self.local[key] = entry
        self.local_bytes += len(entry["content"])
        while self.local_bytes > self.local_limit and self.local:
            self._forget_local(next(iter(self.local)))

    def _forget_local(self, key: str) -> None:
        entry = self.local.pop(key, None)
        if entry is not None:
            self.local_bytes -= len(entry["content"])

    def _remember_scope(self, key: str, deps: dict) -> None:
        """Next time, read this page's post version with the page: one round trip."""
        post_scopes = [s for s in deps if s.startswith("post:")]
        if post_scopes:
            if len(self.path_scopes) > 10000:
                self.path_scopes.clear()
            self.path_scopes[key] = post_scopes[0]

    def _add_shared_cache_headers(self, response: HttpResponse, fields) -> None:
        """s-maxage for a CDN on pages without a per-visitor token; private else."""
        max_age = getattr(settings, "FRONTEND_CACHE_MAX_AGE", 0)
        if not max_age:
            return
        if fields:
            patch_cache_control(response, private=True)
        else:
            patch_cache_control(response, public=True, max_age=0, s_maxage=max_age)

    def _from_entry(self, request: HttpRequest, entry: dict) -> HttpResponse:
        from posts import cache as page_cache

        content = entry["content"]
        for name in entry["fields"]:
            if name == "csrfmiddlewaretoken":
                value = get_token(request)
            else:
                value = page_cache.fresh_comment_token(entry["page_id"])
            content = content.replace(self._placeholder % name.encode(), value.encode())
        response = HttpResponse(content, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response[self.header] = self.HIT
        return response
