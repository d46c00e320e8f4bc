"""What an import leaves behind (issue #13, point 9).

- An import that fails rolls back its rows, and the pictures it had already
  written to storage go too.
- An uploaded export holds readers' e-mail addresses: it is kept out of the
  public media storage, deleted once its import ran (the report stays), and the
  purge command deletes any upload older than the days it is given.
"""

from __future__ import annotations

import datetime
import shutil

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone
from wagtail.images import get_image_model

from posts.blogger import importer
from posts.models import BloggerImport, PostPage
from tests.blogger_image_export import Picture, write_export
from tests.imageserver import FIXTURES, FakeNetwork, ImageServer
from tests.security.exports import comment, export, post

pytestmark = pytest.mark.django_db

BP = "http://1.bp.blogspot.com/-AbC/VxY/AAAAAAAAAQ/zZz"
EXPORT = export([post(1, "One", "<p>Hi.</p>"), comment(2, 1, "me@example.org")])


@pytest.fixture
def network(monkeypatch, settings):
    settings.BLOGGER_IMAGES_ALLOW_PRIVATE_HOSTS = ["127.0.0.1/32"]
    settings.BLOGGER_IMAGES_RETRIES = 0
    with ImageServer() as server:
        yield FakeNetwork(server).install(monkeypatch)


def stored_files(storage, folder: str) -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return files + [
        f"{sub}/{name}" for sub in folders for name in stored_files(storage, sub)
    ]


def crash_late(monkeypatch):
    def crash(*args, **kwargs):  # late in the run, after the pictures are in
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(importer, "write_redirects", crash)


def test_a_failed_import_removes_the_pictures_it_stored(
    blog, network, tmp_path, monkeypatch
):
    # From a folder, pictures are stored inside the import's transaction.
    folder = tmp_path / "pictures"
    folder.mkdir()
    shutil.copy(FIXTURES / "lantern.png", folder / "lantern.png")
    path = tmp_path / "blog.xml"
    write_export(path, [("Lantern", [Picture(f"{BP}/s320/lantern.png", alt="L")])])
    crash_late(monkeypatch)
    before = stored_files(default_storage, "original_images")  # other tests'

    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_blogger", str(path), "--images", str(folder))

    assert not get_image_model().objects.exists()
    assert not PostPage.objects.exists()
    assert stored_files(default_storage, "original_images") == before


def test_a_failed_import_leaves_no_picture_outside_the_library(
    blog, network, tmp_path, monkeypatch
):
    # Downloads are stored, and committed, before the import's transaction:
    # they stay as library images, which the next run reuses.
    path = tmp_path / "blog.xml"
    write_export(path, [("Harbour", [Picture(f"{BP}/s320/harbour.jpg", alt="H")])])
    crash_late(monkeypatch)

    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_blogger", str(path), "--download-images")

    assert not PostPage.objects.exists()
    [image] = get_image_model().objects.all()  # a complete library image
    assert image.description == "H" and default_storage.exists(image.file.name)
    monkeypatch.undo()
    network.server.requests.clear()
    FakeNetwork(network.server).install(monkeypatch)
    call_command("import_blogger", str(path), "--download-images")
    assert PostPage.objects.count() == 1
    assert network.server.requests == []  # nothing fetched twice


def upload(client, django_capture_on_commit_callbacks, content=EXPORT):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/blogger-import/",
            {
                "export_file": SimpleUploadedFile("blog.xml", content.encode()),
                "question_opening": "Dear Korean,",
            },
        )
    assert response.status_code == 302
    return BloggerImport.objects.latest("pk")


@pytest.mark.parametrize("content", [EXPORT, "<feed><entry>"])
def test_an_uploaded_export_is_deleted_once_imported_and_the_report_stays(
    blog, admin_client, django_capture_on_commit_callbacks, content
):
    job = upload(admin_client, django_capture_on_commit_callbacks, content)

    assert job.status in ("done", "failed")
    assert job.report or job.error
    assert not job.export_file
    assert stored_files(default_storage, "blogger-imports") == []
    page = admin_client.get(f"/admin/blogger-import/{job.pk}/")
    assert page.status_code == 200


def test_an_upload_is_never_in_the_public_media_storage(blog, admin_client):
    # Queued, not run: the file waits for the worker.
    response = admin_client.post(
        "/admin/blogger-import/",
        {
            "export_file": SimpleUploadedFile("blog.xml", EXPORT.encode()),
            "question_opening": "Dear Korean,",
        },
    )
    assert response.status_code == 302
    job = BloggerImport.objects.get()
    assert job.export_file
    assert job.export_file.storage is not default_storage
    assert stored_files(default_storage, "blogger-imports") == []
    assert job.export_file.storage.exists(job.export_file.name)


def test_the_purge_command_deletes_uploads_older_than_n_days(blog, admin_client):
    for _ in range(2):
        admin_client.post(
            "/admin/blogger-import/",
            {
                "export_file": SimpleUploadedFile("blog.xml", EXPORT.encode()),
                "question_opening": "Dear Korean,",
            },
        )
    old, new = BloggerImport.objects.order_by("pk")
    BloggerImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    storage, old_name = old.export_file.storage, old.export_file.name

    call_command("purge_import_uploads", "--days", "7")

    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.export_file and not storage.exists(old_name)
    assert new.export_file and storage.exists(new.export_file.name)
