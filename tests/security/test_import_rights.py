"""The import acts with the rights of whoever started it (issue #13, point 1).

An Author may write posts in the blog but not publish them, may neither edit
the About page nor add pages beside the blog, nor approve comments. An export
uploaded by an Author (granted the import screen), with an entry reusing the
About page's Blogger id, a new static page, a new post and comments, must leave
the About page and the home page alone (each refused with a line in the
report), put the post in review as a draft, and hold the comments for a
moderator. Editors publish the site's pages (docs/editorial.md), so their
import does; they still cannot approve comments.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from home.models import StandardPage
from posts import editorial
from posts.models import BloggerImport, PostPage
from readers.models import Comment
from tests.factories import UserFactory
from tests.security.exports import KINDS, comment, export, post

pytestmark = pytest.mark.django_db


def page_entry(number: int, title: str, html: str, *, updated_month="03") -> str:
    """A Blogger static page (kind#page) at /p/<slug>.html."""
    entry = post(number, title, html, month=updated_month)
    entry = entry.replace(f"{KINDS}post", f"{KINDS}page")
    return entry.replace(
        f"/2012/{updated_month}/post-{number}.html", f"/p/page-{number}.html"
    )


FIRST = export(
    [
        page_entry(500, "About", "<p>The real About page.</p>"),
        post(1, "First post", "<p>Imported by the chief.</p>"),
    ]
)
HOSTILE = export(
    [
        # The About page's Blogger id, new text, a newer date.
        page_entry(500, "About", "<p>Defaced.</p>", updated_month="09"),
        page_entry(501, "A new root page", "<p>At the site root.</p>"),
        post(2, "An Editor's post", "<p>Fine to publish.</p>"),
        comment(21, 2, "A comment from the export.", name="Reader"),
    ]
)


@pytest.fixture
def chief(db):
    return UserFactory(username="chief", is_superuser=True, is_staff=True)


@pytest.fixture
def about(blog, chief, tmp_path):
    path = tmp_path / "first.xml"
    path.write_text(FIRST, encoding="utf-8")
    call_command("import_blogger", str(path))
    about = StandardPage.objects.get(title="About")
    assert about.live and about.get_parent().pk == blog.get_parent().pk
    return about


def member(role: str):
    """A member of `role`, also granted the import screen (Editors hold it)."""
    user = UserFactory(username=role.lower())
    user.groups.add(Group.objects.get(name=role))
    user.user_permissions.add(Permission.objects.get(codename="add_bloggerimport"))
    return user


def upload_as(client, user, content: str, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/blogger-import/",
            {
                "export_file": SimpleUploadedFile("blog.xml", content.encode()),
                "question_opening": "Dear Korean,",
            },
        )
    assert response.status_code == 302
    job = BloggerImport.objects.latest("pk")
    assert job.status == "done", job.error
    return job.report


def reasons(report) -> str:
    return " | ".join(f"{r}: {n}" for r, n in report["skipped"].items())


def test_an_author_cannot_overwrite_the_about_page_or_add_root_pages(
    client, about, django_capture_on_commit_callbacks
):
    author = member(editorial.AUTHORS)
    root_pages = set(about.get_parent().get_children().values_list("pk", flat=True))
    # An admin pointed the old feed's redirect elsewhere; the export uses it too.
    Redirect.objects.filter(old_path="/feeds/posts/default").update(redirect_link="/x/")

    report = upload_as(client, author, HOSTILE, django_capture_on_commit_callbacks)

    about.refresh_from_db()
    assert "real About page" in str(about.body)
    assert "Defaced" not in client.get(about.url).content.decode()
    assert about.latest_revision.content["title"] == "About"
    assert "Defaced" not in str(about.latest_revision.content)
    children = set(about.get_parent().get_children().values_list("pk", flat=True))
    assert children == root_pages
    assert not Page.objects.filter(title="A new root page").exists()
    assert "may not" in reasons(report)
    assert report["counts"]["pages"]["skipped"] == 2
    # What an Author may do still happens: the post waits in review...
    draft = PostPage.objects.get(title="An Editor's post")
    assert not draft.live
    state = draft.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert state.requested_by == author
    # ...and the comments wait for a moderator.
    assert Comment.objects.get().status == Comment.Status.PENDING
    # Redirects already on the site stay as they are.
    assert Redirect.objects.get(old_path="/feeds/posts/default").link == "/x/"


def test_a_moderator_s_import_adds_no_posts(
    client, about, django_capture_on_commit_callbacks
):
    # Moderators may not add posts: the post, and so its comments, are refused.
    moderator = member(editorial.MODERATORS)

    report = upload_as(client, moderator, HOSTILE, django_capture_on_commit_callbacks)

    assert not PostPage.objects.filter(title="An Editor's post").exists()
    assert report["counts"]["posts"]["skipped"] == 1
    assert not Comment.objects.exists()


def test_an_editor_s_import_publishes_but_holds_the_comments(
    client, about, django_capture_on_commit_callbacks
):
    editor = member(editorial.EDITORS)

    upload_as(client, editor, HOSTILE, django_capture_on_commit_callbacks)

    assert PostPage.objects.get(title="An Editor's post").live
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_the_command_line_acts_as_the_owner_it_is_given(blog, about, tmp_path):
    author = member(editorial.AUTHORS)
    path = tmp_path / "hostile.xml"
    path.write_text(HOSTILE, encoding="utf-8")

    call_command("import_blogger", str(path), "--owner", author.username)

    about.refresh_from_db()
    assert "Defaced" not in str(about.latest_revision.content)
    assert not Page.objects.filter(title="A new root page").exists()
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_superuser_import_still_does_everything(blog, about, chief, tmp_path):
    path = tmp_path / "hostile.xml"
    path.write_text(HOSTILE, encoding="utf-8")

    call_command("import_blogger", str(path))

    about.refresh_from_db()
    assert "Defaced" in str(about.body)
    assert Page.objects.filter(title="A new root page", live=True).exists()
    assert Comment.objects.get().status == Comment.Status.APPROVED
