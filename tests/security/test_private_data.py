"""Commenters' and askers' e-mails and IP hashes stay private everywhere a
stranger can look: pages, feeds, the sitemap, search (results and the index
itself) and error pages. The site publishes no API (checked below too)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from readers import questions
from readers.models import Comment, ReaderQuestion
from tests.factories import AskPageFactory, PostPageFactory, publish
from tests.security.support import ask_data, comment_data

pytestmark = pytest.mark.django_db

COMMENTER = "private.commenter@example.org"
ASKER = "private.asker@example.net"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.FORM_TOKENS = {"comments": {"min_seconds": 0}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published_site(blog, home):
    """A post with an approved comment and a reply, and a published answer."""
    post = PostPageFactory(parent=blog, title="Seaweed soup on birthdays")
    post.tags.add("food")
    publish(post)
    client = Client(REMOTE_ADDR="203.0.113.50")
    client.post(
        f"/comments/{post.pk}/post/",
        comment_data(post, email=COMMENTER, website="https://reader.example.org/"),
    )
    client.post(
        f"/comments/{post.pk}/post/",
        comment_data(post, email=COMMENTER, body="And a second thought."),
    )
    for comment in Comment.objects.all():
        comment.approve()
    ask = publish(AskPageFactory(parent=home))
    Client(REMOTE_ADDR="203.0.113.51").post(
        ask.url, ask_data(email=ASKER, question="Why seaweed soup on birthdays?")
    )
    question = ReaderQuestion.objects.get()
    answer = questions.answer_in_post([question], blog, None)
    publish(answer)
    call_command("update_index", verbosity=0)
    secrets = [COMMENTER, ASKER, "private.commenter", "private.asker"]
    secrets += [c.ip_hash for c in Comment.objects.all()]
    secrets += [question.ip_hash, "203.0.113.50", "203.0.113.51"]
    assert all(secrets)
    return post, answer.specific, ask, secrets


def public_urls(post, answer, ask) -> list[str]:
    year = post.date.year
    return [
        "/",
        "/blog/",
        post.url,
        answer.url,
        ask.url,
        ask.url + "thanks/",
        "/blog/label/food/",
        f"/blog/{year}/",
        f"/blog/{year}/{post.date.month:02d}/",
        "/blog/feed/",
        "/blog/feed/atom/",
        "/blog/label/food/feed/",
        "/comments/feed/",
        f"/comments/{post.pk}/feed/",
        f"/comments/{answer.pk}/feed/",
        "/sitemap.xml",
        "/robots.txt",
        "/search/?q=seaweed",
        "/search/?q=private",
        "/search/?q=example",
        "/search/?q=commenter",
        "/no-such-page/",
    ]


def test_no_public_page_or_feed_shows_an_email_or_ip_hash(published_site):
    post, answer, ask, secrets = published_site
    client = Client()
    for url in public_urls(post, answer, ask):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = response.content.decode()
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{url} shows {leaked}"
        for name, value in response.items():
            assert not [s for s in secrets if s in value], (url, name)


def test_the_search_index_holds_no_email(published_site):
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    *_, secrets = published_site
    for row in IndexEntry.objects.values_list("title", "autocomplete", "body"):
        text = " ".join(str(value) for value in row)
        assert not [s for s in secrets if s in text]
    for word in ("private.commenter", "commenter", "asker", "example.net"):
        assert not Page.objects.live().search(word), word


def test_the_site_has_no_api_that_could_list_readers(published_site):
    client = Client()
    for url in ("/api/", "/api/v2/pages/", "/api/v2/comments/", "/admin/api/"):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        assert COMMENTER not in response.content.decode()


def test_error_pages_show_no_private_data(published_site, monkeypatch):
    post, answer, ask, secrets = published_site
    import posts.search

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom {COMMENTER}")

    monkeypatch.setattr(posts.search, "_results_page", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/search/?q=seaweed")
    assert response.status_code == 500
    assert not [s for s in secrets if s in response.content.decode()]
    assert "Traceback" not in response.content.decode()


def test_a_refused_comment_does_not_echo_the_email_into_another_readers_page(
    published_site,
):
    post, *_ = published_site
    client = Client()
    html = client.get(post.url).content.decode()
    assert f'value="{COMMENTER}"' not in html
