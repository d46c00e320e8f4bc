"""What the public site keeps in caches, and how a change reaches readers.

Two kinds of cache sit in front of the pages:

- our own page cache (`config.middleware.PageCacheMiddleware`): whole responses for
  anonymous readers, kept in Django's cache (Redis in production, so every machine
  shares it). Each stored page records the *versions* it was built from; a change
  bumps a version and every page built from the old one is a miss from then on.
- a frontend cache or CDN (`wagtail.contrib.frontend_cache`), told by URL.

The versions:

- ``site``: everything that shows lists of posts or site-wide settings. Every page
  carries the footer's label and archive lists, so publishing, unpublishing,
  moving or deleting any page, or changing a label, a publication or a setting,
  changes every page;
- ``post:<id>``: one post's own page (its comments, its open or closed form);
- ``comments``: the site-wide comment feeds.

A version is a random token, not a counter: if the cache loses it, a new token is
made and no old page can ever match it again.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

logger = logging.getLogger(__name__)

SITE = "site"
COMMENTS = "comments"
_PREFIX = "pagecache:v:"


def post_scope(page_or_id) -> str:
    page_id = getattr(page_or_id, "pk", page_or_id)
    return f"post:{page_id}"


def _key(scope: str) -> str:
    return _PREFIX + scope


def versions(scopes) -> dict[str, str]:
    """The current token of each scope (made on first use), in one round trip."""
    scopes = list(scopes)
    found = cache.get_many([_key(s) for s in scopes])
    result = {}
    for scope in scopes:
        token = found.get(_key(scope))
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(_key(scope), token, timeout=None):
                token = cache.get(_key(scope)) or token
        result[scope] = token
    return result


def bump(*scopes: str) -> None:
    """Give each scope a new token: pages built from the old one are stale."""
    cache.set_many({_key(s): uuid.uuid4().hex for s in scopes}, timeout=None)


def _after_commit(fn) -> None:
    """Run after the current transaction commits (at once outside one)."""
    transaction.on_commit(fn)


# --- What a change affects ------------------------------------------------------


def _is_post(page) -> bool:
    return hasattr(page, "comment_policy")


def listing_urls(page) -> list[str]:
    """Full URLs of the pages that list `page`: home, blog, labels, archives, feeds,
    sitemap. Only what exists is named; an error names nothing."""
    from posts.models import PostIndexPage

    urls: list[str] = []
    site = page.get_site()
    if site is not None:
        root = site.root_page.get_full_url()
        if root:
            urls.append(root)
            urls.append(root + "sitemap.xml")
    blog = PostIndexPage.objects.ancestor_of(page).first()
    if blog is None:
        return urls
    base = blog.get_full_url()
    if not base:
        return urls
    urls += [base, base + "feed/", base + "feed/atom/"]
    for tag in page.tags.all():
        label = base + blog.reverse_subpage("label", args=[tag.slug])
        urls += [label, label + "feed/", label + "feed/atom/"]
    date = getattr(page, "date", None)
    if date is not None:
        urls.append(base + blog.reverse_subpage("year", args=[f"{date.year:04d}"]))
        urls.append(
            base
            + blog.reverse_subpage(
                "month", args=[f"{date.year:04d}", f"{date.month:02d}"]
            )
        )
    return urls


def comment_urls(page) -> list[str]:
    """Full URLs of what shows a post's comments besides the post itself."""
    from django.urls import reverse

    site = page.get_site()
    root = site.root_page.get_full_url() if site is not None else None
    if not root:
        return []
    root = root.rstrip("/")
    return [
        root + reverse("readers:post_comments_feed", args=[page.pk]),
        root + reverse("readers:latest_comments_feed"),
    ]


def frontend_cache_enabled() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def purge_frontend(urls) -> None:
    """Ask the frontend cache or CDN to drop `urls` (a background task)."""
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    try:
        purge_urls_from_cache(sorted(set(urls)))
    except Exception:  # a purge failure must never undo an editor's action
        logger.exception("Could not purge %d URLs from the frontend cache", len(urls))


def page_changed(page) -> None:
    """A page was published, unpublished or moved: every page's lists change,
    and the page itself (Wagtail's own receiver purges its URL downstream)."""
    scopes = [SITE]
    if _is_post(page):
        scopes.append(post_scope(page))
    bump(*scopes)
    if frontend_cache_enabled() and _is_post(page):
        try:
            purge_frontend(listing_urls(page))
        except Exception:
            logger.exception("Could not list the URLs that show page %s", page.pk)


def post_comments_changed(page) -> None:
    """A comment on `page` was approved or removed, or its comments closed."""
    bump(post_scope(page), COMMENTS)
    if frontend_cache_enabled():
        try:
            purge_frontend(comment_urls(page))
        except Exception:
            logger.exception("Could not list the comment URLs of page %s", page.pk)


def site_changed(**kwargs) -> None:
    """Something every page shows changed (a setting, a label, a publication)."""
    _after_commit(lambda: bump(SITE))


# --- Receivers --------------------------------------------------------------------


def _on_publish_or_unpublish(sender, instance, **kwargs):
    _after_commit(lambda: page_changed(instance))


def _on_page_moved(sender, instance, **kwargs):
    if instance.live:
        _after_commit(lambda: page_changed(instance))


def _on_page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.live:
        _after_commit(lambda: bump(SITE, post_scope(instance)))


def connect_signals() -> None:
    """Called once from PostsConfig.ready (every process: web, worker, cron)."""
    from taggit.models import Tag
    from wagtail import hooks
    from wagtail.images import get_image_model
    from wagtail.models import Site
    from wagtail.signals import page_slug_changed, post_page_move

    from home.models import SiteSettings
    from posts.models import Publication
    from readers.models import CommentSettings

    hooks.register("before_serve_page", remember_served_page)
    page_published.connect(_on_publish_or_unpublish, dispatch_uid="pagecache.pub")
    page_unpublished.connect(_on_publish_or_unpublish, dispatch_uid="pagecache.unpub")
    post_page_move.connect(_on_page_moved, dispatch_uid="pagecache.move")
    page_slug_changed.connect(_on_page_moved, dispatch_uid="pagecache.slug")
    post_delete.connect(_on_page_deleted, dispatch_uid="pagecache.delete")
    for model in (
        SiteSettings,
        CommentSettings,
        Publication,
        Tag,
        Site,
        get_image_model(),
    ):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                site_changed,
                sender=model,
                dispatch_uid=f"pagecache.site.{model.__name__}.{name}",
            )


# --- Serving ----------------------------------------------------------------------


def remember_served_page(page, request, serve_args, serve_kwargs):
    """`before_serve_page` hook: note which page a response shows, and read its
    post's version *before* rendering, so that a comment approved while the page
    renders can never be stored under the new version."""
    state = getattr(request, "page_cache", None)
    if state is None:
        return None
    state.page_id = page.pk
    if _is_post(page):
        state.scopes.update(versions([post_scope(page)]))
        state.expires_at = comments_close_at(page)
    return None


def comments_close_at(page):
    """When the post's comment form disappears by itself (None: not by time)."""
    from django.utils import timezone

    from readers import closure

    try:
        moment = closure.closes_at(page)
    except Exception:
        logger.exception("Could not tell when comments on %s close", page.pk)
        return None
    return moment if moment is not None and moment > timezone.now() else None


def fresh_comment_token(page_id):
    """A new signed timestamp for the comment form of a page served from cache."""
    from readers import spam

    return spam.COMMENT_TOKEN.issue(page_id)
