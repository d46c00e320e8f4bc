"""Atom feeds of approved comments: one per post, one for the whole site.

Only the author's name is published; e-mail addresses never reach a feed.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Page, Site

from plumbing import privacy
from plumbing.text import XmlSafeFeed
from readers import closure, spam
from readers.models import Comment
from readers.render import safe_web_url

FEED_SIZE = 30


class XmlSafeAtomFeed(XmlSafeFeed, Atom1Feed):
    pass


class _CommentFeed(Feed):
    feed_type = XmlSafeAtomFeed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def _site_name(self):
        site = Site.find_for_request(self.request)
        return (site.site_name if site else "") or "Ask a Korean!"

    def _absolute(self, path: str) -> str:
        """`path` on the site's real address (its Site record), not the request's."""
        site = Site.find_for_request(self.request)
        return (site.root_url if site else "") + path

    def item_title(self, item):
        text = f"{item.author_name} on “{item.page.title}”"
        return spam.without_control_characters(text)

    def item_description(self, item):
        # Imported comments skip the form's cleaning; XML cannot carry controls.
        return spam.without_control_characters(item.html)

    def item_link(self, item):
        return f"{item.page.get_full_url(self.request) or '/'}#comment-{item.pk}"

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.approved_at or item.created_at

    def item_author_name(self, item):
        return spam.without_control_characters(item.author_name)

    def item_author_link(self, item):
        return safe_web_url(item.author_url) or None

    def _approved(self):
        return (
            Comment.objects.filter(status=Comment.Status.APPROVED)
            .select_related("page")
            .only(
                "pk",
                "author_name",
                "author_url",
                "html",
                "created_at",
                "approved_at",
                "page__id",
                "page__title",
                "page__url_path",
                "page__path",
                "page__depth",
            )
            .order_by("-created_at", "-pk")
        )


class LatestCommentsFeed(_CommentFeed):
    """The site's latest approved comments, on every post that shows them."""

    def title(self):
        return f"{self._site_name()}: latest comments"

    def link(self):
        return self._absolute("/")

    def feed_url(self):
        return self._absolute(reverse("readers:latest_comments_feed"))

    def subtitle(self):
        return "The newest approved comments from readers."

    def items(self):
        shown = closure.pages_showing_comments().values("pk")
        return list(self._approved().filter(page__in=shown)[:FEED_SIZE])


class PostCommentsFeed(_CommentFeed):
    """The approved comments under one post."""

    def get_object(self, request, page_id):
        page = privacy.public(Page.objects.live()).filter(pk=page_id).first()
        if page is None or not closure.comments_visible(page.specific):
            raise Http404("No comments to show")
        return page.specific

    def title(self, obj):
        return f"Comments on “{obj.title}”"

    def link(self, obj):
        return obj.get_full_url(self.request) or self._absolute("/")

    def feed_url(self, obj):
        return self._absolute(reverse("readers:post_comments_feed", args=[obj.pk]))

    def subtitle(self, obj):
        return f"Approved comments from readers of {self._site_name()}."

    def items(self, obj):
        return list(self._approved().filter(page_id=obj.pk)[:FEED_SIZE])
