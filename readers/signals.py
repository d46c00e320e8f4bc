"""Reactions to page events: publishing a post answers its reader questions."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from readers import questions as question_actions


@receiver(page_published, dispatch_uid="readers.questions.answered")
def questions_answered_on_publish(sender, instance, **kwargs):
    """Mark the page's questions answered and tell each asker once.

    Republishing finds nothing left to do: statuses are already "answered"
    and `notified_at` is set for everyone who was told.
    """
    to_notify = question_actions.mark_answered(instance)
    if not to_notify:
        return
    from readers.tasks_questions import notify_asker

    for question_id in to_notify:
        transaction.on_commit(
            lambda question_id=question_id: notify_asker.enqueue(question_id)
        )
