"""One signed token per form sent: a comment or a question, once, within hours.

The comment form and the ask form carry the same kind of token
(`plumbing.tokens`); the rate limits of comments, questions and the admin login
are one helper (`plumbing.ratelimit`) set through one setting, RATE_LIMITS.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from readers.ask import QUESTION_TOKEN
from readers.models import Comment, ReaderQuestion
from tests.comments_support import form_data, post_url
from tests.factories import AskPageFactory, PostPageFactory, UserFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(blog):
    return PostPageFactory(parent=blog, title="Why Koreans eat seaweed soup")


@pytest.fixture
def ask_page(home):
    return publish(AskPageFactory(parent=home))


@pytest.fixture
def no_minimum_wait(settings):
    settings.FORM_TOKENS = {
        "comments": {"min_seconds": 0},
        "questions": {"min_seconds": 0},
    }


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} field in the page"
    return match.group(1)


def comment_from_page(client, post, **fields) -> dict:
    """The comment form as a reader fills it in on the post page."""
    html = client.get(post.url).content.decode()
    return form_data(post, token=hidden(html, "token"), **fields)


@pytest.mark.usefixtures("no_minimum_wait")
def test_a_comment_form_sends_one_comment_and_the_second_send_is_refused(post):
    reader = Client(REMOTE_ADDR="203.0.113.30")
    data = comment_from_page(reader, post)
    assert reader.post(post_url(post), data).status_code == 302

    again = reader.post(post_url(post), {**data, "body": "And one more thing."})
    page = again.content.decode()
    assert again.status_code == 400
    assert "This form has already sent a comment." in page
    # The reader's words come back, with a new token that works.
    assert "And one more thing." in page
    assert hidden(page, "token") != data["token"]
    assert Comment.objects.count() == 1

    retry = {**data, "body": "And one more thing.", "token": hidden(page, "token")}
    assert reader.post(post_url(post), retry).status_code == 302
    assert Comment.objects.count() == 2


def test_a_comment_form_is_good_for_hours_not_days(post, settings):
    five_hours = form_data(post, loaded_seconds_ago=5 * 3600)
    seven_hours = form_data(post, loaded_seconds_ago=7 * 3600, body="Later words")
    assert Client().post(post_url(post), five_hours).status_code == 302
    late = Client().post(post_url(post), seven_hours)
    assert late.status_code == 400
    assert "This form has expired." in late.content.decode()
    assert "Later words" in late.content.decode()

    settings.FORM_TOKENS = {"comments": {"max_age_hours": 1}}
    two_hours = form_data(post, loaded_seconds_ago=2 * 3600, body="Two hours on")
    assert Client().post(post_url(post), two_hours).status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.usefixtures("no_minimum_wait")
def test_a_refused_comment_leaves_its_form_usable(post, settings):
    settings.RATE_LIMITS = {"comments": {"count": 1}}
    reader = Client(REMOTE_ADDR="203.0.113.31")
    assert reader.post(post_url(post), comment_from_page(reader, post)).status_code
    data = comment_from_page(reader, post, body="A second thought.")
    assert reader.post(post_url(post), data).status_code == 429

    cache.clear()  # the minute has passed
    assert reader.post(post_url(post), data).status_code == 302
    assert Comment.objects.count() == 2


def ask_from_page(client, page) -> dict:
    html = client.get(page.url).content.decode()
    return {
        "token": hidden(html, "token"),
        "display_name": "Narendra",
        "email": "narendra@example.org",
        "question": "Why do Koreans eat seaweed soup on their birthdays?",
        "website": "",
    }


@pytest.mark.usefixtures("no_minimum_wait")
def test_an_ask_form_sends_one_question(ask_page):
    reader = Client(REMOTE_ADDR="203.0.113.32")
    data = ask_from_page(reader, ask_page)
    assert reader.post(ask_page.url, data).status_code == 302

    again = reader.post(ask_page.url, data)
    assert again.status_code == 200
    assert "This form has already sent your question." in again.content.decode()
    assert ReaderQuestion.objects.count() == 1


def test_an_ask_form_is_good_for_hours_not_days(ask_page):
    def loaded(hours_ago):
        data = ask_from_page(Client(), ask_page)
        moment = timezone.now() - datetime.timedelta(hours=hours_ago)
        return {**data, "token": QUESTION_TOKEN.issue(now=moment)}

    reader = Client(REMOTE_ADDR="203.0.113.33")
    assert reader.post(ask_page.url, loaded(11)).status_code == 302
    late = reader.post(ask_page.url, loaded(13))
    assert "This form has expired." in late.content.decode()
    assert ReaderQuestion.objects.count() == 1


@pytest.mark.usefixtures("no_minimum_wait")
def test_one_setting_sets_the_comment_question_and_login_limits(
    post, ask_page, settings
):
    settings.RATE_LIMITS = {
        "comments": {"count": 1},
        "questions": {"count": 1},
        "login": {"count": 1},
    }
    reader = Client(REMOTE_ADDR="203.0.113.34")
    codes = [
        reader.post(post_url(post), comment_from_page(reader, post, body=f"c{n}"))
        for n in range(2)
    ]
    assert [r.status_code for r in codes] == [302, 429]
    asks = [reader.post(ask_page.url, ask_from_page(reader, ask_page)) for _ in "ab"]
    assert [r.status_code for r in asks] == [302, 429]

    UserFactory(username="chief", is_superuser=True)
    logins = [
        reader.post("/admin/login/", {"username": "chief", "password": "wrong"})
        for _ in "ab"
    ]
    assert [r.status_code for r in logins] == [200, 429]
