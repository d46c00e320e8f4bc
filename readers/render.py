"""The comment thread as HTML, built in Python.

A post can carry hundreds of comments; rendering each through an included
template cost most of a cold post page's time (docs/benchmarks.md, "Serving").
The markup is the same the template gave. It is assembled with f-strings, not
`format_html` (whose checks cost more than the rest of a long thread): each value
a reader wrote is escaped here (`escape`), numbers are formatted as integers
(`:d`), and the comment's body is the HTML stored safe when it was saved.
"""

from __future__ import annotations

from html import escape

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from readers.comments import Node, Thread
from readers.markup import comment_html

SHOWN_DATE = r"F j, Y \a\t g:i A"
AUTHOR_BADGE = ' <span class="comment-badge">Blog author</span>'


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


def _shown_date(moment) -> str:
    """`moment` as `SHOWN_DATE` formats it ("January 1, 2008 at 9:30 AM"),
    without Django's general date formatter (a tenth of a thread's time)."""
    hour = moment.hour % 12 or 12
    noon = _("PM") if moment.hour >= 12 else _("AM")
    return (
        f"{MONTHS[moment.month]} {moment.day}, {moment.year:04d} "
        f"at {hour}:{moment.minute:02d} {noon}"
    )


def _author(comment) -> str:
    url = safe_web_url(comment.author_url)
    name = escape(comment.author_name)
    if url:
        return f'<a href="{escape(url)}" rel="nofollow ugc">{name}</a>'
    return name


def _card(node: Node, is_open: bool, max_depth: int) -> str:
    comment = node.comment
    if node.removed:
        return (
            '<p class="comment-meta"><a class="comment-number" '
            f'href="#comment-{comment.pk:d}">#{node.number:d}</a></p>\n'
            '<p class="comment-body comment-removed-note">'
            "This comment has been removed.</p>"
        )
    created = timezone.localtime(comment.created_at)
    reply = ""
    if is_open and node.depth < max_depth:
        reply = (
            '\n<p class="comment-actions"><a class="comment-reply" '
            f'href="?replyto={comment.pk:d}#comment-form" rel="nofollow">Reply</a></p>'
        )
    badge = AUTHOR_BADGE if comment.by_blog_author else ""
    return (
        '<p class="comment-meta">\n'
        f'<a class="comment-number" href="#comment-{comment.pk:d}" '
        f'title="Link to this comment">#{node.number:d}</a>\n'
        f'<span class="comment-author">{_author(comment)}{badge}</span>\n'
        f'<time datetime="{created.isoformat()}">{_shown_date(created)}</time>\n'
        "</p>\n"
        # The stored HTML was made safe when the comment was saved (Comment.html).
        f'<div class="comment-body">{comment.html}</div>{reply}'
    )


def _item(node: Node, is_open: bool, max_depth: int) -> str:
    replies = ""
    if node.replies:
        inner = "".join(_item(r, is_open, max_depth) for r in node.replies)
        replies = f'\n<ol class="comment-replies">{inner}</ol>'
    classes = " comment-removed" if node.removed else ""
    if node.comment.by_blog_author and not node.removed:
        classes += " comment-by-author"
    return (
        f'<li id="comment-{node.comment.pk:d}" class="comment{classes}">\n'
        f'<article class="comment-card">\n{_card(node, is_open, max_depth)}\n'
        f"</article>{replies}\n</li>"
    )


def render_thread(thread: Thread, *, is_open: bool, max_depth: int) -> SafeString:
    """The numbered, nested list of a post's shown comments ("" when none)."""
    if not thread.roots:
        return mark_safe("")
    items = "\n".join(_item(n, is_open, max_depth) for n in thread.roots)
    return mark_safe(f'<ol class="comment-list">{items}</ol>')  # noqa: S308
