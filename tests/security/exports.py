"""Small classic-format Blogger exports written at test time (never committed)."""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

BLOG = "7777777777777777777"
HOST = "http://hostile.blogspot.com"
KIND = "http://schemas.google.com/g/2005#kind"
KINDS = "http://schemas.google.com/blogger/2008/kind#"
HEADER = (
    "<?xml version='1.0' encoding='UTF-8'?>"
    "<feed xmlns='http://www.w3.org/2005/Atom' "
    "xmlns:gd='http://schemas.google.com/g/2005' "
    "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
    f"<id>tag:blogger.com,1999:blog-{BLOG}.archive</id>"
    "<title type='text'>Hostile</title>"
    f"<link rel='alternate' type='text/html' href='{HOST}/'/>"
)
FOOTER = "</feed>"


def post(number: int, title: str, html: str, *, labels=(), month="03") -> str:
    cats = "".join(
        f"<category scheme='http://www.blogger.com/atom/ns#' term={quoteattr(x)}/>"
        for x in labels
    )
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{BLOG}.post-{number}</id>"
        f"<published>2012-{month}-05T06:27:00.000-05:00</published>"
        f"<updated>2012-{month}-06T09:12:31.482-05:00</updated>"
        f"<category scheme='{KIND}' term='{KINDS}post'/>{cats}"
        f"<title type='text'>{escape(title)}</title>"
        f"<content type='html'>{escape(html)}</content>"
        f"<link rel='alternate' type='text/html' "
        f"href='{HOST}/2012/{month}/post-{number}.html' title={quoteattr(title)}/>"
        "<author><name>The Korean</name></author></entry>"
    )


def comment(
    number: int,
    post_number: int,
    body: str,
    *,
    name="Reader",
    parent: int | None = None,
    published="2012-03-07T11:02:14.221-05:00",
) -> str:
    target = f"tag:blogger.com,1999:blog-{BLOG}.post-{post_number}"
    related = (
        f"<link rel='related' type='application/atom+xml' "
        f"href='http://www.blogger.com/feeds/{BLOG}/{post_number}/comments/default/"
        f"{parent}'/>"
        if parent is not None
        else ""
    )
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{BLOG}.post-{number}</id>"
        f"<published>{published}</published>"
        f"<updated>{published}</updated>"
        f"<category scheme='{KIND}' term='{KINDS}comment'/>{related}"
        f"<title type='text'>{escape(body[:30])}</title>"
        f"<content type='html'>{escape(body)}</content>"
        f"<author><name>{escape(name)}</name></author>"
        f"<thr:in-reply-to href='{HOST}/2012/03/post-{post_number}.html' "
        f"ref='{target}' type='text/html'/></entry>"
    )


def export(entries: list[str] | Iterator[str]) -> str:
    return HEADER + "".join(entries) + FOOTER
