"""Atom and RSS 2.0 feeds of a blog's latest posts, whole or per label.

Items carry the full post (the reader's question, then the answer) so feed
readers need not visit the site. The blog serves them from its own routes:
``feed/`` (RSS), ``feed/atom/``, ``label/<slug>/feed/`` and ``.../feed/atom/``.
"""

import re

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from plumbing.text import XmlSafeFeed

FEED_LENGTH = 20
# Site-relative links and images: feed readers show content away from the site.
_RELATIVE_URL = re.compile(r'(\b(?:href|src)=")/(?!/)')
_SRCSET = re.compile(r'\bsrcset="([^"]*)"')
_SRCSET_RELATIVE = re.compile(r"(^|,\s*)/(?!/)")


def absolute_urls(html: str, root: str) -> str:
    """Point site-relative href, src and srcset URLs at `root` (ends in /)."""
    html = _RELATIVE_URL.sub(lambda m: m.group(1) + root, html)

    def one_srcset(match):
        urls = _SRCSET_RELATIVE.sub(lambda m: m.group(1) + root, match.group(1))
        return f'srcset="{urls}"'

    return _SRCSET.sub(one_srcset, html)


class SafeRss201rev2Feed(XmlSafeFeed, Rss201rev2Feed):
    pass


class FullContentAtomFeed(XmlSafeFeed, Atom1Feed):
    """Atom with the whole post in <content>; <summary> keeps the excerpt."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestPostsFeed(Feed):
    """RSS 2.0: the latest posts of a blog, or of one of its labels."""

    feed_type = SafeRss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, blog, tag=None):
        return {"blog": blog, "tag": tag}

    def _site_name(self, obj):
        site = obj["blog"].get_site()
        return (site.site_name if site else "") or "Ask a Korean!"

    def title(self, obj):
        name = self._site_name(obj)
        return f"{name}: posts labelled {obj['tag'].name}" if obj["tag"] else name

    def subtitle(self, obj):
        if obj["tag"]:
            return f"The latest posts labelled {obj['tag'].name}."
        return "The latest posts."

    description = subtitle

    def _root(self, obj) -> str:
        """The site's real address (its Site record), never the request's host."""
        site = obj["blog"].get_site()
        return site.root_url if site else self.request.build_absolute_uri("/")[:-1]

    def link(self, obj):
        blog = obj["blog"]
        url = blog.get_full_url(self.request)
        if obj["tag"]:
            return url + blog.reverse_subpage("label", args=[obj["tag"].slug])
        return url

    def feed_url(self, obj):
        return self._root(obj) + self.request.path

    def author_name(self, obj):
        return self._site_name(obj)

    def items(self, obj):
        blog = obj["blog"]
        self.root = self._root(obj) + "/"
        posts = blog.posts_with_label(obj["tag"]) if obj["tag"] else blog.posts()
        posts = posts.select_related("owner", for_specific_subqueries=True)
        posts = posts.prefetch_related("tags")
        return list(posts[:FEED_LENGTH])

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    item_guid_is_permalink = True

    # Dates in the blog's time zone (the current one), as Blogger wrote them.
    def item_pubdate(self, item):
        return timezone.localtime(item.display_date)

    def item_updateddate(self, item):
        return timezone.localtime(item.last_published_at or item.display_date)

    def item_author_name(self, item):
        # RSS writes it as <dc:creator>, Atom as <author><name>.
        return item.byline or None

    def item_author_link(self, item):
        return item.author_url or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def _full_content(self, item):
        html = render_to_string(
            "includes/feed_item.html",
            {"post": item, "in_feed": True},
            request=self.request,
        )
        return absolute_urls(html, self.root)

    def item_description(self, item):
        return self._full_content(item)


class LatestPostsAtomFeed(LatestPostsFeed):
    """Atom 1.0: the same posts; <summary> is the excerpt, <content> the post."""

    feed_type = FullContentAtomFeed

    def item_description(self, item):
        return item.summary or None

    def item_extra_kwargs(self, item):
        return {"content": self._full_content(item)}
