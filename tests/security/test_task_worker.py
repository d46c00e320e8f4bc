"""The task worker outlives a locked database (issue #13, point 4).

`db_worker` died on "database is locked" and admin imports stayed "Queued" for
ever; `task_worker` runs it again after a growing pause.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django_tasks_db.management.commands import db_worker

from plumbing.management.commands import task_worker
from readers.models import Comment
from readers.tasks import notify_moderators
from tests.factories import CommentFactory, PostPageFactory, UserFactory

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
