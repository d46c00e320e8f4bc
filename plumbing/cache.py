"""The page cache's versions and every purge: the one module that knows cache keys.

Two kinds of cache sit in front of the public pages:

- our own page cache (`plumbing.middleware.PageCacheMiddleware`, and the
  `{% cachedfragment %}` tag): whole responses for anonymous readers and the heavy
  parts of pages, kept in Django's cache (Redis, or the database cache without it:
  every worker, process and machine shares it), with a small copy of recent pages
  in each worker's memory;
- a frontend cache or CDN (`wagtail.contrib.frontend_cache`), told by URL.

Each stored page or fragment records the *versions* it was built from and is used
only while they are all current, so a change is a version bump, seen by the next
request to every worker of every server. The versions:

- ``site``: everything that lists pages or shows site-wide settings (every page
  carries the footer's lists, so every page depends on it);
- ``page:<id>``: one page's own content (a post's comments and comment form);
- ``comments``: what lists comments across pages (the comment feeds).

A version is a random token, not a counter: if the cache loses it, a new one is
made and no old page can ever match it again.

Domain apps say *what* changed, never which keys: `changed(page)`,
`pages_changed(pages)` (a batch, for imports), `comments_changed(page)` and
`site_changed()`. Each acts once the current transaction commits; inside
`with batch():` they are gathered and told once at the end. The URLs a
frontend cache must drop beside a page's own come from the domain apps through
Wagtail hooks (`LISTING_URLS_HOOK`, `COMMENT_URLS_HOOK`: a function of a list of
pages that returns full URLs), so this module needs no domain app.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from wagtail import hooks

logger = logging.getLogger(__name__)

SITE = "site"
COMMENTS = "comments"

# Wagtail hooks the domain apps register: fn(pages: list[Page]) -> iterable of URLs.
LISTING_URLS_HOOK = "plumbing_listing_urls"  # the pages that list these pages
COMMENT_URLS_HOOK = "plumbing_comment_urls"  # what shows these pages' comments

_VERSION = "pagecache:v:"
_PAGE = "pagecache:page:"
_FRAGMENT = "pagecache:fragment:"
_VALUE = "pagecache:value:"


def page_scope(page_or_id) -> str:
    return f"page:{getattr(page_or_id, 'pk', page_or_id)}"


def version_key(scope: str) -> str:
    return _VERSION + scope


def page_key(digest: str) -> str:
    return _PAGE + digest


def fragment_key(digest: str) -> str:
    return _FRAGMENT + digest


# Tokens this process last read, and the cache's change marker when it read them:
# while the cache can tell that nobody else has written to it since, and this
# process has written no token, they still hold.
_seen: dict[str, str] = {}
_seen_marker: list = [None]
_tokens_written = [0]


def _change_marker():
    marker = getattr(cache, "change_marker", None)
    found = marker() if marker is not None else None
    return None if found is None else (found, _tokens_written[0])


# The tokens one request has read: a page and its fragments are built from one
# reading of each version, and Redis is asked once per request, not once a part.
_request_tokens: ContextVar[dict | None] = ContextVar("page_cache_tokens", default=None)


def versions(scopes: Iterable[str]) -> dict[str, str]:
    """The current token of each scope (made on first use), in one round trip,
    or none at all when this request has read them already or the cache says
    nothing was written since they were read."""
    scopes = list(scopes)
    asked = _request_tokens.get()
    if asked is not None and all(scope in asked for scope in scopes):
        return {scope: asked[scope] for scope in scopes}
    result = _read_versions(scopes)
    if asked is not None:
        asked.update(result)
    return result


def read_in_request(tokens: dict[str, str | None]) -> None:
    """Tokens the page cache read with a page: the rest of the request uses them."""
    asked = _request_tokens.get()
    if asked is not None:
        asked.update({scope: token for scope, token in tokens.items() if token})


def _read_versions(scopes: list[str]) -> dict[str, str]:
    marker = _change_marker()  # before reading: a write after it shows next time
    if marker is not None and marker == _seen_marker[0]:
        if all(scope in _seen for scope in scopes):
            return {scope: _seen[scope] for scope in scopes}
    else:
        _seen.clear()
    found = cache.get_many([version_key(s) for s in scopes])
    result, made = {}, set()
    for scope in scopes:
        token = found.get(version_key(scope))
        if token is None:
            token = uuid.uuid4().hex
            _tokens_written[0] += 1
            pending = _later.get()
            if pending is not None:
                # A page nobody has read yet: its first token is written after
                # the response, before what was built from it (a token written
                # meanwhile by another worker wins; this page is then not kept).
                pending.append(("add", version_key(scope), token, None))
                made.add(scope)
            elif not cache.add(version_key(scope), token, timeout=None):
                token = cache.get(version_key(scope)) or token
        result[scope] = token
    if marker is not None:
        _seen.update({s: t for s, t in result.items() if s not in made})
        _seen_marker[0] = marker
    return result


def _bump(scopes: Iterable[str]) -> None:
    """Give each scope a new token: whatever was built from the old one is stale,
    in every worker's own copy too (they are checked against these tokens)."""
    _tokens_written[0] += 1
    asked = _request_tokens.get()
    if asked is not None:
        asked.clear()  # what this request changed, its next parts see
    try:
        cache.set_many({version_key(s): uuid.uuid4().hex for s in scopes}, timeout=None)
    finally:
        _tokens_written[0] += 1


