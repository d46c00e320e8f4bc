"""Whole pages for anonymous readers, from the shared cache (plumbing/cache.py).

A request is answered from the cache only when it is a GET or HEAD without a
session or message cookie (so editors, previews and readers with a pending
message always get a fresh page) and with no query parameters but the allowed
ones (`page`, `replyto`). A stored page records the versions it was built from;
it is used only while they are all still current. Per-visitor values (the CSRF
token, and each field registered with `plumbing.cache.fresh_field`) are stored as
placeholders and filled in fresh on every hit, so forms keep working on cached
pages.

No cache pollution: an answer to a query is stored only when the page says it
used each parameter as given (`plumbing.cache.query_used`), so `?page=` past the
last page, `?replyto=` of a missing comment or a parameter the page ignores never
makes an entry; the key sorts the parameters, so their order makes none either.
The entries for one URL are bounded by the pages and comments that exist.

Settings: `PAGE_CACHE_SECONDS` (0 turns the cache off), `PAGE_CACHE_PATHS_SKIPPED`
(path prefixes never cached), `PAGE_CACHE_QUERY_PARAMS` (allowed parameters),
`PAGE_CACHE_LOCAL_BYTES` (each worker's own copy), `FRONTEND_CACHE_MAX_AGE`
(s-maxage for shared caches on pages without forms).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from plumbing import cache as versions
from plumbing.cache import COMMENTS, SITE
from plumbing.localcopies import LocalCopies

CSRF_FIELD = "csrfmiddlewaretoken"


class PageCacheState:
    """What the page cache learns about one request while it is served."""

    def __init__(self, scopes: dict[str, str]):
        self.scopes = dict(scopes)  # scope -> version token read before rendering
        self.page_id: int | None = None
        self.expires_at = None
        self.query: dict[str, str | None] = {}  # parameter -> value the page used


class PageCacheMiddleware:
    HIT = "hit"
    MISS = "miss"
    header = "X-Page-Cache"
    _placeholder = b"\x00page-cache:%s\x00"
    _skipped_headers = {"content-length", "set-cookie", "date"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.path_scopes: dict[str, str] = {}  # entry key -> its page scope (hint)
        # A small copy of recent pages in this worker's memory, in front of the
        # shared cache: a hit then fetches only the version tokens, not the page.
        # Still checked against the shared versions on every request.
        backend = settings.CACHES["default"]["BACKEND"]
        self.local_limit = getattr(
            settings,
            "PAGE_CACHE_LOCAL_BYTES",
            0 if backend.endswith("LocMemCache") else 32 * 1024 * 1024,
        )
        self.local = LocalCopies(self.local_limit)
        self.allowed = tuple(
            getattr(settings, "PAGE_CACHE_QUERY_PARAMS", ("page", "replyto"))
        )

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
        return all(name in self.allowed for name in request.GET)

    def _key(self, request: HttpRequest) -> str:
        query = urlencode(sorted(request.GET.lists()), doseq=True)
        raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        return versions.page_key(hashlib.sha256(raw.encode()).hexdigest())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if not seconds or not self._cacheable_request(request):
            return self.get_response(request)
        try:
            key = self._key(request)
        except DisallowedHost:
            return self.get_response(request)
        key_of = versions.version_key
        local = self.local.get(key)
        if local is not None:
            tokens = versions.versions(local["deps"])
            if all(tokens[s] == t for s, t in local["deps"].items()):
                return self._from_entry(request, local)
            self.local.forget(key)
        scopes = [SITE]
        hinted = self.path_scopes.get(key)
        if hinted:
            scopes.append(hinted)
        found = cache.get_many([key] + [key_of(s) for s in scopes])
        entry = found.pop(key, None)
        current = {scope: found.get(key_of(scope)) for scope in scopes}
        if entry is not None:
            missing = [scope for scope in entry["deps"] if scope not in current]
            if missing:
                current.update(versions.versions(missing))
            if all(current.get(s) == t for s, t in entry["deps"].items()):
                if not hinted:
                    self._remember_scope(key, entry["deps"])
                self._keep_local(key, entry)
                return self._from_entry(request, entry)
        versions.read_in_request(current)
        site = current.get(SITE) or versions.versions([SITE])[SITE]
        request.page_cache = PageCacheState({SITE: site})
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
        # Every parameter given must be one the page used, exactly as given.
        used = request.page_cache.query
        return all(
            name in used and values == [used[name]]
            for name, values in request.GET.lists()
        )

    def _fields_pattern(self, names) -> re.Pattern:
        alternatives = b"|".join(re.escape(n.encode()) for n in sorted(names))
        return re.compile(rb'(name="(' + alternatives + rb')" value=")([^"]*)(")')

    def _store(self, request, response, key: str, seconds: int) -> None:
        state: PageCacheState = request.page_cache
        if not self._storable(request, response):
            return
        makers = versions.fresh_fields()
        fields: set[str] = set()

        def to_placeholder(match: re.Match) -> bytes:
            name = match.group(2).decode()
            if name != CSRF_FIELD and state.page_id is None:
                return match.group(0)
            fields.add(name)
            return match.group(1) + self._placeholder % match.group(2) + match.group(4)

        pattern = self._fields_pattern([CSRF_FIELD, *makers])
        content = pattern.sub(to_placeholder, response.content)
        deps = dict(state.scopes)
        if state.page_id is None:
            # Not a Wagtail page (a comment feed): comments change it.
            deps.update(versions.versions([COMMENTS]))
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
        versions.store_after_response(key, entry, timeout)
        self._keep_local(key, entry)
        self._remember_scope(key, deps)
        response[self.header] = self.MISS

    def _keep_local(self, key: str, entry: dict) -> None:
        if "expires" in entry:
            self.local.keep(key, entry, len(entry["content"]), entry["expires"])

    def _remember_scope(self, key: str, deps: dict) -> None:
        """Next time, read this page's own version with the page: one round trip."""
        page_scopes = [s for s in deps if s.startswith("page:")]
        if page_scopes:
            if len(self.path_scopes) > 10000:
                self.path_scopes.clear()
            self.path_scopes[key] = page_scopes[0]

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
        content = entry["content"]
        makers = versions.fresh_fields()
        for name in entry["fields"]:
            if name == CSRF_FIELD:
                value = get_token(request)
            else:
                make = makers.get(name)
                value = make(entry["page_id"]) if make else ""
            content = content.replace(self._placeholder % name.encode(), value.encode())
        response = HttpResponse(content, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response[self.header] = self.HIT
        return response
