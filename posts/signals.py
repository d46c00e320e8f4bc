"""What a change to pages, labels, publications or images means for caches.

The receivers say what changed through `plumbing.cache`; `listing_urls` names the
pages that list a post, for the frontend cache purge (registered as a Wagtail hook
in posts/wagtail_hooks.py).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from plumbing import cache
from posts.models import Label, PostIndexPage, PostPage, Publication


def _on_publish_or_unpublish(sender, instance, **kwargs):
    cache.changed(instance)


def _on_page_moved(sender, instance, **kwargs):
    if instance.live:
        cache.changed(instance)


def _on_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.live:
        cache.changed(instance)


def _on_site_wide_change(sender, **kwargs):
    cache.site_changed()


def connect_signals() -> None:
    """Called once from PostsConfig.ready (every process: web, worker, cron)."""
    page_published.connect(_on_publish_or_unpublish, dispatch_uid="posts.cache.pub")
    page_unpublished.connect(_on_publish_or_unpublish, dispatch_uid="posts.cache.unpub")
    post_page_move.connect(_on_page_moved, dispatch_uid="posts.cache.move")
    page_slug_changed.connect(_on_page_moved, dispatch_uid="posts.cache.slug")
    post_delete.connect(_on_page_deleted, dispatch_uid="posts.cache.delete")
    # Every page's footer lists labels; listings show publications and images.
    # A view restriction hides pages from every listing.
    for model in (Publication, Tag, Label, get_image_model(), PageViewRestriction):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                _on_site_wide_change,
                sender=model,
                dispatch_uid=f"posts.cache.{model.__name__}.{name}",
            )


def listing_urls(pages) -> list[str]:
    """Full URLs of the pages that list `pages`: home, sitemap, each blog with its
    feeds, label pages and feeds, year and month archives. Only what exists."""
    urls: set[str] = set()
    blogs: dict[str, PostIndexPage | None] = {}
    for page in pages:
        site = page.get_site()
        root = site.root_page.get_full_url() if site is not None else None
        if root:
            urls.update([root, root + "sitemap.xml"])
        parent_path = page.path[: -page.steplen]
        if parent_path not in blogs:
            blogs[parent_path] = PostIndexPage.objects.ancestor_of(page).first()
        blog = blogs[parent_path]
        base = blog.get_full_url() if blog is not None else None
        if not base:
            continue
        urls.update([base, base + "feed/", base + "feed/atom/"])
        post = page.specific_deferred
        if not isinstance(post, PostPage):
            continue
        try:
            for tag in post.tags.all():
                label = base + blog.reverse_subpage("label", args=[tag.slug])
                urls.update([label, label + "feed/", label + "feed/atom/"])
            date = post.date
            if date is not None:
                year, month = f"{date.year:04d}", f"{date.month:02d}"
                urls.add(base + blog.reverse_subpage("year", args=[year]))
                urls.add(base + blog.reverse_subpage("month", args=[year, month]))
        except NoReverseMatch:  # a label slug the routes refuse: nothing to purge
            continue
    return sorted(urls)
