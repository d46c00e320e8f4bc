"""Readers ask through the real form on the "Ask the Korean" page."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage
from readers.models import AskPage, ReaderQuestion
from tests.factories import AskPageFactory, publish

QUESTION = "Why do Koreans eat seaweed soup on their birthdays?"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ask_page(home):
    return publish(AskPageFactory(parent=home))


@pytest.fixture
def no_minimum_wait(settings):
    settings.FORM_TOKENS = {"questions": {"min_seconds": 0}}


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} field in the page"
    return match.group(1)


def fill_in(client, page, **overrides):
    """Load the page like a browser and return the data the form would post."""
    html = client.get(page.url).content.decode()
    data = {
        "csrfmiddlewaretoken": hidden_value(html, "csrfmiddlewaretoken"),
        "token": hidden_value(html, "token"),
        "display_name": "Narendra",
        "email": "narendra@example.org",
        "notify": "on",
        "question": QUESTION,
        "consent_to_quote": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")


def test_ask_page_shows_the_form_and_is_never_cached(browser, ask_page):
    response = browser.get(ask_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("display_name", "email", "notify", "question", "consent_to_quote"):
        assert f'name="{name}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "no-cache" in response["Cache-Control"]
    assert "Write to the Korean." in html


@pytest.mark.usefixtures("no_minimum_wait")
def test_valid_question_is_stored_and_reader_sees_thank_you(browser, ask_page):
    response = browser.post(ask_page.url, fill_in(browser, ask_page))
    assert response.status_code == 302
    assert response["Location"] == f"{ask_page.url}thanks/"

    question = ReaderQuestion.objects.get()
    assert question.display_name == "Narendra"
    assert question.email == "narendra@example.org"
    assert question.notify is True
    assert question.consent_to_quote is True
    assert question.question == QUESTION
    assert question.status == ReaderQuestion.Status.NEW
    assert re.fullmatch(r"[0-9a-f]{64}", question.ip_hash)
    assert "203.0.113.7" not in question.ip_hash

    thanks = browser.get(response["Location"])
    assert thanks.status_code == 200
    assert "Your letter has arrived." in thanks.content.decode()


@pytest.mark.usefixtures("no_minimum_wait")
def test_notify_without_email_is_refused_and_what_was_typed_is_kept(browser, ask_page):
    response = browser.post(
        ask_page.url, fill_in(browser, ask_page, email="", notify="on")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give an e-mail address" in html
    assert QUESTION in html
    assert 'value="Narendra"' in html
    assert not ReaderQuestion.objects.exists()


@pytest.mark.usefixtures("no_minimum_wait")
def test_missing_question_and_name_show_errors(browser, ask_page):
    response = browser.post(
        ask_page.url, fill_in(browser, ask_page, question="", display_name="")
    )
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2
    assert not ReaderQuestion.objects.exists()


@pytest.mark.usefixtures("no_minimum_wait")
def test_overlong_question_is_refused(browser, ask_page):
    response = browser.post(
        ask_page.url, fill_in(browser, ask_page, question="가" * 5001)
    )
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    assert not ReaderQuestion.objects.exists()


@pytest.mark.usefixtures("no_minimum_wait")
def test_question_without_email_is_accepted(browser, ask_page):
    data = fill_in(browser, ask_page, email="", notify=None)
    response = browser.post(ask_page.url, data)
    assert response.status_code == 302
    question = ReaderQuestion.objects.get()
    assert question.email == "" and question.notify is False


@pytest.mark.usefixtures("no_minimum_wait")
def test_honeypot_filled_in_stores_nothing_but_looks_like_success(browser, ask_page):
    data = fill_in(browser, ask_page, website="http://cheap-pills.example")
    response = browser.post(ask_page.url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    assert not ReaderQuestion.objects.exists()


def test_form_sent_right_after_loading_is_refused_and_kept(browser, ask_page):
    # The default minimum (3 seconds) applies: no robot-speed submissions.
    response = browser.post(ask_page.url, fill_in(browser, ask_page))
    assert response.status_code == 200
    html = response.content.decode()
    assert "That was very quick" in html
    assert QUESTION in html
    assert not ReaderQuestion.objects.exists()


@pytest.mark.usefixtures("no_minimum_wait")
def test_tampered_timestamp_is_refused(browser, ask_page):
    data = fill_in(browser, ask_page)
    data["token"] = data["token"][:-2] + "xx"
    response = browser.post(ask_page.url, data)
    assert response.status_code == 200
    assert "This form has expired" in response.content.decode()
    assert not ReaderQuestion.objects.exists()


@pytest.mark.usefixtures("no_minimum_wait")
def test_flood_from_one_address_gets_429(browser, ask_page, settings):
    settings.RATE_LIMITS = {"questions": {"count": 2}}
    for _ in range(2):
        assert browser.post(ask_page.url, fill_in(browser, ask_page)).status_code == 302
    flooded = browser.post(ask_page.url, fill_in(browser, ask_page))
    assert flooded.status_code == 429
    assert "Retry-After" in flooded
    assert ReaderQuestion.objects.count() == 2

    other_reader = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.20")
    response = other_reader.post(ask_page.url, fill_in(other_reader, ask_page))
    assert response.status_code == 302
    assert ReaderQuestion.objects.count() == 3


@pytest.mark.usefixtures("no_minimum_wait")
def test_post_without_csrf_token_is_forbidden(browser, ask_page):
    data = fill_in(browser, ask_page)
    del data["csrfmiddlewaretoken"]
    assert browser.post(ask_page.url, data).status_code == 403
    assert not ReaderQuestion.objects.exists()


class AskPageTypeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = HomePage.objects.get()
        cls.ask = publish(AskPageFactory(parent=cls.home))

    def test_ask_page_lives_under_home_only_once(self):
        self.assertAllowedParentPageTypes(AskPage, {HomePage})
        self.assertAllowedSubpageTypes(AskPage, set())
        assert not AskPage.can_create_at(self.home)  # max_count = 1

    def test_ask_page_renders_and_previews_with_its_form(self):
        self.assertPageIsRenderable(self.ask)
        self.assertPageIsPreviewable(self.ask)
        self.assertPageIsRoutable(self.ask, "thanks/")
