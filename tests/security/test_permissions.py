"""Who may do what in the admin, CSRF on every public POST, the login brake.

The matrix: each role (anonymous, the four editorial groups, a superuser) tries
each admin screen and action through the real admin views; what the workflow
issue allows must work, everything else must be refused and change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, TaskState, WorkflowState

from posts import editorial
from posts.models import PostPage, Publication
from readers.models import Comment, ReaderQuestion
from tests.factories import (
    AskPageFactory,
    CommentFactory,
    PostPageFactory,
    ReaderQuestionFactory,
    StandardPageFactory,
    UserFactory,
    publish,
)
from tests.security.support import ask_data, comment_data

pytestmark = pytest.mark.django_db

ANON, AUTHOR, TRANSLATOR, EDITOR, MODERATOR, SUPER = (
    "anonymous",
    editorial.AUTHORS,
    editorial.TRANSLATORS,
    editorial.EDITORS,
    editorial.MODERATORS,
    "superuser",
)
ROLES = [ANON, AUTHOR, TRANSLATOR, EDITOR, MODERATOR, SUPER]
EVERY_STAFF = {AUTHOR, TRANSLATOR, EDITOR, MODERATOR, SUPER}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    blog: Page
    post: PostPage
    draft: PostPage
    comment: Comment
    question: ReaderQuestion
    client: Client
    user: object


def login(role: str) -> tuple[Client, object]:
    client = Client()
    if role == ANON:
        return client, None
    if role == SUPER:
        user = UserFactory(is_superuser=True, is_staff=True)
    else:
        user = UserFactory()
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client, user


@pytest.fixture
def world(blog):
    def make(role: str) -> World:
        post = publish(PostPageFactory(parent=blog, title="Published post"))
        draft = PostPageFactory(parent=blog, title="Draft post", live=False)
        draft.save_revision()
        comment = CommentFactory(page=post, status=Comment.Status.PENDING)
        question = ReaderQuestionFactory()
        client, user = login(role)
        return World(blog, post, draft, comment, question, client, user)

    return make


def reached(response) -> bool:
    """A screen was shown (not a login redirect, a 403 or a bounce home)."""
    assert response.status_code < 500, response.content[:500]
    return response.status_code == 200


def reached_following(client, url: str) -> bool:
    """Like `reached`, for a screen that first redirects to itself (per site)."""
    response = client.get(url, follow=True)
    assert response.status_code < 500
    return response.status_code == 200 and response.request["PATH_INFO"].startswith(url)


def edit_form(page, title: str, **extra) -> dict:
    from tests.test_editorial import post_form

    return {**post_form(title, page.slug), **extra}


# -- each row: what is tried, and how we know it worked ---------------------


def dashboard(w: World) -> bool:
    return reached(w.client.get("/admin/"))


def add_post_screen(w: World) -> bool:
    url = reverse("wagtailadmin_pages:add", args=("posts", "postpage", w.blog.pk))
    return reached(w.client.get(url))


def edit_someone_elses_post(w: World) -> bool:
    return reached(w.client.get(reverse("wagtailadmin_pages:edit", args=[w.post.pk])))


def publish_a_draft(w: World) -> bool:
    url = reverse("wagtailadmin_pages:edit", args=[w.draft.pk])
    response = w.client.post(
        url, edit_form(w.draft, "Retitled", **{"action-publish": "on"})
    )
    assert response.status_code < 500
    w.draft.refresh_from_db()
    return w.draft.live


def unpublish_a_post(w: World) -> bool:
    url = reverse("wagtailadmin_pages:unpublish", args=[w.post.pk])
    response = w.client.post(url, {})
    assert response.status_code < 500
    w.post.refresh_from_db()
    return not w.post.live


def delete_a_post(w: World) -> bool:
    url = reverse("wagtailadmin_pages:delete", args=[w.post.pk])
    response = w.client.post(url, {})
    assert response.status_code < 500
    return not Page.objects.filter(pk=w.post.pk).exists()


def approve_editor_step(w: World) -> bool:
    """Approve the "Editor approval" step of a post an author submitted."""
    author = UserFactory()
    author.groups.add(Group.objects.get(name=AUTHOR))
    workflow = w.draft.get_workflow()
    workflow.start(w.draft, author)
    state = WorkflowState.objects.for_instance(w.draft).active().get()
    task_state = state.current_task_state
    assert task_state.task.name == editorial.EDITOR_TASK_NAME
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[w.draft.pk, "approve", task_state.pk],
    )
    response = w.client.post(url, {"comment": "Fine."})
    assert response.status_code < 500
    return TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_APPROVED


def comments_screen(w: World) -> bool:
    return reached(w.client.get("/admin/readers/comment/"))


def bulk_approve_comments(w: World) -> bool:
    response = w.client.post(
        "/admin/readers/comment/bulk/", {"action": "approve", "comment": [w.comment.pk]}
    )
    assert response.status_code < 500
    w.comment.refresh_from_db()
    return w.comment.status == Comment.Status.APPROVED


def edit_a_comment(w: World) -> bool:
    return reached(w.client.get(f"/admin/readers/comment/edit/{w.comment.pk}/"))


def questions_screen(w: World) -> bool:
    return reached(w.client.get("/admin/readers/readerquestion/"))


def bulk_shortlist_questions(w: World) -> bool:
    response = w.client.post(
        "/admin/readers/readerquestion/bulk/",
        {"action": "shortlist", "selected": [w.question.pk]},
    )
    assert response.status_code < 500
    w.question.refresh_from_db()
    return w.question.status == ReaderQuestion.Status.SHORTLISTED


def answer_a_question_in_a_post(w: World) -> bool:
    response = w.client.post(
        "/admin/readers/readerquestion/answer/", {"question": [w.question.pk]}
    )
    assert response.status_code < 500
    w.question.refresh_from_db()
    return w.question.answer_page_id is not None


def site_settings(w: World) -> bool:
    return reached_following(w.client, "/admin/settings/home/sitesettings/")


def comment_settings(w: World) -> bool:
    return reached_following(w.client, "/admin/settings/readers/commentsettings/")


def publications_list(w: World) -> bool:
    return reached(w.client.get("/admin/snippets/posts/publication/"))


def add_a_publication(w: World) -> bool:
    response = w.client.post(
        "/admin/snippets/posts/publication/add/",
        {"name": "Hankyoreh", "native_name": "한겨레", "language": "ko", "url": ""},
    )
    assert response.status_code < 500
    return Publication.objects.filter(name="Hankyoreh").exists()


def users_screen(w: World) -> bool:
    return reached(w.client.get("/admin/users/"))


def blogger_import_screen(w: World) -> bool:
    return reached(w.client.get(reverse("blogger_import:index")))


def upload_an_export(w: World) -> bool:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from posts.models import BloggerImport

    before = BloggerImport.objects.count()
    upload = SimpleUploadedFile(
        "seed-classic.xml",
        (Path(__file__).parents[1] / "fixtures" / "seed-classic.xml").read_bytes(),
        content_type="application/xml",
    )
    response = w.client.post(
        reverse("blogger_import:index"),
        {"export_file": upload, "dry_run": "on", "question_opening": "Dear Korean,"},
    )
    assert response.status_code < 500
    return BloggerImport.objects.count() > before


def _import(w: World, entries: list[str]) -> bool:
    """Upload an export (for real, not a dry run); True when it ran."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from posts.models import BloggerImport
    from tests.security.exports import export

    upload = SimpleUploadedFile("blog.xml", export(entries).encode())
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = w.client.post(
            reverse("blogger_import:index"),
            {"export_file": upload, "question_opening": "Dear Korean,"},
        )
    assert response.status_code < 500
    job = BloggerImport.objects.order_by("pk").last()
    return job is not None and job.status == BloggerImport.Status.DONE


