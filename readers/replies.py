"""Replies written by the blog's team, published at once as the author's.

Two doors lead here: a moderator's "Reply" in the admin comments queue and a
signed-in editor's comment form on the post itself. Both call
`reply_as_blog_author()`; neither asks for a name or an e-mail address, and
the thread labels the reply as the author's (`Comment.by_blog_author`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from plumbing import cache as page_cache
from readers import closure
from readers.models import Comment


class ReplyRefused(Exception):
    """The reply cannot be posted; `message` says why, for the person replying."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def may_reply_as_author(user, page) -> bool:
    """Moderators, and whoever may edit the post (its author, editors)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("readers.change_comment"):
        return True
    return page.permissions_for_user(user).can_edit()


def author_name_for(user, page) -> str:
    """The name on the reply: the site's chosen name for the author, else the
    replying person's own."""
    chosen = closure.settings_for(page).author_reply_name.strip()
    if chosen:
        return chosen
    return (user.get_full_name() or user.get_username()).strip()[:100]


@transaction.atomic
def reply_as_blog_author(
    page, body: str, user, *, parent: Comment | None = None, now=None
) -> Comment:
    """Publish `body` under `page` (under `parent` when given) as the author's.

    Replying to a comment that still waits for moderation approves it first: a
    reply under a hidden comment would make no sense to readers. Raises
    `ReplyRefused` when the reply cannot be placed; nothing is stored then.
    """
    body = (body or "").strip()
    if not body:
        raise ReplyRefused("Write the reply first.")
    if not closure.comments_visible(page):
        raise ReplyRefused("This post shows no comments: a reply would not appear.")
    if parent is not None:
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        if parent.page_id != page.pk:
            raise ReplyRefused("That comment belongs to another post.")
        if parent.status in (Comment.Status.SPAM, Comment.Status.REMOVED):
            raise ReplyRefused(
                "That comment is marked as spam or removed: readers cannot see it."
            )
        if parent.status == Comment.Status.PENDING:
            parent.approve(by=user)
    now = now or timezone.now()
    reply = Comment.objects.create(
        page_id=page.pk,
        parent=parent,
        author_name=author_name_for(user, page),
        author_email=user.email or "",
        body=body,
        status=Comment.Status.APPROVED,
        by_blog_author=True,
        created_at=now,
        approved_by=user,
        approved_at=now,
        moderated_by=user,
        moderated_at=now,
    )
    page_cache.comments_changed(page)
    return reply
