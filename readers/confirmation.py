"""What a reader sees right after posting a comment, where the form was.

The comment view remembers the new comment in the reader's session (the session
cookie also keeps that one page out of the shared page cache); the next render
of the same post shows, in place of nothing, that the comment is published or
awaits moderation, with the reader's own words. It is shown once.
"""

from __future__ import annotations

from dataclasses import dataclass

from readers.models import Comment

SESSION_KEY = "readers_posted_comment"


@dataclass(frozen=True)
class Posted:
    comment: Comment
    #: "published", "pending", or "received" when the site's moderation mode
    #: must not tell a stranger which of the two it was.
    state: str


def remember(request, comment: Comment, *, reveal_status: bool = True) -> str:
    """Keep `comment` for the confirmation; return the anchor to send the reader to."""
    if not reveal_status:
        state = "received"
    elif comment.status == Comment.Status.APPROVED:
        state = "published"
    else:
        state = "pending"
    request.session[SESSION_KEY] = {
        "page": comment.page_id,
        "comment": comment.pk,
        "state": state,
    }
    return f"#comment-{comment.pk}" if state == "published" else "#comment-confirmation"


def take(request, page) -> Posted | None:
    """The reader's just-posted comment on `page`, once (None for everyone else)."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    stored = session.get(SESSION_KEY) or {}
    if stored.get("page") != page.pk:
        return None
    del session[SESSION_KEY]
    comment = Comment.objects.filter(pk=stored.get("comment"), page_id=page.pk).first()
    if comment is None:
        return None
    return Posted(comment=comment, state=stored.get("state", "pending"))