def import_publishes_a_post(w: World) -> bool:
    from tests.security.exports import post

    ran = _import(w, [post(901, "Imported post", "<p>From Blogger.</p>")])
    return ran and PostPage.objects.filter(title="Imported post", live=True).exists()


def import_adds_a_page_beside_the_blog(w: World) -> bool:
    from tests.security.exports import KINDS, post

    page = post(902, "Imported page", "<p>Static.</p>")
    ran = _import(w, [page.replace(f"{KINDS}post", f"{KINDS}page")])
    return (
        ran
        and w.blog.get_parent().get_children().filter(title="Imported page").exists()
    )


def import_approves_comments(w: World) -> bool:
    from tests.security.exports import comment, post

    entries = [post(903, "Commented", "<p>Hi.</p>"), comment(904, 903, "Hello.")]
    ran = _import(w, entries)
    return (
        ran
        and Comment.objects.filter(
            body="Hello.", status=Comment.Status.APPROVED
        ).exists()
    )


def publish_a_site_page(w: World) -> bool:
    """Edit and publish "About", a page beside the blog (not a post)."""
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    about = publish(StandardPageFactory(parent=w.blog.get_parent(), slug="about"))
    data = nested_form_data(
        {
            "title": "About the Korean",
            "slug": "about",
            "body": streamfield([("paragraph", rich_text("<p>Hello.</p>"))]),
            "go_live_at": "",
            "expire_at": "",
        }
    )
    url = reverse("wagtailadmin_pages:edit", args=[about.pk])
    response = w.client.post(url, {**data, "action-publish": "on"})
    assert response.status_code < 500
    about.refresh_from_db()
    return about.live and about.title == "About the Korean"


