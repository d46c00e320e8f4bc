"""Reactions to page and settings events: publishing a post answers its reader
questions; changing the comment settings changes every post's page."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from plumbing import cache as page_cache
from readers import questions as question_actions
from readers.models import CommentSettings


@receiver(page_published, dispatch_uid="readers.questions.answered")
def questions_answered_on_publish(sender, instance, **kwargs):
    """Mark the page's questions answered and tell each asker once.

    Republishing finds nothing left to do: statuses are already "answered"
    and `notified_at` is set for everyone who was told.
    """
    question_actions.answer_published(instance)


@receiver(post_save, sender=CommentSettings, dispatch_uid="readers.cache.settings")
@receiver(post_delete, sender=CommentSettings, dispatch_uid="readers.cache.settings.d")
def comment_settings_changed(sender, **kwargs):
    """Opening hours and moderation rules show on every post."""
    page_cache.site_changed()
