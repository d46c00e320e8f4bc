"""What editors do with reader questions, as named functions.

The admin screens (readers/admin_questions.py), the publication handler
(readers/signals.py) and the privacy command call these; none of them change
a question's status by hand.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator
from wagtail import hooks

from readers.models import ReaderQuestion
from readers.tasks_questions import notify_asker

Status = ReaderQuestion.Status
HEADLINE_CHARS = 70
# "Dear Korean," / "Dear Mr. Korean," / "Hello Korean!" opening a letter.
SALUTATION = re.compile(
    r"^(?:dear|hello|hi|hey)\b[^,.!?\n]{0,40}[,.!:]\s*", re.IGNORECASE
)
# A sentence ends at . ! or ? followed by a space (keeps "e.g." mostly together).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(A-Z0-9가-힣])")
# An editor may move a question between these by hand; "answered" comes only
# from publishing the post that answers it.
EDITOR_STATUSES = (Status.NEW, Status.SHORTLISTED, Status.DECLINED, Status.SPAM)


def new_count() -> int:
    return ReaderQuestion.objects.filter(status=Status.NEW).count()


def set_status(questions, status: str) -> int:
    """Move questions (a queryset or an iterable of them) to `status`.

    Questions already in that status keep their `status_changed_at`.
    Returns how many changed.
    """
    if status not in Status.values:
        raise ValueError(f"Unknown question status: {status!r}")
    if not hasattr(questions, "update"):
        questions = ReaderQuestion.objects.filter(pk__in=[q.pk for q in questions])
    return questions.exclude(status=status).update(
        status=status, status_changed_at=timezone.now()
    )


def shortlist(questions) -> int:
    return set_status(questions, Status.SHORTLISTED)


def decline(questions) -> int:
    return set_status(questions, Status.DECLINED)


def mark_spam(questions) -> int:
    return set_status(questions, Status.SPAM)


def excerpt(question: ReaderQuestion, words: int = 20) -> str:
    text = Truncator(" ".join(question.question.split())).words(words, truncate="…")
    return f"{question.subject}: {text}" if question.subject else text


# The app that publishes answers registers, under this Wagtail hook, an object
# with `default_blog()` and `create_question_draft(blog, *, title,
# question_html, asker_name, asked_on, owner)`. Readers asks it and never
# imports that app: dependencies run from posts to readers only.
ANSWER_POSTS_HOOK = "readers_answer_posts"


def answer_posts():
    """What starts answer posts (the last app to register wins)."""
    found = hooks.get_hooks(ANSWER_POSTS_HOOK)
    if not found:
        raise ImproperlyConfigured(
            f"No app registers the {ANSWER_POSTS_HOOK!r} hook: "
            "answering reader questions in a post needs one."
        )
    return found[-1]


def default_blog():
    """The blog that answers go under."""
    return answer_posts().default_blog()


def _paragraphs(text: str) -> str:
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + "<br/>".join(escape(line) for line in block.splitlines()) + "</p>"
        for block in blocks
        if block
    )


def _names(questions: list[ReaderQuestion]) -> str:
    names = list(dict.fromkeys(q.display_name for q in questions))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def question_html(questions: list[ReaderQuestion]) -> str:
    """The letter(s) as rich text; with several askers, each is introduced."""
    if len(questions) == 1:
        return _paragraphs(questions[0].question)
    return "".join(
        f"<p><b>{escape(q.display_name)} asks:</b></p>" + _paragraphs(q.question)
        for q in questions
    )


def headline(text: str, limit: int = HEADLINE_CHARS) -> str:
    """A short headline from a reader's letter.

    Drops the salutation ("Dear Korean,"), takes the first question the letter
    asks (else its first sentence) and, when that runs long, cuts it at a word
    before `limit` characters.
    """
    text = " ".join(text.split())
    text = SALUTATION.sub("", text, count=1).strip()
    sentences = [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
    if not sentences:
        return ""
    chosen = next((s for s in sentences if s.endswith("?")), sentences[0])
    chosen = chosen[:1].upper() + chosen[1:]
    if len(chosen) <= limit:
        return chosen
    cut = chosen[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return cut + "…"


def draft_title(questions: list[ReaderQuestion]) -> str:
    """The first question's own subject line, else a headline from its text."""
    first = questions[0]
    return (first.subject.strip() or headline(first.question) or "A reader asks")[:255]


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def answer_in_post(questions: Iterable[ReaderQuestion], blog, user):
    """Start one draft QuestionPostPage under `blog` answering `questions`.

    The draft carries the question text, the askers' printed names and the date
    of the earliest question; each question is linked to it and shortlisted.
    Returns the draft page.
    """
    questions = sorted(questions, key=lambda q: (q.received_at, q.pk))
    if not questions:
        raise ValueError("Choose at least one question to answer.")
    with transaction.atomic():
        page = answer_posts().create_question_draft(
            blog,
            title=draft_title(questions),
            question_html=question_html(questions),
            asker_name=_names(questions),
            asked_on=_local_date(questions[0].received_at),
            owner=user,
        )
        now = timezone.now()
        for question in questions:
            question.answer_page = page
            fields = ["answer_page"]
            if question.status == Status.NEW:
                question.status = Status.SHORTLISTED
                question.status_changed_at = now
                fields += ["status", "status_changed_at"]
            question.save(update_fields=fields)
    return page


def questions_answered_by(page):
    return ReaderQuestion.objects.filter(answer_page_id=page.pk)


def mark_answered(page) -> list[int]:
    """Mark the questions that `page` answers as answered.

    Returns the ids of the questions whose askers are still to be told: they
    ticked "notify", left an address and have not been told before. Safe to call
    on every publication: it changes nothing the second time.
    """
    linked = questions_answered_by(page)
    linked.filter(status__in=[Status.NEW, Status.SHORTLISTED]).update(
        status=Status.ANSWERED, status_changed_at=timezone.now()
    )
    return list(
        linked.filter(status=Status.ANSWERED, notify=True, notified_at__isnull=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )


def answer_published(page) -> list[int]:
    """Everything that follows the publication of an answering post.

    Marks its questions answered and, once the transaction commits, enqueues
    one notification per asker still to be told. Returns those question ids.
    """
    to_notify = mark_answered(page)
    if to_notify:
        for question_id in to_notify:
            transaction.on_commit(
                lambda question_id=question_id: notify_asker.enqueue(question_id)
            )
    return to_notify


def purge_personal_data(days: int, *, now=None, dry_run: bool = False) -> int:
    """Blank the e-mail and IP hash of questions declined or marked spam more
    than `days` ago. Returns how many questions held such data."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    stale = (
        ReaderQuestion.objects.filter(status__in=[Status.DECLINED, Status.SPAM])
        .filter(
            Q(status_changed_at__lt=cutoff)
            | Q(status_changed_at__isnull=True, received_at__lt=cutoff)
        )
        .exclude(email="", ip_hash="")
    )
    if dry_run:
        return stale.count()
    return stale.update(email="", ip_hash="", notify=False)