# --- What domain code calls ---------------------------------------------------------


class _Batch:
    def __init__(self):
        self.pages: dict[int, object] = {}
        self.site = False


_batch: ContextVar[_Batch | None] = ContextVar("page_cache_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Gather every change told inside (by signals too) and tell it once at the
    end, as one `pages_changed`: an import publishing thousands of pages makes
    one bump and one purge in batches, not one per page. Nothing is told if the
    block fails."""
    gathered = _Batch()
    token = _batch.set(gathered)
    try:
        yield
    finally:
        _batch.reset(token)
    if gathered.pages:
        pages_changed(gathered.pages.values())
    elif gathered.site:
        site_changed()


def changed(page) -> None:
    """`page` was published, unpublished, moved, renamed or deleted."""
    pages_changed([page])


def pages_changed(pages: Iterable) -> None:
    """Pages were created or changed together (an import): one bump for all, and
    their URLs and listings purged downstream in batches."""
    _changed_here[0] += 1
    gathered = _batch.get()
    if gathered is not None:
        gathered.pages.update((p.pk, p) for p in pages)
        return
    pages = list(pages)
    scopes = [SITE, COMMENTS, *(page_scope(p) for p in pages)]
    transaction.on_commit(lambda: _bump(scopes))
    if pages and frontend_cache_enabled():
        hooks_named = [LISTING_URLS_HOOK, COMMENT_URLS_HOOK]
        transaction.on_commit(lambda: _purge_pages(pages, hooks_named))


def comments_changed(page) -> None:
    """A comment on `page` was approved, removed or edited, or its form closed."""
    if _batch.get() is not None:
        pages_changed([page])
        return
    scopes = [page_scope(page), COMMENTS]
    transaction.on_commit(lambda: _bump(scopes))
    if frontend_cache_enabled():
        hooks_named = [COMMENT_URLS_HOOK]
        transaction.on_commit(lambda: _purge_pages([page], hooks_named))


def site_changed() -> None:
    """Something every page shows changed (a setting, a label, a site)."""
    _changed_here[0] += 1
    gathered = _batch.get()
    if gathered is not None:
        gathered.site = True
        return
    transaction.on_commit(lambda: _bump([SITE]))


# --- Site-wide values -----------------------------------------------------------------

_MISSING = object()
_site_values: dict[str, tuple[tuple, object]] = {}  # name -> ((token, n), value)
# Site-wide changes told in this process, counted at once: the `site` token moves
# only when they commit, but this process must not serve what it just changed.
_changed_here = [0]


def site_value(
    name: str, make: Callable[[], object], seconds: int = 3600, *, shared=True
):
    """A value many pages use that only a site-wide change alters (the blog's
    posts and labels, the restricted paths, the time zone): made once per `site`
    version, kept in the shared cache and in this process, made afresh after
    `changed`/`pages_changed`/`site_changed`. With `shared=False` it is kept in
    this process only (page objects: each process reads its own)."""
    token = versions([SITE])[SITE]
    mark = (token, _changed_here[0])
    held = _site_values.get(name)
    if held is not None and held[0] == mark:
        return held[1]
    # Made inside a transaction, a value may show rows nobody else can see yet:
    # it stays in this process, and the shared cache keeps only committed ones.
    shared = shared and not transaction.get_connection().in_atomic_block
    key = _VALUE + hashlib.sha256(f"{name}\x1f{token}".encode()).hexdigest()
    try:
        value = cache.get(key, _MISSING) if shared else _MISSING
    except Exception:  # kept by other code (a deploy since): made again
        logger.warning("Could not read the site value %s; making it again", name)
        value = _MISSING
    if value is _MISSING:
        value = make()
        if shared:
            cache.set(key, value, timeout=seconds)
    _site_values[name] = (mark, value)
    return value


# --- Writes that can wait until the response has gone out --------------------------

_later: ContextVar[list | None] = ContextVar("page_cache_later", default=None)


def store_after_response(key: str, value, timeout: int) -> None:
    """Keep a built page or fragment in the shared cache once the response has
    been sent (request_finished): the reader who caused it does not wait for
    the write. Outside a request it is written at once."""
    pending = _later.get()
    if pending is None:
        cache.set(key, value, timeout=timeout)
    else:
        pending.append(("set", key, value, timeout))


def request_started(**kwargs) -> None:
    _later.set([])
    _request_tokens.set({})


def request_finished(**kwargs) -> None:
    _request_tokens.set(None)
    pending = _later.get()
    _later.set(None)
    for write, key, value, timeout in pending or ():
        try:
            if write == "add":
                cache.add(key, value, timeout=timeout)
            else:
                cache.set(key, value, timeout=timeout)
        except Exception:  # a lost copy is rebuilt by the next reader
            logger.exception("Could not keep %s in the shared cache", key)


# --- Serving: what a page tells the cache about itself -------------------------------


def query_used(request, name: str, value: str | None) -> None:
    """The page shows `value` for the query parameter `name` (None: it ignored it).

    An answer to a query is stored only when each parameter in it is one the page
    really used, as it was given: `?page=999` past the last page, `?page=02` or a
    `?replyto=` of a missing comment are answered but never stored.
    """
    state = getattr(request, "page_cache", None)
    if state is not None:
        state.query[name] = value


def valid_until(request, moment) -> None:
    """What this page shows holds only until `moment` (e.g. a form that closes)."""
    state = getattr(request, "page_cache", None)
    if state is not None and moment is not None:
        if state.expires_at is None or moment < state.expires_at:
            state.expires_at = moment


_fresh_fields: dict[str, Callable[[int | None], str]] = {}


def fresh_field(name: str, make: Callable[[int | None], str]) -> None:
    """A hidden form field (`name="<name>"`) whose value is per visitor: a stored
    page keeps a placeholder and every hit fills in `make(page_id)`. The CSRF token
    is always one."""
    _fresh_fields[name] = make


def fresh_fields() -> dict[str, Callable[[int | None], str]]:
    return dict(_fresh_fields)


# --- Downstream: the frontend cache or CDN --------------------------------------------


def frontend_cache_enabled() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def purge_batch_size() -> int:
    return int(getattr(settings, "PAGE_CACHE_PURGE_BATCH", 200))


def _purge_pages(pages: list, hook_names: list[str]) -> None:
    """Purge each page's own URLs and what the domain hooks name, in batches
    (each batch one background task)."""
    from wagtail.contrib.frontend_cache.utils import PurgeBatch, purge_urls_from_cache

    try:
        purge = PurgeBatch()
        purge.add_pages(pages)
        for name in hook_names:
            for fn in hooks.get_hooks(name):
                purge.add_urls(fn(pages))
        urls = sorted(purge.urls)
    except Exception:  # a purge must never undo what an editor or import did
        logger.exception("Could not list the URLs of %d changed pages", len(pages))
        return
    size = purge_batch_size()
    for start in range(0, len(urls), size):
        try:
            purge_urls_from_cache(urls[start : start + size])
        except Exception:
            logger.exception("Could not purge %d URLs downstream", len(urls))
