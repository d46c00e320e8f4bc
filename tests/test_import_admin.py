"""Importing a Blogger export from the Wagtail admin, as a background task."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from posts.models import BloggerImport, QuestionPostPage
from readers.models import Comment
from tests.factories import UserFactory

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.django_db


def upload(client, name, content, **extra):
    data = {
        "export_file": SimpleUploadedFile(name, content),
        "question_opening": "Dear Korean,",
        **extra,
    }
    return client.post("/admin/blogger-import/", data)


def test_editor_uploads_an_export_and_sees_the_report(
    blog, admin_client, django_capture_on_commit_callbacks
):
    assert "Import from Blogger" in admin_client.get("/admin/").content.decode()
    export = (FIXTURES / "seed-classic.xml").read_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, "blog-03-10-2012.xml", export)

    job = BloggerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/blogger-import/{job.pk}/"
    assert job.status == "done"
    post = QuestionPostPage.objects.get(title="What About Those Who are Left Behind?")
    assert post.owner.is_superuser
    assert Comment.objects.filter(page=post).count() == 4
    page = admin_client.get(response["Location"]).content.decode()
    assert "Done" in page
    assert "question posts" in page
    assert "settings entries (not content): 6" in page


def test_broken_upload_fails_with_its_reason_and_writes_nothing(
    blog, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, "feed.atom", b"<feed><entry>")

    job = BloggerImport.objects.get()
    assert job.status == "failed"
    assert "not a Blogger export" in job.error or "truncated" in job.error
    assert not QuestionPostPage.objects.exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Failed" in page
    assert "Nothing was written" in page


def test_dry_run_from_the_admin_writes_no_pages(
    blog, admin_client, django_capture_on_commit_callbacks
):
    export = (FIXTURES / "seed-takeout.atom").read_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, "feed.atom", export, dry_run="on")

    job = BloggerImport.objects.get()
    assert job.status == "done"
    assert job.report["dry_run"] is True
    assert job.report["counts"]["posts"]["created"] == 3
    assert not QuestionPostPage.objects.exists()


def test_running_import_page_refreshes_itself(blog, admin_client):
    job = BloggerImport.objects.create(
        export_file=SimpleUploadedFile("x.xml", b"<x/>"), original_name="x.xml"
    )

    page = admin_client.get(f"/admin/blogger-import/{job.pk}/").content.decode()

    assert 'http-equiv="refresh"' in page
    assert "Queued" in page


def test_editors_without_permission_cannot_import(blog, client):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    assert client.get("/admin/blogger-import/").status_code in (302, 403)
    assert client.post("/admin/blogger-import/", {}).status_code in (302, 403)
    assert not BloggerImport.objects.exists()


def test_report_links_each_created_page_and_its_redirects(
    blog, admin_client, django_capture_on_commit_callbacks
):
    from wagtail.contrib.redirects.models import Redirect

    from posts.models import LegacyEntry

    export = (FIXTURES / "seed-classic.xml").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, "blog.xml", export)
    page = admin_client.get(response["Location"]).content.decode()

    created = LegacyEntry.objects.filter(page__isnull=False).select_related("page")
    assert created.exists()
    assert f"Pages this import created ({created.count()})" in page
    for entry in created:
        assert f'href="/admin/pages/{entry.page_id}/edit/"' in page
    redirects = Redirect.objects.filter(redirect_page__isnull=False)
    assert redirects.exists()
    for redirect in redirects:
        assert redirect.old_path in page

    # Imported again, nothing is new: no page is listed as created.
    with django_capture_on_commit_callbacks(execute=True):
        again = upload(admin_client, "blog.xml", export)
    assert (
        "Pages this import created"
        not in admin_client.get(again["Location"]).content.decode()
    )
