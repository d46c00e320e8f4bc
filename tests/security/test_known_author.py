"""The "known author" moderation mode (issue #13, point 5).

An e-mail address alone proves nothing: a comment is published at once only
when the name and the address match an approved comment together; and the
answer to the form is the same whether or not it was, so posting cannot be
used to learn whether an address ever commented here.
"""

from __future__ import annotations

import pytest

from readers.models import Comment
from tests.comments_support import comment_settings, form_data, post_url
from tests.factories import CommentFactory, PostPageFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(blog):
    comment_settings(moderation="known")
    post = publish(PostPageFactory(parent=blog, title="Known authors"))
    CommentFactory(
        page=post, author_name="Min-jung", author_email="MinJung@example.org"
    )
    return post


def send(client, post, **fields):
    return client.post(post_url(post), form_data(post, **fields), follow=True)


def test_a_known_address_under_another_name_waits_for_a_moderator(client, post):
    send(client, post, name="Impostor", email="minjung@EXAMPLE.org", body="Hello")

    assert Comment.objects.get(body="Hello").status == Comment.Status.PENDING


def test_the_same_name_and_address_are_published_at_once(client, post):
    send(client, post, name="Min-jung", email="minjung@example.org", body="Again")

    assert Comment.objects.get(body="Again").status == Comment.Status.APPROVED


def test_published_and_held_comments_get_the_same_answer(client, post):
    known = send(client, post, name="Min-jung", email="minjung@example.org", body="A")
    other = send(client, post, name="Someone", email="someone@example.org", body="B")

    assert Comment.objects.get(body="A").status == Comment.Status.APPROVED
    assert Comment.objects.get(body="B").status == Comment.Status.PENDING
    assert known.redirect_chain == other.redirect_chain
    assert known.redirect_chain[0][0].endswith("#comment-confirmation")

    def notice(response):
        html = response.content.decode()
        start = html.index('class="comment-confirmation__title')
        return html[start : html.index("</p>", start)]

    assert notice(known) == notice(other)
