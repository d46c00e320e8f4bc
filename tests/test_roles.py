"""Roles as editors expect (issue #18, point 3), each as the role that does it:
Editors edit and publish the site's own pages and manage redirects; a
Translator is not offered "Cancel workflow" on someone else's post; a post an
Editor publishes with an unchecked translation is said so and flagged until a
translator checks it."""

import pytest
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from posts import editorial
from posts.models import PostPage
from tests.factories import AskPageFactory, StandardPageFactory, publish
from tests.test_editorial import (
    current_task_name,
    edit_url,
    post_form,
    submit_new_post,
    user_in,
    with_workflow_action,
)

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


@pytest.fixture
def editor(client):
    user = user_in(editorial.EDITORS)
    client.force_login(user)
    return user


def test_editor_edits_and_publishes_the_about_page(client, editor, home):
    about = publish(StandardPageFactory(parent=home, title="About", slug="about"))
    data = nested_form_data(
        {
            "title": "About the Korean",
            "slug": "about",
            "body": streamfield([("paragraph", rich_text("<p>Hello.</p>"))]),
            "go_live_at": "",
            "expire_at": "",
        }
    )
    response = client.post(edit_url(about), {**data, "action-publish": "on"})
    assert response.status_code == 302
    about.refresh_from_db()
    assert about.title == "About the Korean" and about.live
    assert "About the Korean" in text(client.get("/about/"))


def test_editor_edits_and_publishes_the_ask_page(client, editor, home):
    ask = publish(AskPageFactory(parent=home))
    data = nested_form_data(
        {
            "title": "Ask the Korean anything",
            "slug": "ask",
            "introduction": rich_text("<p>Write to me.</p>"),
            "guidelines": rich_text(""),
            "thank_you_text": rich_text("<p>Thanks.</p>"),
            "go_live_at": "",
            "expire_at": "",
        }
    )
    response = client.post(edit_url(ask), {**data, "action-publish": "on"})
    assert response.status_code == 302
    ask.refresh_from_db()
    assert ask.title == "Ask the Korean anything" and ask.live


def test_editor_manages_redirects(client, editor, home):
    assert client.get(reverse("wagtailredirects:index")).status_code == 200
    response = client.post(
        reverse("wagtailredirects:add"),
        {
            "old_path": "/2009/05/old-post.html",
            "site": "",
            "is_permanent": "on",
            "redirect_page": "",
            "redirect_link": "https://example.com/blog/",
        },
    )
    assert response.status_code == 302, text(response)[-3000:]
    redirect = Redirect.objects.get()
    assert client.get("/2009/05/old-post.html").status_code == 301
    response = client.post(reverse("wagtailredirects:delete", args=[redirect.pk]))
    assert not Redirect.objects.exists()


@pytest.mark.parametrize("role", [editorial.AUTHORS, editorial.TRANSLATORS])
def test_authors_and_translators_do_not_manage_redirects(client, role):
    client.force_login(user_in(role))
    response = client.get(reverse("wagtailredirects:index"))
    assert response.status_code in (302, 403)


@pytest.fixture
def post_in_translation_check(client, blog):
    author = user_in(editorial.AUTHORS)
    client.force_login(author)
    post = submit_new_post(client, blog, "A column", "a-column", translation=True)
    assert current_task_name(post) == "Translation check"
    return post, author


def test_translator_is_not_offered_cancel_workflow_on_someone_elses_post(
    client, post_in_translation_check
):
    post, author = post_in_translation_check
    assert "Cancel workflow" in text(client.get(edit_url(post)))  # the author

    client.force_login(user_in(editorial.TRANSLATORS))
    html = text(client.get(edit_url(post)))
    assert "Approve the translation" in html
    assert "Cancel workflow" not in html

    data = {**post_form("A column", "a-column", translation=True)}
    response = client.post(edit_url(post), {**data, "action-cancel-workflow": "on"})
    assert response.status_code in (302, 403)
    assert current_task_name(post) == "Translation check"
    assert WorkflowState.objects.for_instance(post).active().exists()


def test_editor_publishing_an_unchecked_translation_is_told_and_post_is_flagged(
    client, editor, blog
):
    post = PostPage(title="Column", slug="column")
    blog.add_child(instance=post)
    data = post_form("Column", "column", translation=True)
    response = client.post(
        edit_url(post), {**data, "action-publish": "on"}, follow=True
    )
    assert "no translator has checked" in text(response)
    post.refresh_from_db()
    assert post.live and post.translation_unchecked

    listing = text(client.get(reverse("wagtailadmin_explore", args=[blog.pk])))
    assert "Column (translation not checked)" in listing

    # Submitted for review, a translator approves: the flag goes.
    client.post(edit_url(post), {**data, "action-submit": "on"})
    assert current_task_name(post) == "Translation check"
    client.force_login(user_in(editorial.TRANSLATORS))
    client.post(edit_url(post), with_workflow_action(data, "approve"))
    post.refresh_from_db()
    assert not post.translation_unchecked
    client.force_login(editor)
    client.get("/admin/")  # the messages about the review are read there
    listing = text(client.get(reverse("wagtailadmin_explore", args=[blog.pk])))
    assert "Column (translation not checked)" not in listing


def test_publishing_after_the_translation_check_raises_no_flag(client, blog):
    author = user_in(editorial.AUTHORS)
    client.force_login(author)
    post = submit_new_post(client, blog, "Checked", "checked", translation=True)
    data = post_form("Checked", "checked", translation=True)
    client.force_login(user_in(editorial.TRANSLATORS))
    client.post(edit_url(post), with_workflow_action(data, "approve"))
    client.force_login(user_in(editorial.EDITORS))
    response = client.post(
        edit_url(post), with_workflow_action(data, "approve"), follow=True
    )
    post.refresh_from_db()
    assert post.live and not post.translation_unchecked
    assert "no translator has checked" not in text(response)


def test_post_without_translation_is_never_flagged(client, editor, blog):
    post = PostPage(title="Plain", slug="plain")
    blog.add_child(instance=post)
    client.post(edit_url(post), {**post_form("Plain", "plain"), "action-publish": "on"})
    post.refresh_from_db()
    assert post.live and not post.translation_unchecked
