"""While the database cannot be reached the site answers 503 with Retry-After
(a plain page, never a traceback), and serves again as soon as it is back."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from tests.factories import PostPageFactory, UserFactory, publish

pytestmark = pytest.mark.django_db


def database_down(monkeypatch, error=OperationalError):
    def refuse(*args, **kwargs):
        raise error("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_reader_gets_503_with_retry_after_while_the_database_is_down(
    blog, monkeypatch, error
):
    post = publish(PostPageFactory(parent=blog))
    client = Client(raise_request_exception=False)
    database_down(monkeypatch, error)

    for url in (post.url, "/blog/", "/search/?q=soup", "/comments/feed/"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        html = response.content.decode()
        assert "Back in a moment" in html
        assert "Traceback" not in html and "127.0.0.1" not in html

    monkeypatch.undo()
    assert client.get(post.url).status_code == 200


def test_an_editor_in_the_admin_gets_503_too(blog, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_superuser=True))
    database_down(monkeypatch)
    response = client.get("/admin/")
    assert response.status_code == 503
    monkeypatch.undo()
    assert client.get("/admin/").status_code == 200


def test_a_comment_posted_while_the_database_is_down_is_503_not_500(blog, monkeypatch):
    from tests.security.support import comment_data

    post = publish(PostPageFactory(parent=blog))
    client = Client(raise_request_exception=False)
    data = comment_data(post)
    database_down(monkeypatch)
    response = client.post(f"/comments/{post.pk}/post/", data)
    assert response.status_code == 503


def test_other_errors_still_get_the_500_page(blog, monkeypatch):
    import posts.search

    def broken(*args, **kwargs):
        raise ValueError("not a database problem")

    monkeypatch.setattr(posts.search, "_results_page", broken)
    response = Client(raise_request_exception=False).get("/search/?q=soup")
    assert response.status_code == 500


@pytest.mark.parametrize("field", ["body", "question"])
def test_a_text_sent_while_the_database_is_down_is_given_back_not_called_safe(
    blog, monkeypatch, field
):
    from tests.security.support import comment_data

    post = publish(PostPageFactory(parent=blog))
    client = Client(raise_request_exception=False)
    words = "My long comment <b>with markup</b> & feelings, written for an hour."
    data = {**comment_data(post), field: words}
    database_down(monkeypatch)

    response = client.post(f"/comments/{post.pk}/post/", data)

    assert response.status_code == 503
    html = response.content.decode()
    assert "not saved" in html
    assert "nothing you sent has been lost" not in html
    assert "My long comment &lt;b&gt;with markup&lt;/b&gt; &amp; feelings" in html
    assert "<b>with markup</b>" not in html
    assert data["email"] not in html  # only the text, nothing private


def test_a_reader_who_only_reads_is_not_told_anything_was_lost(blog, monkeypatch):
    post = publish(PostPageFactory(parent=blog))
    database_down(monkeypatch)
    html = Client(raise_request_exception=False).get(post.url).content.decode()
    assert "not saved" not in html
