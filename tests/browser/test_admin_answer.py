"""'Answer in a post' in a real browser, as a member of the Editors group: the
draft opens titled with a short headline, its slug follows a new title while it
is a draft, and the saved draft's excerpt is the answer's first paragraph.
Screenshots go to build/screenshots/ (copied to docs/screenshots/)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LETTER = (
    "Dear Korean,\n\nWhy do Koreans eat seaweed soup on their birthdays? My "
    "friend from Busan made some for me and I did not know what to say.\n\n"
    "Thanks, Minerva"
)


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in_as_editor(page, base_url):
    from django.contrib.auth.models import Group

    from posts import editorial
    from tests.factories import UserFactory

    user = UserFactory(username="jae", first_name="Jae", last_name="Kim")
    user.groups.add(Group.objects.get(name=editorial.EDITORS))
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Username").fill("jae")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_editor_answers_a_question_in_a_post(live_server, demo_site, new_browser_page):
    from posts.models import QuestionPostPage
    from readers.models import ReaderQuestion

    ReaderQuestion.objects.create(
        display_name="Minerva", question=LETTER, consent_to_quote=True
    )
    page = new_browser_page(1280, 900)
    sign_in_as_editor(page, live_server.url)
    page.goto(live_server.url + "/admin/readers/readerquestion/")
    shoot(page, "admin-questions")
    with page.expect_navigation():
        page.get_by_role("button", name="Answer in a post").first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))

    title = page.locator("#id_title")
    assert title.input_value() == "Why do Koreans eat seaweed soup on their birthdays?"
    shoot(page, "admin-answer-draft")

    # The slug follows the title while the post is a draft (Wagtail's w-sync).
    title.fill("Miyeokguk: the birthday soup")
    title.blur()
    expect(page.locator("#id_slug")).to_have_value("miyeokguk-the-birthday-soup")

    answer = page.locator("[data-contentpath=body]").get_by_role(
        "button", name=re.compile("Insert a block|Add")
    )
    answer.first.click()
    page.get_by_role("option", name=re.compile("Paragraph")).first.click()
    editor = page.locator("[data-contentpath=body] [contenteditable=true]").first
    editor.click()
    page.keyboard.type(
        "Mothers eat miyeokguk after giving birth, so it is a thank-you."
    )
    # Draftail writes its hidden input a moment after the last key.
    expect(page.locator("input[name='body-0-value']")).to_have_value(
        re.compile("Mothers eat miyeokguk")
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    assert "has been updated" in page.locator("body").inner_text()

    draft = QuestionPostPage.objects.get(
        reader_questions__question=LETTER
    ).get_latest_revision_as_object()
    assert draft.slug == "miyeokguk-the-birthday-soup"
    assert draft.excerpt.startswith("Mothers eat miyeokguk after giving birth")
    excerpt = page.locator("#id_excerpt")
    assert excerpt.input_value().startswith("Mothers eat miyeokguk")
    excerpt.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "admin-answer-saved.png"))
