"""Template tags for the public site: head metadata, feeds, the archive."""

import json
from urllib.parse import quote, urlencode

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from wagtail.models import Site

from plumbing import cache as page_cache

register = template.Library()

# What json_script escapes, so a value can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _request(context):
    return context.get("request")


def site_root_url(request) -> str:
    """The site's real address from its Site record (no trailing slash).

    Absolute links never echo the Host header a request happened to carry.
    """
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return request.build_absolute_uri("/")[:-1] if request is not None else ""
    return site.root_url


def absolute(request, path: str | None) -> str:
    """`path` on the real address; "" for an unsaved page (a preview)."""
    return site_root_url(request) + path if request is not None and path else ""


@register.simple_tag(takes_context=True)
def site_root(context) -> str:
    """`{% site_root %}`: the site's real address, for absolute links."""
    return site_root_url(_request(context))


def find_blog(request=None):
    """The site's blog (the first live PostIndexPage), read once per site version."""
    from posts.models import PostIndexPage

    return page_cache.site_value(
        "blog", lambda: PostIndexPage.objects.live().first(), shared=False
    )


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without query string, keeping a real page number."""
    request = _request(context)
    if request is None:
        return ""
    url = absolute(request, request.path)
    listing = context.get("posts") or context.get("results")
    number = getattr(listing, "number", 1)
    query = {}
    if context.get("search_query"):
        query["q"] = context["search_query"]
    if number and number > 1:
        query["page"] = number
    if query:
        url += "?" + urlencode(query)
    return url


@register.simple_tag(takes_context=True)
def meta_description(context, page=None):
    """The editor's description, else the excerpt, else the body's start."""
    page = page or context.get("page")
    if page is None:
        return ""
    # The head asks three times (description, Open Graph, JSON-LD): once a page.
    known = getattr(page, "_meta_description", None)
    if known is None:
        known = page._meta_description = _description(page)
    return known


def _description(page) -> str:
    text = getattr(page, "search_description", "") or getattr(page, "excerpt", "")
    if not text:
        intro = getattr(page, "introduction", "")
        text = strip_tags(str(intro)) if intro else ""
    if not text and getattr(page, "body", None):
        stream = page.body
        parts = stream.stream_block.get_searchable_content(stream)
        text = " ".join(strip_tags(str(part)) for part in parts)
    return Truncator(" ".join(text.split())).chars(160)


@register.simple_tag(takes_context=True)
def post_jsonld(context, page):
    """BlogPosting structured data as a data block (never executed)."""
    request = _request(context)
    url = absolute(request, page.get_url(request))
    # The request's site is already known; page.get_site() would query again.
    site = Site.find_for_request(request) if request else page.get_site()
    site_name = (site.site_name if site else "") or "Ask a Korean!"
    home_url = absolute(request, "/")
    publisher = {"@type": "Organization", "name": site_name, "url": home_url}
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": page.title[:110],
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": page.display_date,
        "dateModified": page.last_published_at or page.display_date,
        "description": meta_description(context, page),
        "author": _author(page) or publisher,
        "publisher": publisher,
        "keywords": [tag.name for tag in page.labels],
        "inLanguage": "en",
    }
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload),  # noqa: S308
    )


def _author(page) -> dict | None:
    """The post's byline as a schema.org Person."""
    name = page.byline
    if not name:
        return None
    person = {"@type": "Person", "name": name}
    if page.author_url:
        person["url"] = page.author_url
    return person


@register.inclusion_tag("includes/feed_links.html", takes_context=True)
def feed_links(context):
    """<link rel="alternate"> for the blog's feeds (and the label's, if any)."""
    request = _request(context)
    blog = find_blog(request)
    links = []
    if blog is not None:
        base = blog.get_url(request)
        links = [
            ("application/atom+xml", "Latest posts (Atom)", base + "feed/atom/"),
            ("application/rss+xml", "Latest posts (RSS)", base + "feed/"),
        ]
        label = context.get("label")
        if label is not None:
            prefix = base + blog.reverse_subpage("label", args=[label.slug])
            links += [
                (
                    "application/atom+xml",
                    f"Posts labelled {label.name} (Atom)",
                    prefix + "feed/atom/",
                ),
                (
                    "application/rss+xml",
                    f"Posts labelled {label.name} (RSS)",
                    prefix + "feed/",
                ),
            ]
    return {"feed_links": links}


@register.inclusion_tag("includes/blog_archive.html", takes_context=True)
def blog_archive(context):
    """The archive (years, months, counts) and the labels with counts."""
    from posts.archive import archive_years, labels_with_counts

    request = _request(context)
    blog = find_blog(request)
    if blog is None:
        return {"blog": None}
    return {
        "blog": blog,
        "blog_url": blog.get_url(request),
        "years": archive_years(blog),
        "labels": list(labels_with_counts(blog)),
    }


@register.inclusion_tag("includes/share_links.html", takes_context=True)
def share_links(context, page):
    """Plain share links: no third-party script runs on our pages."""
    request = _request(context)
    url = absolute(request, page.get_url(request))
    title = page.title
    return {
        "share": [
            (
                "E-mail",
                "mailto:?"
                + urlencode({"subject": title, "body": url}, quote_via=quote),
            ),
            (
                "Bluesky",
                "https://bsky.app/intent/compose?"
                + urlencode({"text": f"{title} {url}"}, quote_via=quote),
            ),
            (
                "Facebook",
                "https://www.facebook.com/sharer/sharer.php?"
                + urlencode({"u": url}, quote_via=quote),
            ),
            (
                "X",
                "https://x.com/intent/post?"
                + urlencode({"text": title, "url": url}, quote_via=quote),
            ),
        ],
        "title": title,
    }


@register.filter
def label_url(tag, blog):
    """The address of a label's page on ``blog``."""
    if blog is None:
        return ""
    return blog.url + blog.reverse_subpage("label", args=[tag.slug])


@register.simple_tag(takes_context=True)
def blog_link(context):
    """The blog's address, for "All posts" links."""
    request = _request(context)
    blog = find_blog(request)
    return blog.get_url(request) if blog is not None else ""
