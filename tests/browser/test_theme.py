"""The theme in a real browser: fonts, light and dark, the header, listings,
the translation component without JavaScript, print, axe on the new pieces."""

import json
import re

import pytest

from tests.browser.test_reading import axe_problems

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POST = "/blog/a-column-about-defectors/"


@pytest.fixture
def column(demo_site):
    """A question post quoting a long Korean column, with comments."""
    from posts.models import QuestionPostPage
    from readers.models import Comment

    text = "".join(f"<p>Paragraph {n} of the column.</p>" for n in range(1, 8))
    post = QuestionPostPage(
        title="A Column About Defectors",
        slug="a-column-about-defectors",
        question="<p>How far is South Korea helping defectors?</p>",
        asker_name="Narendra",
        body=json.dumps(
            [
                {"type": "paragraph", "value": "<p>The Korean answers.</p>"},
                {
                    "type": "translation",
                    "value": {
                        "original_title": "탈북자 정착 지원, 어디까지 왔나",
                        "original_language": "ko",
                        "original_author": "Kim Min-ji",
                        "publication": None,
                        "original_url": "https://news.example.kr/1",
                        "published_on": "2026-10-04",
                        "translator_note": "<p>탈북자: a defector.</p>",
                        "text": text,
                    },
                },
            ]
        ),
    )
    demo_site["blog"].add_child(instance=post)
    post.tags.add("culture")
    post.save_revision().publish()
    Comment.objects.bulk_create(
        Comment(
            page=post,
            author_name=f"Reader {n}",
            author_email=f"r{n}@example.org",
            body=f"Comment {n}",
            status=Comment.Status.APPROVED,
        )
        for n in range(12)
    )
    return post


def test_fonts_are_ours_and_hangul_is_never_synthesised(
    live_server, column, browser_page
):
    page = browser_page
    page.goto(live_server.url + POST)
    page.wait_for_load_state("load")
    page.wait_for_function(
        "[...document.fonts].some(f => f.family.includes('Ask Myeongjo')"
        " && f.status === 'loaded')"
    )
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Source Serif 4" in family for family in loaded)
    cite = page.locator(".translation__title cite")
    assert cite.evaluate("el => getComputedStyle(el).fontSynthesis") == "none"
    assert cite.evaluate("el => getComputedStyle(el).fontStyle") == "normal"
    assert "Ask Myeongjo" in cite.evaluate("el => getComputedStyle(el).fontFamily")
    # Self-hosted only: every font came from our own static files.
    font_urls = page.evaluate(
        "performance.getEntriesByType('resource')"
        ".filter(e => e.name.endsWith('.woff2')).map(e => e.name)"
    )
    assert font_urls and all(u.startswith(live_server.url) for u in font_urls)


def test_a_page_without_hangul_never_downloads_the_korean_face(
    live_server, demo_site, browser_page
):
    page = browser_page
    page.goto(live_server.url + "/blog/label/food/")
    page.wait_for_load_state("networkidle")
    fonts = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => n.endsWith('.woff2'))"
    )
    assert fonts and not [f for f in fonts if "myeongjo" in f]


def test_light_and_dark_follow_the_system(live_server, demo_site, new_browser_page):
    colours = {}
    for scheme in ("light", "dark"):
        page = new_browser_page()
        page.emulate_media(color_scheme=scheme)
        page.goto(live_server.url + "/")
        colours[scheme] = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.body).color]"
        )
        assert axe_problems(page) == [], scheme
    assert colours["light"] != colours["dark"]
    light_bg = colours["light"][0]
    dark_bg = colours["dark"][0]
    assert sum(map(int, re.findall(r"\d+", light_bg)[:3])) > 600
    assert sum(map(int, re.findall(r"\d+", dark_bg)[:3])) < 150


def test_header_is_compact_with_a_labelled_search_and_the_name_once(
    live_server, demo_site, new_browser_page
):
    for width in (375, 1280):
        page = new_browser_page(width=width)
        page.goto(live_server.url + "/")
        header = page.locator(".site-header")
        assert header.bounding_box()["height"] < (140 if width == 375 else 80)
        assert page.get_by_role("searchbox", name="Search the blog").is_visible()
        assert page.get_by_role("button", name="Search").first.is_visible()
        body_text = page.locator("body").inner_text()
        assert body_text.count("Ask a Korean!") == 2  # the header's h1 + the footer
        assert page.locator("h1").inner_text() == "Ask a Korean!"
        assert page.locator("main").inner_text().count("Ask a Korean!") == 0


def test_listings_show_excerpt_byline_date_and_labels(
    live_server, demo_site, browser_page
):
    page = browser_page
    page.goto(live_server.url + "/blog/label/culture/")
    summary = page.locator(".post-summary", has_text="Count Their Age")
    assert summary.locator(".post-summary__excerpt").inner_text()
    assert summary.locator(".byline").inner_text().startswith("By ")
    assert summary.locator("time").get_attribute("datetime")
    assert summary.get_by_role("link", name="language").is_visible()


def test_long_translation_opens_without_javascript(live_server, column, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + POST)
    header = page.locator(".translation__header")
    assert header.inner_text().startswith("TRANSLATION")  # uppercase label
    assert header.locator("cite").get_attribute("lang") == "ko"
    assert page.get_by_text("Paragraph 3 of the column.").is_visible()
    hidden = page.get_by_text("Paragraph 7 of the column.")
    assert not hidden.is_visible()
    page.get_by_text("Read the whole translation").click()
    assert hidden.is_visible()
    # Without JavaScript Hangul still shows, in the system's Korean font.
    assert header.locator("cite").is_visible()
    context.close()


def test_translation_and_letter_stand_apart_from_the_answer(
    live_server, column, browser_page
):
    page = browser_page
    page.goto(live_server.url + POST)
    answer = page.get_by_text("The Korean answers.", exact=True)
    letter = page.locator(".letter")
    translation = page.locator(".translation")
    background = "el => getComputedStyle(el).backgroundColor"
    assert letter.evaluate(background) != answer.evaluate(
        "el => getComputedStyle(el.closest('main')).backgroundColor"
    )
    assert translation.evaluate("el => getComputedStyle(el).borderTopWidth") != "0px"
    assert axe_problems(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert axe_problems(page) == []


def test_print_shows_the_post_without_menus_forms_or_widgets(
    live_server, column, browser_page
):
    page = browser_page
    page.goto(live_server.url + POST)
    page.emulate_media(media="print")
    for hidden in (".site-nav", ".search-form", ".site-footer", ".comment-form"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("h1").is_visible()
    assert page.get_by_text("Paragraph 7 of the column.").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