def add_a_redirect(w: World) -> bool:
    from wagtail.contrib.redirects.models import Redirect

    response = w.client.post(
        reverse("wagtailredirects:add"),
        {
            "old_path": "/2009/05/old.html",
            "site": "",
            "is_permanent": "on",
            "redirect_page": "",
            "redirect_link": "https://example.com/",
        },
    )
    assert response.status_code < 500
    return Redirect.objects.filter(old_path="/2009/05/old.html").exists()


def reply_as_the_blog_author(w: World) -> bool:
    """The comment queue's reply, published as the blog's author."""
    url = reverse("readers_comment_modeladmin_reply", args=[w.comment.pk])
    response = w.client.post(url, {"body": "Thank you for asking."})
    assert response.status_code < 500
    return Comment.objects.filter(parent=w.comment, by_blog_author=True).exists()


MATRIX: list[tuple[Callable[[World], bool], set[str]]] = [
    (dashboard, EVERY_STAFF),
    (add_post_screen, {AUTHOR, TRANSLATOR, EDITOR, SUPER}),
    (edit_someone_elses_post, {EDITOR, SUPER}),
    (publish_a_draft, {EDITOR, SUPER}),
    (unpublish_a_post, {EDITOR, SUPER}),
    # Wagtail lets whoever edits and publishes a page also delete it.
    (delete_a_post, {EDITOR, SUPER}),
    (approve_editor_step, {EDITOR, SUPER}),
    (comments_screen, {MODERATOR, SUPER}),
    (bulk_approve_comments, {MODERATOR, SUPER}),
    (edit_a_comment, {MODERATOR, SUPER}),
    (questions_screen, {MODERATOR, EDITOR, SUPER}),
    (bulk_shortlist_questions, {MODERATOR, EDITOR, SUPER}),
    # Needs both the questions and adding posts: Editors hold both.
    (answer_a_question_in_a_post, {EDITOR, SUPER}),
    (site_settings, {EDITOR, SUPER}),
    (comment_settings, {EDITOR, SUPER}),
    (publications_list, {EDITOR, SUPER}),
    (add_a_publication, {EDITOR, SUPER}),
    (users_screen, {SUPER}),
    # The site's own pages (About, Ask) and old addresses are Editors' too.
    (publish_a_site_page, {EDITOR, SUPER}),
    (add_a_redirect, {EDITOR, SUPER}),
    (reply_as_the_blog_author, {MODERATOR, SUPER}),
    # posts.add_bloggerimport: Editors bring exports in from the admin.
    (blogger_import_screen, {EDITOR, SUPER}),
    (upload_an_export, {EDITOR, SUPER}),
    # The import acts with the rights of who uploads it (issue #13, point 1).
    (import_publishes_a_post, {EDITOR, SUPER}),
    # Editors may add pages beside the blog (the site's own pages), so may the
    # import they run.
    (import_adds_a_page_beside_the_blog, {EDITOR, SUPER}),
    (import_approves_comments, {SUPER}),
]


