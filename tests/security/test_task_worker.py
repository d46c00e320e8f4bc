"""The task worker: it runs every task production queues, and outlives a locked
database (issue #13, point 4).

Production queues its work in the database (`django_tasks_db.DatabaseBackend`):
our e-mails and admin imports, and Wagtail's own search-index and reference-index
updates. `manage.py task_worker` must run all of it on both Django lines (5.2 LTS
with the django-tasks backport, 6.x with Django's built-in tasks); the tests here
queue through that backend and run the worker once (`--batch`).

`db_worker` died on "database is locked" and admin imports stayed "Queued" for
ever; `task_worker` runs it again after a growing pause.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from plumbing.management.commands import task_worker
from posts.models import BloggerImport, QuestionPostPage
from readers.models import Comment, ReaderQuestion
from readers.tasks import notify_moderators
from readers.tasks_questions import notify_asker
from tests.factories import (
    CommentFactory,
    PostPageFactory,
    ReaderQuestionFactory,
    UserFactory,
    publish,
)
from tests.production_support import fresh_postgres_database, manage, production_env

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

pytestmark = pytest.mark.django_db
# "database is locked" is SQLite's: the lock these tests stand in for.
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock (PostgreSQL has none)"
)


@pytest.fixture
def post(blog):
    return PostPageFactory(parent=blog)


@pytest.fixture
def queue(settings, post):
    # The pages come first: their search-index work is not this queue's business.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def locked_three_times(monkeypatch):
    real = db_worker.exclusive_transaction
    failures = {"left": 3}

    def flaky(*args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(db_worker, "exclusive_transaction", flaky)
    pauses = []
    monkeypatch.setattr(task_worker.time, "sleep", pauses.append)
    return pauses


def run_the_worker():
    """Run `manage.py task_worker` once over the queue; the tasks it did not run."""
    assert DBTaskResult.objects.ready().exists(), "nothing was queued"
    call_command("task_worker", "--batch", "--no-startup-delay")
    return list(
        DBTaskResult.objects.exclude(status="SUCCESSFUL").values_list(
            "task_path", "status"
        )
    )


def found_by_search(client, words):
    page = client.get("/search/", {"q": words}).content.decode()
    return page.split('class="search-results"')[-1].split("</ol>")[0]


# --- Every task production queues runs, on both Django lines -----------------

# The worker commits each task as it goes and checks its connection between
# tasks, as in production: no test transaction around it (PostgreSQL would see
# its connection dropped from under the test's transaction).
worker_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@worker_db
def test_the_worker_sends_the_moderators_the_email_about_a_pending_comment(queue, post):
    UserFactory(is_superuser=True, email="chief@example.org")
    comment = CommentFactory(page=post, status=Comment.Status.PENDING)
    notify_moderators.enqueue(comment.pk, "Every new comment waits.")
    assert mail.outbox == []  # queued, not sent by the request

    assert run_the_worker() == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chief@example.org"]
    assert "Every new comment waits." in mail.outbox[0].body


@worker_db
def test_the_worker_tells_the_asker_their_answer_is_out(queue, blog):
    question = ReaderQuestionFactory(email="asker@example.org", notify=True)
    answer = QuestionPostPage(title="Answer", slug="answer", question="<p>Q</p>")
    blog.add_child(instance=answer)
    ReaderQuestion.objects.filter(pk=question.pk).update(answer_page=answer)
    publish(answer)
    notify_asker.enqueue(question.pk)
    assert mail.outbox == []

    assert run_the_worker() == []  # the post's index updates as well
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]


@worker_db
def test_the_worker_updates_the_search_index_of_a_published_post(queue, post, client):
    post.title = "Gochujang in winter"
    publish(post)  # Wagtail queues the index update: nothing finds it yet
    assert "Gochujang" not in found_by_search(client, "gochujang")

    assert run_the_worker() == []
    assert "Gochujang in winter" in found_by_search(client, "gochujang")


@worker_db
def test_the_worker_runs_an_import_queued_from_the_admin(
    queue, blog, admin_client, client
):
    export = (FIXTURES / "seed-classic.xml").read_bytes()
    admin_client.post(
        "/admin/blogger-import/",
        {
            "export_file": SimpleUploadedFile("blog.xml", export),
            "question_opening": "Dear Korean,",
        },
    )
    job = BloggerImport.objects.get()
    assert job.status == "queued"

    assert run_the_worker() == []  # the import, then its pages' index updates
    job.refresh_from_db()
    assert job.status == "done"
    assert "Those Who are Left Behind" in found_by_search(client, "left behind")


PRODUCTION_QUEUE = """
from readers.models import Comment
from readers.tasks import notify_moderators
from tests.factories import CommentFactory, PostPageFactory, UserFactory, build_site

