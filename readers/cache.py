"""Purging what caches hold about a post when its comments change or close."""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def cache_keys_for(page) -> list[str]:
    """The Django cache keys this app keeps about one post."""
    return [f"readers:thread:{page.pk}"]


def purge_post(page) -> None:
    """Drop a post from the front-end cache and from our own cache keys.

    Called after a comment is approved or removed and when a post's comments
    close. Extend here (not in callers) when more caches hold posts.
    """
    from wagtail.contrib.frontend_cache.utils import purge_page_from_cache

    from posts.cache import post_comments_changed

    cache.delete_many(cache_keys_for(page))
    # The page cache: the post's page and the comment feeds are stale from now on.
    post_comments_changed(page)
    try:
        purge_page_from_cache(page.specific)
    except Exception:  # a purge failure must never lose a moderation action
        logger.exception("Could not purge page %s from the front-end cache", page.pk)
