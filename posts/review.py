"""What the review workflow means for a post once it is out.

- A post published with a translation that no translator approved (an editor
  published it directly) is flagged `translation_unchecked`; the admin says so
  on publishing and the page listing shows "(translation not checked)" until a
  translator approves those very translations (submit the post for review).
- Who may cancel a post's review (`may_cancel_workflow`).
"""

from __future__ import annotations

from wagtail.signals import task_approved

from posts.models import PostPage, TranslationCheckTask
from posts.models.workflows import translation_was_checked

UNCHECKED_MESSAGE = (
    "“{title}” is published with a translation no translator has checked. It is "
    "marked “translation not checked” in the page listing until a translator "
    "approves it: submit the post for review to ask for the check."
)


def may_cancel_workflow(user, page, workflow_state) -> bool:
    """Who started the review, the post's owner, and whoever may publish it.

    A translator checking someone else's post approves or sends back the
    translation; cancelling the whole review is not theirs to do.
    """
    if user.is_superuser:
        return True
    if user == workflow_state.requested_by or user == page.owner:
        return True
    return page.permissions_for_user(user).can_publish()


def published_from_the_editor(page: PostPage, revision=None) -> bool:
    """Record whether a post an editor just published (or scheduled) from the
    page editor carries translations no translator approved; returns it.

    Called by the `after_publish_page` hook only: publishing at the end of the
    review (the check was done) and the Blogger import (the translations are
    the blog's own history) raise no flag.
    """
    unchecked = not translation_was_checked(page, revision)
    if unchecked != page.translation_unchecked:
        PostPage.objects.filter(pk=page.pk).update(translation_unchecked=unchecked)
        page.translation_unchecked = unchecked
    return unchecked


def _on_task_approved(sender, instance, user=None, **kwargs):
    """A translator approved a check: the live post's flag goes when the live
    translations are the ones approved."""
    if not isinstance(instance.task.specific, TranslationCheckTask):
        return
    page = instance.workflow_state.content_object
    page = getattr(page, "specific", page)
    if isinstance(page, PostPage) and page.translation_unchecked:
        live = page.live_revision
        if live is None or translation_was_checked(page, live):
            PostPage.objects.filter(pk=page.pk).update(translation_unchecked=False)


def connect_signals() -> None:
    task_approved.connect(_on_task_approved, dispatch_uid="posts.review.approved")