home, blog = build_site()
post = PostPageFactory(parent=blog, title="Gochujang in winter")
UserFactory(is_superuser=True, email="chief@example.org")
comment = CommentFactory(page=post, status=Comment.Status.PENDING)
notify_moderators.enqueue(comment.pk, "Every new comment waits.")
"""
PRODUCTION_STATE = """
from django_tasks_db.models import DBTaskResult
from posts.models import PostPage

for path, status in DBTaskResult.objects.values_list("task_path", "status"):
    print("=> task", path, status)
for page in PostPage.objects.search("gochujang"):
    print("=> found", page.pk)
"""


def production_state(env):
    out = manage(env, "shell", "-v0", "-c", PRODUCTION_STATE)
    lines = [line.split()[1:] for line in out.splitlines() if line.startswith("=>")]
    tasks = [tuple(rest) for kind, *rest in lines if kind == "task"]
    return tasks, [rest for kind, *rest in lines if kind == "found"]


@pytest.fixture
def production_database(tmp_path):
    """A database of its own, of the run's kind: PostgreSQL beside DATABASE_URL's
    when that is PostgreSQL, else a SQLite file."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    with fresh_postgres_database(f"task_worker_{os.getpid()}") as url:
        yield url


def test_with_production_settings_the_worker_runs_everything_production_queued(
    production_database, tmp_path
):
    """Production's own processes, not a test's: the tasks are declared while the
    database backend is configured, as on a server."""
    env = production_env(
        production_database,
        tmp_path / "static",
        DJANGO_PRIVATE_ROOT=str(tmp_path / "private"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "-v0", "-c", PRODUCTION_QUEUE)
    queued, found = production_state(env)
    assert ("readers.tasks.notify_moderators", "READY") in queued
    assert ("modelsearch.tasks.insert_or_update_object_task", "READY") in queued
    assert found == []  # the new post waits for its index update

    sent = manage(env, "task_worker", "--batch", "--no-startup-delay")

    done, found = production_state(env)
    assert [path for path, status in done if status != "SUCCESSFUL"] == []
    assert len(done) == len(queued)
    assert "To: chief@example.org" in sent  # the console's e-mail
    assert "Every new comment waits." in sent
    assert len(found) == 1


# --- A locked database ---------------------------------------------------------


@sqlite_only
def test_db_worker_alone_dies_on_a_locked_database(queue, locked_three_times):
    with pytest.raises(OperationalError):
        call_command("db_worker", "--batch", "--no-startup-delay")


@sqlite_only
def test_the_task_worker_runs_queued_work_once_the_lock_is_gone(
    queue, locked_three_times, post
):
    UserFactory(is_superuser=True, email="chief@example.org")
    comment = CommentFactory(page=post, status=Comment.Status.PENDING)
    notify_moderators.enqueue(comment.pk, "Every new comment waits.")

    call_command("task_worker", "--batch", "--no-startup-delay")

    assert locked_three_times == [1.0, 2.0, 4.0]  # it waited longer each time
    assert len(mail.outbox) == 1  # and the queued work was done


def test_pictures_are_downloaded_before_the_import_opens_its_transaction(
    blog, monkeypatch, settings, tmp_path
):
    """On SQLite the import's transaction holds the write lock: no download may
    happen while it is open (issue #13, point 4)."""
    from django.db import connections

    from posts.blogger.fetch import ImageFetcher
    from tests.blogger_image_export import Picture, write_export
    from tests.imageserver import FakeNetwork, ImageServer

    settings.BLOGGER_IMAGES_ALLOW_PRIVATE_HOSTS = ["127.0.0.1/32"]
    settings.BLOGGER_IMAGES_RETRIES = 0
    main = connections["default"]  # this thread's: the import runs here
    depth_at_download = []
    real = ImageFetcher._download

    def download(self, url, result):
        depth_at_download.append(len(main.savepoint_ids))
        return real(self, url, result)

    monkeypatch.setattr(ImageFetcher, "_download", download)
    bp = "http://1.bp.blogspot.com/-AbC/VxY/AAAAAAAAAQ/zZz"
    path = tmp_path / "blog.xml"
    write_export(
        path,
        [
            ("Harbour", [Picture(f"{bp}/s320/harbour.jpg", alt="The harbour")]),
            ("Market", [Picture(f"{bp}/s320/lantern.png", caption="A lantern")]),
        ],
    )
    with ImageServer() as server:
        FakeNetwork(server).install(monkeypatch)
        before = len(main.savepoint_ids)
        call_command("import_blogger", str(path), "--download-images")

    from wagtail.images import get_image_model

    assert sorted(get_image_model().objects.values_list("description", flat=True)) == [
        "A lantern",
        "The harbour",
    ]
    assert len(depth_at_download) == 2
    assert depth_at_download == [before, before]  # no transaction of the import
