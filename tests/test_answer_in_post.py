"""'Answer in a post' as an editor does it: a draft titled with a short headline
(or the reader's own subject line), a slug that follows the title until the
post is first published, an excerpt from the answer's first paragraph, and
listings that fall back to the first paragraph when a post has no excerpt."""

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from posts import editorial
from posts.models import QuestionPostPage
from readers.questions import headline
from tests.factories import (
    AskPageFactory,
    PostPageFactory,
    ReaderQuestionFactory,
    publish,
)
from tests.security.support import ask_data
from tests.test_editorial import user_in

pytestmark = pytest.mark.django_db

ANSWER = "readers_readerquestion_modeladmin_answer"

LETTER = (
    "Dear Korean,\n\nWhy do Koreans eat seaweed soup on their birthdays? My "
    "friend from Busan made some for me and I did not know what to say. Is it "
    "a custom everywhere in Korea?\n\nThanks, Minerva"
)


@pytest.fixture
def editor(client):
    user = user_in(editorial.EDITORS)
    client.force_login(user)
    return user


def answer(client, question) -> QuestionPostPage:
    response = client.post(reverse(ANSWER), {"question": question.pk})
    assert response.status_code == 302
    return QuestionPostPage.objects.get(reader_questions=question)


def edit_data(page, *, title=None, slug=None, excerpt="", paragraphs=()):
    blocks = [("paragraph", rich_text(text)) for text in paragraphs]
    return nested_form_data(
        {
            "title": title or page.title,
            "slug": slug or page.slug,
            "date": "",
            "asker_name": page.asker_name,
            "asked_on": "",
            "question": rich_text(page.question),
            "excerpt": excerpt,
            "body": streamfield(blocks),
            "tags": "",
            "author_name": "",
            "author_url": "",
            "comment_policy": "auto",
            "comments_close_at": "",
            "go_live_at": "",
            "expire_at": "",
        }
    )


def save_draft(client, page, **changes):
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_data(page, **changes)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return QuestionPostPage.objects.get(pk=page.pk).get_latest_revision_as_object()


def publish_from_editor(client, page, **changes):
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**edit_data(page, **changes), "action-publish": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    return page


@pytest.mark.parametrize(
    ("letter", "expected"),
    [
        (LETTER, "Why do Koreans eat seaweed soup on their birthdays?"),
        ("Hello Korean! what is jeong? I keep hearing it.", "What is jeong?"),
        (
            "I have always wondered about Korean names.",
            "I have always wondered about Korean names.",
        ),
        (
            "Dear Korean, Why do so many Koreans in their thirties still live with "
            "their parents even after they have good jobs in Seoul?",
            "Why do so many Koreans in their thirties still live with their…",
        ),
    ],
)
def test_headline_is_the_letters_first_question_kept_short(letter, expected):
    assert headline(letter) == expected
    assert len(headline(letter)) <= 70


def test_draft_title_and_slug_are_a_short_headline(client, editor, blog):
    draft = answer(client, ReaderQuestionFactory(question=LETTER))
    assert draft.title == "Why do Koreans eat seaweed soup on their birthdays?"
    assert draft.slug == "why-do-koreans-eat-seaweed-soup-on-their-birthdays"
    assert "Dear Korean" not in draft.title


def test_the_readers_subject_line_becomes_the_title(client, editor, home, blog):
    ask = AskPageFactory(parent=home)
    publish(ask)
    client.post(
        ask.url,
        ask_data(subject="  Seaweed soup   on birthdays? ", question=LETTER),
    )
    from readers.models import ReaderQuestion

    question = ReaderQuestion.objects.get()
    assert question.subject == "Seaweed soup on birthdays?"
    assert answer(client, question).title == "Seaweed soup on birthdays?"


def test_slug_follows_the_title_until_first_published(client, editor, blog):
    draft = answer(client, ReaderQuestionFactory(question=LETTER))
    renamed = save_draft(client, draft, title="Seaweed soup, explained")
    assert renamed.slug == "seaweed-soup-explained"

    live = publish_from_editor(
        client, QuestionPostPage.objects.get(pk=draft.pk), title="Miyeokguk"
    )
    assert live.live and live.slug == "miyeokguk"

    # Published: a new title no longer moves the address readers know.
    after = save_draft(client, live, title="Miyeokguk, the birthday soup")
    assert after.title == "Miyeokguk, the birthday soup"
    assert after.slug == "miyeokguk"


def test_a_slug_chosen_by_hand_stays_when_the_draft_is_renamed(client, editor, blog):
    draft = answer(client, ReaderQuestionFactory(question=LETTER))
    draft = save_draft(client, draft, slug="birthday-soup")
    renamed = save_draft(client, draft, title="Seaweed soup, explained")
    assert renamed.slug == "birthday-soup"


def test_renamed_draft_takes_a_free_slug(client, editor, blog):
    publish(PostPageFactory(parent=blog, title="Taken", slug="seaweed-soup"))
    draft = answer(client, ReaderQuestionFactory(question=LETTER))
    assert save_draft(client, draft, title="Seaweed soup").slug == "seaweed-soup-2"


def test_empty_excerpt_comes_from_the_answers_first_paragraph(client, editor, blog):
    draft = answer(client, ReaderQuestionFactory(question=LETTER))
    saved = save_draft(
        client,
        draft,
        paragraphs=[
            "<p>It is <b>miyeokguk</b>, and mothers eat it after giving birth.</p>",
            "<p>A second paragraph.</p>",
        ],
    )
    assert saved.excerpt == "It is miyeokguk, and mothers eat it after giving birth."

    kept = save_draft(
        client,
        QuestionPostPage.objects.get(pk=draft.pk),
        excerpt="My own words.",
        paragraphs=["<p>Whatever.</p>"],
    )
    assert kept.excerpt == "My own words."


def test_every_listing_falls_back_to_the_first_paragraph(client, home, blog):
    body = [
        {"type": "heading", "value": {"text": "First", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Kimchi comes in two hundred kinds.</p>"},
    ]
    post = publish(PostPageFactory(parent=blog, title="Kimchi", excerpt="", body=body))
    post.tags.add("food")
    publish(post)
    opening = "Kimchi comes in two hundred kinds."
    for url in (
        blog.url,
        home.url,
        f"{blog.url}label/food/",
        f"{blog.url}{timezone.localtime(post.date):%Y}/",
        f"{blog.url}feed/atom/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert opening in response.content.decode(), url