DOCS = Path(__file__).resolve().parents[2] / "docs" / "editorial.md"
DOC_COLUMNS = {
    "Authors": AUTHOR,
    "Translators": TRANSLATOR,
    "Editors": EDITOR,
    "Moderators": MODERATOR,
    "Superusers": SUPER,
}


def documented_rights() -> dict[str, set[str]]:
    """docs/editorial.md's rights table: check name -> roles with a tick."""
    rights: dict[str, set[str]] = {}
    header: list[str] = []
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| Right "):
            header = cells
            continue
        if not header:
            continue
        if not line.startswith("|"):
            break
        if set(cells[0]) <= set("-: "):
            continue
        name = re.search(r"`(\w+)`", cells[0])
        assert name, f"no check named in {cells[0]!r}"
        rights[name.group(1)] = {
            DOC_COLUMNS[header[i]] for i, cell in enumerate(cells) if i and cell == "✓"
        }
    return rights


def test_the_docs_table_is_the_permission_matrix():
    """docs/editorial.md gives each role's rights; the matrix below tests them."""
    tested = {action.__name__: allowed - {ANON} for action, allowed in MATRIX}
    assert documented_rights() == tested


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "allowed"), MATRIX, ids=[row[0].__name__ for row in MATRIX]
)
def test_permission_matrix(world, role, action, allowed):
    w = world(role)
    assert action(w) is (role in allowed), f"{role} / {action.__name__}"


def test_an_author_edits_and_submits_an_own_draft_but_cannot_publish_it(blog):
    client, author = login(AUTHOR)
    draft = PostPageFactory(parent=blog, title="Mine", live=False, owner=author)
    draft.save_revision(user=author)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert client.get(url).status_code == 200
    client.post(url, edit_form(draft, "Mine, finished", **{"action-publish": "on"}))
    draft.refresh_from_db()
    assert not draft.live
    client.post(url, edit_form(draft, "Mine, finished", **{"action-submit": "on"}))
    assert WorkflowState.objects.for_instance(draft).active().exists()


def test_anonymous_admin_requests_go_to_the_login_page(client, blog):
    for url in ("/admin/", "/admin/readers/comment/", "/admin/pages/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


# -- CSRF on every public POST ---------------------------------------------


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_a_comment_without_a_csrf_token_is_refused(strict_client, blog):
    post = publish(PostPageFactory(parent=blog))
    response = strict_client.post(f"/comments/{post.pk}/post/", comment_data(post))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_comment_with_a_forged_csrf_token_is_refused(strict_client, blog):
    post = publish(PostPageFactory(parent=blog))
    strict_client.get(post.url)
    data = comment_data(post, csrfmiddlewaretoken="A" * 64)
    response = strict_client.post(f"/comments/{post.pk}/post/", data)
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_question_without_a_csrf_token_is_refused(strict_client, home):
    ask = publish(AskPageFactory(parent=home))
    response = strict_client.post(ask.url, ask_data())
    assert response.status_code == 403
    assert not ReaderQuestion.objects.exists()


def test_an_admin_login_without_a_csrf_token_is_refused(strict_client):
    UserFactory(username="chief", is_superuser=True)
    response = strict_client.post(
        "/admin/login/", {"username": "chief", "password": "password"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/admin/password_reset/", {"email": "chief@example.com"}),
        ("/admin/login/", {"username": "x", "password": "y"}),
    ],
)
def test_other_public_posts_without_a_csrf_token_are_refused(
    strict_client, url, fields
):
    assert strict_client.post(url, fields).status_code == 403


def test_a_page_password_without_a_csrf_token_is_refused(strict_client, blog):
    from wagtail.models import PageViewRestriction

    post = publish(PostPageFactory(parent=blog))
    restriction = PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.PASSWORD, password="sesame"
    )
    url = f"/_util/authenticate_with_password/{restriction.pk}/{post.pk}/"
    response = strict_client.post(url, {"password": "sesame", "return_url": post.url})
    assert response.status_code == 403
    assert strict_client.get(post.url).status_code == 200  # the password form
    assert "sesame" not in strict_client.get(post.url).content.decode()


