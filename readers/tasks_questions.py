"""Background work for reader questions: telling askers their answer is out."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from plumbing.tasks import task
from readers.models import ReaderQuestion

logger = logging.getLogger(__name__)


def claim_notification(question_id: int) -> bool:
    """Record that the asker is being told; False if someone already did."""
    return bool(
        ReaderQuestion.objects.filter(pk=question_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    )


def release_notification(question_id: int) -> None:
    """Undo `claim_notification` when the e-mail could not be sent."""
    ReaderQuestion.objects.filter(pk=question_id).update(notified_at=None)


@task()
def notify_asker(question_id: int) -> bool:
    """E-mail one asker the link to the post that answers their question.

    Sends at most once per question, however often it is enqueued: the
    question's `notified_at` is claimed first and released if sending fails.
    Returns True when an e-mail went out.
    """
    question = (
        ReaderQuestion.objects.select_related("answer_page")
        .filter(pk=question_id)
        .first()
    )
    if (
        question is None
        or not (question.notify and question.email)
        or question.answer_page is None
        or not question.answer_page.live
    ):
        return False
    if not claim_notification(question.pk):
        return False
    page = question.answer_page.specific
    context = {
        "question": question,
        "page": page,
        "url": page.get_full_url(),
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
    }
    try:
        send_mail(
            subject=render_to_string("readers/ask_answered_subject.txt", context)
            .strip()
            .replace("\n", " "),
            message=render_to_string("readers/ask_answered_email.txt", context),
            from_email=None,
            recipient_list=[question.email],
        )
    except Exception:
        release_notification(question.pk)
        logger.exception("Could not tell the asker of question %s", question.pk)
        raise
    return True
