"""Characters XML 1.0 cannot carry, and bidirectional overrides in names
(issue #13, points 6 and 10).

Whatever reaches a feed must leave it well-formed XML: a non-character such as
U+FFFF in an imported comment's name broke both comment feeds. Forms drop such
characters on the way in; names lose the invisible controls that reorder text.
"""

from __future__ import annotations

import pytest
from lxml import etree

from readers.models import Comment, ReaderQuestion
from tests.comments_support import comment_settings, form_data, post_url
from tests.factories import AskPageFactory, CommentFactory, PostPageFactory, publish
from tests.security.support import ask_data

pytestmark = pytest.mark.django_db

# Each is forbidden in XML 1.0 or a Unicode non-character.
FORBIDDEN = "\uffff\ufffe\ufdd0\U0001ffff\U0010fffe\x01\x0b\x1f"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def post(blog):
    return publish(PostPageFactory(parent=blog, title=f"Odd{FORBIDDEN} title"))


def parsed(response):
    assert response.status_code == 200
    # lxml's parser is strict: a forbidden character is a fatal error.
    return etree.fromstring(response.content)


def test_both_comment_feeds_stay_xml_with_forbidden_characters(client, post):
    CommentFactory(
        page=post,
        author_name=f"Ha{FORBIDDEN}na",
        author_url="https://example.org/\uffff",
        body=f"Body {FORBIDDEN} text",
    )

    for url in (f"/comments/{post.pk}/feed/", "/comments/feed/"):
        feed = parsed(client.get(url))
        text = etree.tostring(feed, encoding="unicode")
        assert "Hana" in text
        assert "Body  text" in text


def test_post_feeds_stay_xml_with_forbidden_characters(client, blog, post):
    for url in (f"{blog.url}feed/", f"{blog.url}feed/atom/"):
        feed = parsed(client.get(url))
        assert "Odd title" in etree.tostring(feed, encoding="unicode")


def test_the_comment_form_drops_forbidden_and_bidi_characters(client, post):
    comment_settings(moderation="none")
    data = form_data(
        post, name=f"Min{BIDI}{FORBIDDEN}-jung", body=f"Hello{FORBIDDEN} there"
    )

    response = client.post(post_url(post), data)

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author_name == "Min-jung"
    assert comment.body == "Hello there"
    parsed(client.get(f"/comments/{post.pk}/feed/"))


def test_a_name_of_only_bidi_controls_is_a_form_error(client, post):
    response = client.post(post_url(post), form_data(post, name=BIDI))

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_the_ask_form_drops_forbidden_and_bidi_characters(client, home):
    ask = publish(AskPageFactory(parent=home))
    data = ask_data(
        display_name=f"Nar{BIDI}endra{FORBIDDEN}",
        question=f"Why do Koreans{FORBIDDEN} eat seaweed soup on birthdays?",
    )

    response = client.post(ask.url, data)

    assert response.status_code == 302
    question = ReaderQuestion.objects.get()
    assert question.display_name == "Narendra"
    assert question.question == "Why do Koreans eat seaweed soup on birthdays?"