def test_an_admin_action_without_a_csrf_token_is_refused(blog):
    post = publish(PostPageFactory(parent=blog))
    comment = CommentFactory(page=post, status=Comment.Status.PENDING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(
        "/admin/readers/comment/bulk/", {"action": "approve", "comment": [comment.pk]}
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_with_its_token_the_same_comment_goes_through(strict_client, blog):
    post = publish(PostPageFactory(parent=blog))
    strict_client.get(post.url)
    token = strict_client.cookies["csrftoken"].value
    data = comment_data(post, csrfmiddlewaretoken=token)
    response = strict_client.post(f"/comments/{post.pk}/post/", data)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


# -- the admin login brake -------------------------------------------------


def try_login(client, username, password="wrong"):  # noqa: S107
    return client.post("/admin/login/", {"username": username, "password": password})


def test_admin_login_is_refused_with_429_after_five_failures(settings):
    UserFactory(username="chief", is_superuser=True)
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(5):
        assert try_login(client, "chief").status_code == 200
    refused = try_login(client, "chief", "password")  # even the right password
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "Too many login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_brake_is_per_address_and_username(settings):
    UserFactory(username="chief", is_superuser=True)
    guesser = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(6):
        try_login(guesser, "chief")
    colleague = Client(REMOTE_ADDR="198.51.100.10")
    response = try_login(colleague, "chief", "password")
    assert response.status_code == 302
    assert try_login(guesser, "someone-else").status_code == 200


def test_one_address_spraying_many_usernames_is_stopped(settings):
    settings.RATE_LIMITS = {"login-address": {"count": 8}}
    client = Client(REMOTE_ADDR="198.51.100.11")
    codes = [try_login(client, f"user{n}").status_code for n in range(10)]
    assert codes[:8] == [200] * 8
    assert codes[8:] == [429, 429]


def test_a_successful_login_clears_the_count(settings):
    UserFactory(username="chief", is_superuser=True)
    client = Client(REMOTE_ADDR="198.51.100.12")
    for _ in range(4):
        try_login(client, "chief")
    assert try_login(client, "chief", "password").status_code == 302
    client.logout()
    for _ in range(4):
        assert try_login(client, "chief").status_code == 200


def test_the_throttle_stores_no_address_or_username_in_clear(settings):
    from django.core.cache.backends.locmem import _caches

    client = Client(REMOTE_ADDR="198.51.100.13")
    try_login(client, "chief-secret-name")
    keys = " ".join(str(k) for store in _caches.values() for k in store)
    assert "198.51.100.13" not in keys
    assert "chief-secret-name" not in keys


def test_a_user_granted_the_import_permission_may_upload(blog):
    from django.contrib.auth.models import Permission

    client, user = login(EDITOR)
    user.user_permissions.add(Permission.objects.get(codename="add_bloggerimport"))
    w = World(blog, None, None, None, None, client, user)
    assert blogger_import_screen(w) is True
    assert upload_an_export(w) is True
