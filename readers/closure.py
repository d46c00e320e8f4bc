"""When a post takes comments: the one place that decides.

Every caller (the post template, the comment endpoint, `close_comments`, the
editor dashboard) asks these functions instead of reading the post's fields, so
the site rule, the per-post policy and the explicit closing time always agree.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import formats, timezone
from wagtail.models import Page, Site

from plumbing import cache as page_cache
from plumbing import privacy
from readers.mixins import CommentablePage
from readers.models import CommentSettings

Policy = CommentablePage.CommentPolicy
AUTO = Policy.AUTO
OPEN = Policy.OPEN
LOCKED = Policy.LOCKED
HIDDEN = Policy.HIDDEN


def _for_site(site) -> CommentSettings:
    """A site's comment settings, read once per site version (saving them
    changes the site: readers/signals.py)."""
    if site is None:
        return CommentSettings()
    return page_cache.site_value(
        f"comment-settings:{site.pk}", lambda: CommentSettings.for_site(site)
    )


def settings_for(page, request=None) -> CommentSettings:
    """The comment settings of the site `page` belongs to (read once per page
    view, whether asked with the request or without)."""
    cached = getattr(page, "_reader_comment_settings", None)
    if cached is not None:
        return cached
    if request is not None:
        found = _for_site(Site.find_for_request(request))
        if page is not None:
            page._reader_comment_settings = found
        return found
    site = page.get_site() if page is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    found = CommentSettings.for_site(site) if site else CommentSettings()
    if page is not None:
        page._reader_comment_settings = found
    return found


def commentable(page) -> CommentablePage | None:
    """The specific page when its type takes comments, else None."""
    if page is None:
        return None
    if not isinstance(page, CommentablePage):
        page = page.specific
    return page if isinstance(page, CommentablePage) else None


def commentable_pages():
    """Pages of every type that takes comments (a Page queryset)."""
    return Page.objects.type(*CommentablePage.page_models())


def pages_showing_comments():
    """Live, public pages whose comments readers may see (a Page queryset)."""
    shown = Q(pk__in=[])
    for model in CommentablePage.table_models():
        pages = privacy.public(model.objects.live()).exclude(comment_policy=HIDDEN)
        shown |= Q(pk__in=pages.values("pk"))
    return Page.objects.filter(shown)


def policy(page) -> str:
    post = commentable(page)
    return post.comment_policy if post is not None else HIDDEN


def published_at(page, now=None) -> datetime.datetime | None:
    """The date the closing rule counts from: never later than `now`."""
    post = commentable(page)
    if post is None:
        return None
    start = post.comments_count_from()
    if start is None:
        return None
    # An editor may date a post in the future; age still counts from no later
    # than its first publication, and never from a time that has not come yet.
    return min(start, now or timezone.now())


def closes_at(page, now=None, settings=None, request=None) -> datetime.datetime | None:
    """When comments on `page` close (or closed); None when nothing closes them.

    Locked and hidden posts have no closing time: they are closed already.
    """
    post = commentable(page)
    if post is None or post.comment_policy in (LOCKED, HIDDEN):
        return None
    if post.comments_close_at is not None:
        return post.comments_close_at
    if post.comment_policy == OPEN:
        return None
    days = (settings or settings_for(post, request)).close_after_days
    start = published_at(post, now)
    if days is None or start is None:
        return None
    return start + datetime.timedelta(days=days)


def comments_visible(page) -> bool:
    """Whether existing comments are shown at all (not for hidden posts)."""
    return policy(page) != HIDDEN


def comments_open(page, now=None, settings=None) -> bool:
    """Whether a reader may post a new comment on `page` at `now`."""
    post = commentable(page)
    if post is None or post.comment_policy in (LOCKED, HIDDEN):
        return False
    now = now or timezone.now()
    closing = closes_at(post, now, settings)
    return closing is None or now < closing


def closing_notice(page, now=None, settings=None) -> str:
    """What readers read in place of the form; empty while comments are open."""
    post = commentable(page)
    if comments_open(post, now, settings):
        return ""
    if post is None or post.comment_policy == HIDDEN:
        return "Comments are not available on this post."
    if post.comment_policy == LOCKED:
        return "Comments on this post are closed."
    if post.comments_close_at is not None:
        when = formats.date_format(timezone.localtime(post.comments_close_at), "F j, Y")
        return f"Comments on this post closed on {when}."
    days = (settings or settings_for(post)).close_after_days
    return f"Comments are not available on posts older than {days} days."
