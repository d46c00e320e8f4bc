"""The comment thread as HTML, built in Python.

A post can carry hundreds of comments; rendering each through an included
template cost most of a cold post page's time (docs/benchmarks.md, "Serving").
The markup is the same the template gave; every value is escaped by format_html.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from readers.comments import Node, Thread
from readers.markup import comment_html

SHOWN_DATE = r"F j, Y \a\t g:i A"


def comment_body(text: str) -> SafeString:
    """Plain text as a comment shows it: for text that is not a saved comment."""
    return mark_safe(comment_html(text))  # noqa: S308 (escaped by comment_html)


def stored_html(comment) -> SafeString:
    """A saved comment's HTML, made safe when it was stored (see Comment.html)."""
    return mark_safe(comment.html)  # noqa: S308


def safe_web_url(url: str) -> str:
    """A commenter's website, only when it is a plain web address."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


def _author(comment) -> SafeString:
    url = safe_web_url(comment.author_url)
    if url:
        return format_html(
            '<a href="{}" rel="nofollow ugc">{}</a>', url, comment.author_name
        )
    return format_html("{}", comment.author_name)


def _author_label(comment) -> SafeString:
    """Words, not colour alone, mark a reply from the blog's author."""
    if not comment.by_blog_author:
        return mark_safe("")
    return mark_safe(' <span class="comment-badge">Blog author</span>')


def _card(node: Node, is_open: bool, max_depth: int) -> SafeString:
    comment = node.comment
    if node.removed:
        return format_html(
            '<p class="comment-meta"><a class="comment-number" '
            'href="#comment-{}">#{}</a></p>\n'
            '<p class="comment-body comment-removed-note">'
            "This comment has been removed.</p>",
            comment.pk,
            node.number,
        )
    created = timezone.localtime(comment.created_at)
    reply = ""
    if is_open and node.depth < max_depth:
        reply = format_html(
            '\n<p class="comment-actions"><a class="comment-reply" '
            'href="?replyto={}#comment-form" rel="nofollow">Reply</a></p>',
            comment.pk,
        )
    return format_html(
        '<p class="comment-meta">\n'
        '<a class="comment-number" href="#comment-{}" title="Link to this comment">'
        "#{}</a>\n"
        '<span class="comment-author">{}{}</span>\n'
        '<time datetime="{}">{}</time>\n'
        "</p>\n"
        '<div class="comment-body">{}</div>{}',
        comment.pk,
        node.number,
        _author(comment),
        _author_label(comment),
        created.isoformat(),
        format_date(created, SHOWN_DATE),
        stored_html(comment),
        reply,
    )


def _item(node: Node, is_open: bool, max_depth: int) -> SafeString:
    replies = ""
    if node.replies:
        replies = format_html(
            '\n<ol class="comment-replies">{}</ol>',
            format_html_join(
                "", "{}", ((_item(r, is_open, max_depth),) for r in node.replies)
            ),
        )
    classes = " comment-removed" if node.removed else ""
    if node.comment.by_blog_author and not node.removed:
        classes += " comment-by-author"
    return format_html(
        '<li id="comment-{}" class="comment{}">\n'
        '<article class="comment-card">\n{}\n</article>{}\n</li>',
        node.comment.pk,
        classes,
        _card(node, is_open, max_depth),
        replies,
    )


def render_thread(thread: Thread, *, is_open: bool, max_depth: int) -> SafeString:
    """The numbered, nested list of a post's shown comments ("" when none)."""
    if not thread.roots:
        return mark_safe("")
    return format_html(
        '<ol class="comment-list">{}</ol>',
        format_html_join(
            "\n", "{}", ((_item(n, is_open, max_depth),) for n in thread.roots)
        ),
    )
