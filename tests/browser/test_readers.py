"""Readers who write: a comment held for moderation and approved in the admin,
a question through the ask page, and a closed post that offers no form."""

import re

import pytest
from django.urls import reverse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POST = "/blog/do-koreans-really-count-their-age-differently/"


def test_reader_comments_and_a_moderator_approves_it(
    live_server, demo_site, quick_forms, new_browser_page
):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(
        "moderator", "moderator@example.com", "moderate-me"
    )
    reader = new_browser_page()
    reader.goto(live_server.url + "/")
    reader.get_by_role("link", name="language", exact=True).first.click()
    reader.wait_for_url(re.compile(r"/blog/label/language/$"))
    reader.get_by_role(
        "link", name="Do Koreans Really Count Their Age Differently?", exact=True
    ).click()
    reader.wait_for_url(re.compile(POST + "$"))

    reader.get_by_role("textbox", name="Name").fill("Minji")
    reader.get_by_role("textbox", name="E-mail").fill("minji@example.org")
    reader.get_by_role("textbox", name="Comment").fill(
        "My grandmother still counts the old way."
    )
    reader.get_by_role("button", name="Post comment").click()
    reader.wait_for_load_state()
    # The confirmation stands where the form was, in view, with the reader's words;
    # the public thread does not show the comment yet.
    confirmation = reader.locator("#comment-confirmation")
    assert "awaiting moderation" in confirmation.inner_text()
    assert "My grandmother still counts the old way." in confirmation.inner_text()
    assert confirmation.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top > -2 && r.top < innerHeight && scrollY > 0; }"
    )
    assert reader.locator(".comment-list", has_text="My grandmother").count() == 0

    moderator = new_browser_page()
    moderator.goto(live_server.url + "/admin/login/")
    moderator.get_by_label("Username").fill("moderator")
    moderator.get_by_label("Password").fill("moderate-me")
    moderator.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    moderator.wait_for_url(re.compile(r"/admin/$"))
    moderator.goto(live_server.url + reverse("readers_comment_modeladmin_index"))
    moderator.get_by_label("Select the comment by Minji").check()
    moderator.get_by_role("button", name="Approve", exact=True).click()
    moderator.wait_for_load_state()

    reader.goto(live_server.url + POST)
    comments = reader.locator(".comments")
    assert "My grandmother still counts the old way." in comments.inner_text()
    assert "Minji" in comments.inner_text()
    assert "minji@example.org" not in reader.content()


def test_reader_asks_a_question(live_server, demo_site, quick_forms, browser_page):
    from readers.models import ReaderQuestion

    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("Ask")
    ).first.click()
    page.wait_for_url(re.compile(r"/ask/$"))
    page.get_by_label("Your name as the Korean may print it").fill("Narendra")
    page.get_by_role("textbox", name="Your question", exact=True).fill(
        "Why do Korean dramas always have a scene at a pojangmacha?"
    )
    page.get_by_role("button", name="Send my question").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Thank you"
    question = ReaderQuestion.objects.get()
    assert question.display_name == "Narendra"
    assert "pojangmacha" in question.question


def test_closed_post_shows_no_form_and_no_reply_link(
    live_server, demo_site, browser_page
):
    page = browser_page
    page.goto(live_server.url + demo_site["closed"].url)
    assert "I learned it in an afternoon." in page.locator("main").inner_text()
    assert page.locator("form#comment-form, form.comment-form").count() == 0
    assert page.get_by_role("link", name="Reply").count() == 0
    assert page.get_by_role("button", name="Post comment").count() == 0
