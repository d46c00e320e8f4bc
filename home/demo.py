"""Demo content for `make run`, written for this project."""

import datetime
import json

from wagtail.models import Site

from home.models import HomePage, StandardPage
from posts.models import PostIndexPage, PostPage, Publication, QuestionPostPage


def _body(*blocks):
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def load_demo_content(now: datetime.datetime) -> bool:
    """Build the demo blog under the home page. Returns False if it exists."""
    home = HomePage.objects.first()
    if home is None or PostIndexPage.objects.exists():
        return home is not None and ensure_ask_page(home)
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Ask a Korean!"
    site.save()

    blog = home.add_child(
        instance=PostIndexPage(
            title="Blog",
            slug="blog",
            show_in_menus=True,
            introduction="<p>Readers ask, the Korean answers.</p>",
        )
    )
    about = home.add_child(
        instance=StandardPage(
            title="About the Korean",
            slug="about",
            show_in_menus=True,
            body=_body(
                (
                    "paragraph",
                    "<p>This blog answers readers' questions about Korea: its "
                    "history, its language, its food and its politics.</p>",
                ),
            ),
        )
    )
    about.save_revision().publish()

    paper, _ = Publication.objects.get_or_create(
        name="The Morning Courier",
        defaults={"native_name": "아침 신문", "language": "ko"},
    )

    first = PostPage(
        title="Why Kimchi Comes in Two Hundred Kinds",
        slug="why-kimchi-comes-in-two-hundred-kinds",
        date=now - datetime.timedelta(days=90),
        excerpt="Cabbage is only the beginning.",
        body=_body(
            ("paragraph", "<p>Cabbage is only the beginning.</p>"),
            ("heading", {"text": "Region by region", "level": "h2"}),
            (
                "paragraph",
                "<p>Every province salts, ferments and seasons in its own way, "
                "and every family believes its way is the right one.</p>",
            ),
            ("section_break", None),
            (
                "quote",
                {
                    "text": "A table without kimchi is not a Korean table.",
                    "attribution": "A grandmother in Jeonju",
                    "source_url": "",
                },
            ),
        ),
    )
    blog.add_child(instance=first)
    first.tags.add("food", "culture")
    first.save_revision().publish()

    question = QuestionPostPage(
        title="Do Koreans Really Count Their Age Differently?",
        slug="do-koreans-really-count-their-age-differently",
        date=now - datetime.timedelta(days=3),
        asker_name="Minerva",
        asked_on=(now - datetime.timedelta(days=20)).date(),
        question=(
            "<p>A friend told me she is two years older in Korea than in the "
            "rest of the world. Is this true, and why?</p>"
        ),
        excerpt="It was true for a long time, and the law changed in 2023.",
        body=_body(
            (
                "paragraph",
                "<p>Minerva's question is a classic. Until recently, Koreans "
                "counted a newborn as one year old and added a year every New "
                "Year's Day. A newspaper column explained the change well.</p>",
            ),
            ("section_break", None),
            (
                "translation",
                {
                    "original_title": "이제는 만 나이로 통일합니다",
                    "original_language": "ko",
                    "original_author": "",
                    "publication": paper.pk,
                    "original_url": "",
                    "published_on": None,
                    "translator_note": "",
                    "text": (
                        "<p>From this month, the age written in every law and "
                        "contract is the international one. The old way of "
                        "counting will live on at dinner tables for a while.</p>"
                    ),
                },
            ),
        ),
    )
    blog.add_child(instance=question)
    question.tags.add("culture", "language")
    question.save_revision().publish()
    ensure_ask_page(home)
    return True


def ensure_ask_page(home) -> bool:
    """Add the "Ask the Korean" page under home unless the site has one."""
    from readers.models import AskPage

    if AskPage.objects.exists():
        return False
    ask = home.add_child(
        instance=AskPage(
            title="Ask the Korean",
            slug="ask",
            show_in_menus=True,
            introduction=(
                "<p>Got a question about Korea, its people, its language or its "
                "history? Write to the Korean. The best questions become posts.</p>"
            ),
            guidelines=(
                "<ul><li>One question per letter works best.</li>"
                "<li>Tell a little about yourself and why you ask.</li>"
                "<li>Not every question can be answered, and answers can take "
                "months.</li></ul>"
            ),
            thank_you_text=(
                "<p>Thank you! Your question has arrived. If you asked to be told, "
                "you will get one e-mail when the answer is published.</p>"
            ),
        )
    )
    ask.save_revision().publish()
    return True
