"""Reader questions: does the editors' list and the publication step scale?

In-process (Django test client, test settings, a fresh SQLite file):

1. the admin "Questions" list, first page of 50, with 2,000 questions in the
   database against a baseline of 50 (one full page): median time and SQL
   queries per request;
2. publishing a post that answers 50 questions whose askers all want an e-mail
   (50 e-mails, immediate task backend, locmem mail) against publishing a post
   that answers none: median time per publication.

    .venv/bin/python tests/bench/run_all.py questions
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from support import REPEAT, median_ms, setup_django


def make_questions(count: int, offset: int = 0):
    from readers.models import ReaderQuestion

    ReaderQuestion.objects.bulk_create(
        ReaderQuestion(
            display_name=f"Reader {offset + n}",
            email=f"reader{offset + n}@example.org",
            notify=True,
            question=f"Question number {offset + n}: why is the sky blue over Seoul?",
        )
        for n in range(count)
    )


def listing(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("readers_readerquestion_modeladmin_index")

    def get():
        response = client.get(url)
        assert response.status_code == 200

    get()  # warm up
    with CaptureQueriesContext(connection) as queries:
        get()
    count = len(queries)  # read now: every request resets the query log
    return median_ms(get), count


def publish_answering(blog, user, count: int, tag: str) -> float:
    from django.core import mail
    from django.db import transaction

    from readers.models import ReaderQuestion
    from readers.questions import answer_in_post

    times = []
    for round_ in range(REPEAT):
        make_questions(
            count, offset=10_000 * (round_ + 1) + (0 if tag == "a" else 5_000)
        )
        fresh = list(
            ReaderQuestion.objects.filter(answer_page__isnull=True, status="new")
        )
        if count:
            draft = answer_in_post(fresh[:count], blog, user)
        else:
            from posts.authoring import create_question_draft

            draft = create_question_draft(
                blog,
                title=f"Nothing {tag} {round_}",
                question_html="<p>?</p>",
                asker_name="",
                asked_on=None,
                owner=user,
            )
        mail.outbox = []
        start = time.perf_counter()
        with transaction.atomic():
            draft.get_latest_revision().publish(user=user)
        times.append((time.perf_counter() - start) * 1000)
        assert len(mail.outbox) == count, (len(mail.outbox), count)
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.test.utils import setup_test_environment

        from tests.factories import build_site

        setup_test_environment()  # locmem e-mail outbox
        _, blog = build_site()
        user = get_user_model().objects.create_superuser("bench", "b@example.org", "x")
        client = Client()
        client.force_login(user)

        make_questions(50)
        small_ms, small_queries = listing(client)
        make_questions(1950, offset=50)
        big_ms, big_queries = listing(client)

        none_ms = publish_answering(blog, user, 0, "a")
        fifty_ms = publish_answering(blog, user, 50, "b")

    rows = [
        ("admin list, 2,000 questions (ms)", big_ms, "50 questions", small_ms),
        ("admin list queries, 2,000", big_queries, "50 questions", small_queries),
        ("publish answering 50 (ms, 50 e-mails)", fifty_ms, "answering 0", none_ms),
    ]
    print(f"{'figure':42} {'value':>9}  {'baseline':>22}  ratio")
    for name, value, base_name, base in rows:
        ratio = value / base if base else float("nan")
        print(f"{name:42} {value:9.1f}  {base_name:>12} {base:9.1f}  {ratio:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
