"""Reactions to page events: publishing a post answers its reader questions."""

from django.dispatch import receiver
from wagtail.signals import page_published

from readers import questions as question_actions


@receiver(page_published, dispatch_uid="readers.questions.answered")
def questions_answered_on_publish(sender, instance, **kwargs):
    """Mark the page's questions answered and tell each asker once.

    Republishing finds nothing left to do: statuses are already "answered"
    and `notified_at` is set for everyone who was told.
    """
    question_actions.answer_published(instance)
