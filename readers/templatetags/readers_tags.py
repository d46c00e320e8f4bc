"""Template tags that put comments on a post: `{% comment_section page as c %}`,
`{% comment_list c %}` (the thread), `{% comment_count page %}`,
`{% comment_feed_link page %}` and the `comment_body` filter (plain text in,
escaped HTML with safe links out)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from plumbing import cache as page_cache
from readers import closure, comments, confirmation, replies
from readers.forms import AuthorReplyForm, CommentForm
from readers.render import comment_body, render_thread, safe_web_url

register = template.Library()

# What the form says about moderation, by the site's moderation mode.
MODERATION_NOTES = {
    "all": "Comments are read by a moderator before they appear.",
    "known": "A first comment is read by a moderator before it appears.",
    "none": "",
}


# The thread's pieces live in readers.render; the filters stay for templates.
register.filter("comment_body", comment_body)
register.filter("safe_web_url", safe_web_url)


@register.simple_tag
def comment_list(comments) -> str:
    """The thread of `{% comment_section %}`, rendered in Python for speed."""
    return render_thread(
        comments["thread"], is_open=comments["open"], max_depth=comments["max_depth"]
    )


def _is_number(raw: str) -> bool:
    """ASCII digits only: "²".isdigit() is True, but int("²") fails."""
    return raw.isascii() and raw.isdigit()


def _reply_to(request, thread):
    raw = request.GET.get("replyto", "") if request is not None else ""
    return thread.by_id.get(int(raw)) if _is_number(raw) else None


@register.simple_tag(takes_context=True)
def comment_section(context, page):
    """Everything the comment templates need, with a fixed number of queries."""
    request = context.get("request")
    rules = closure.settings_for(page, request)
    thread = comments.visible_for(page, rules)
    is_open = closure.comments_open(page, settings=rules)
    reply_to = None
    form = getattr(request, "comment_form", None)
    user = getattr(request, "user", None)
    as_author = is_open and replies.may_reply_as_author(user, page)
    form_class = AuthorReplyForm if as_author else CommentForm
    if is_open:
        reply_to = _reply_to(request, thread)
        if reply_to is not None and reply_to.depth >= rules.max_depth:
            reply_to = None
        if form is None:
            initial = {"parent": reply_to.comment.pk} if reply_to else {}
            form = form_class(page=page, initial=initial)
        elif _is_number(form.data.get("parent", "")):
            reply_to = thread.by_id.get(int(form.data["parent"]))
    # A `?replyto=` the page did not use (a missing or too deep comment, closed
    # comments) is answered but never stored in the page cache.
    replying = reply_to.comment.pk if reply_to is not None else None
    page_cache.query_used(request, "replyto", str(replying) if replying else None)
    return {
        "page": page,
        "visible": closure.comments_visible(page),
        "thread": thread,
        "count": thread.count,
        # Removed comments keep their place and number in the list, so the
        # heading says how many of the numbered places they are.
        "removed": len(thread.by_id) - thread.count,
        "posted": confirmation.take(request, page) if request is not None else None,
        "open": is_open,
        "notice": "" if is_open else closure.closing_notice(page, settings=rules),
        "max_depth": rules.max_depth,
        "form": form if is_open else None,
        "reply_to": reply_to,
        "error": getattr(request, "comment_error", ""),
        "feed_url": reverse("readers:post_comments_feed", args=[page.pk]),
        "policy_note": MODERATION_NOTES.get(rules.moderation, ""),
        "as_author": replies.author_name_for(user, page) if as_author else "",
    }


@register.simple_tag(takes_context=True)
def comment_count(context, page):
    """The number of approved comments (shares the thread's single query)."""
    rules = closure.settings_for(page, context.get("request"))
    return comments.visible_for(page, rules).count


@register.simple_tag
def comment_feed_link(page):
    if not closure.comments_visible(page):
        return ""
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">'
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        f"Comments on “{page.title}”",
        reverse("readers:post_comments_feed", args=[page.pk]),
        "Latest comments",
        reverse("readers:latest_comments_feed"),
    )
