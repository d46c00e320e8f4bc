"""What readers tell the page cache: which URLs show a post's comments, until
when a cached post is true (its form closes), and the comment form's per-visitor
token."""

from __future__ import annotations

import logging

from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from plumbing import cache as page_cache
from readers import closure, spam

logger = logging.getLogger(__name__)


@hooks.register(page_cache.COMMENT_URLS_HOOK)
def comment_urls(pages) -> list[str]:
    """Full URLs of what shows these posts' comments besides the posts."""
    urls = []
    for page in pages:
        site = page.get_site()
        root = site.root_page.get_full_url() if site is not None else None
        if root:
            root = root.rstrip("/")
            urls += [
                root + reverse("readers:post_comments_feed", args=[page.pk]),
                root + reverse("readers:latest_comments_feed"),
            ]
    return urls


@hooks.register("before_serve_page")
def cached_until_comments_close(page, request, serve_args, serve_kwargs):
    """A stored post lasts only until its comment form disappears by itself."""
    try:
        moment = closure.closes_at(page, request=request)
    except Exception:  # never let a closing rule break serving the page
        logger.exception("Could not tell when comments on %s close", page.pk)
        return None
    if moment is not None and moment > timezone.now():
        page_cache.valid_until(request, moment)
    return None


def register_form_token() -> None:
    """Each reader of a cached post gets a fresh signed comment-form token."""
    page_cache.fresh_field("token", spam.COMMENT_TOKEN.issue)
