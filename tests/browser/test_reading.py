"""A reader in a real browser: home, labels, posts, search; axe-core; screenshots."""

import re

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SERIOUS = {"serious", "critical"}


def axe_problems(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_reader_goes_from_home_to_a_label_to_a_post(
    live_server, demo_site, browser_page
):
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Ask a Korean!"
    page.get_by_role("link", name="culture").first.click()
    page.wait_for_url(re.compile(r"/blog/label/culture/$"))
    assert page.locator("h1").inner_text() == "Posts labelled “culture”"
    page.get_by_role(
        "link", name="Do Koreans Really Count Their Age Differently?", exact=True
    ).click()
    page.wait_for_url(
        re.compile(r"/blog/do-koreans-really-count-their-age-differently/$")
    )
    assert page.locator("h1").inner_text() == (
        "Do Koreans Really Count Their Age Differently?"
    )
    assert page.locator(".reader-question").is_visible()
    related = page.locator(".related-posts")
    assert "Why Kimchi Comes in Two Hundred Kinds" in related.inner_text()
    page.get_by_role("link", name=re.compile("Older post")).click()
    page.wait_for_url(re.compile(r"/blog/an-old-post-about-hangul/$|/why-kimchi"))


def test_skip_link_is_first_and_focus_is_visible(live_server, demo_site, browser_page):
    page = browser_page
    page.goto(live_server.url + "/blog/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_reader_searches_for_a_word_from_a_translation(
    live_server, demo_site, browser_page
):
    page = browser_page
    page.goto(live_server.url + "/blog/")
    page.get_by_role("searchbox", name="Search the blog").fill("contract")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url(re.compile(r"/search/\?q=contract"))
    result = page.locator(".search-result").first
    assert "Do Koreans Really Count Their Age Differently?" in result.inner_text()
    assert result.locator("mark").inner_text() == "contract"


def test_reader_follows_the_archive_to_a_month(live_server, demo_site, browser_page):
    page = browser_page
    page.goto(live_server.url + "/")
    archive = page.get_by_role("navigation", name="Blog archive")
    newest_year = archive.locator("details").first
    assert newest_year.get_attribute("open") is not None  # open without a click
    archive.locator(".archive-months a").nth(1).click()
    page.wait_for_url(re.compile(r"/blog/\d{4}/\d\d/$"))
    assert page.locator("h1").inner_text().startswith("Posts from ")
    assert page.locator(".post-summary").count() >= 1


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/blog/do-koreans-really-count-their-age-differently/",
        "/blog/label/culture/",
        "/search/?q=kimchi",
        "/ask/",
        "/blog/",
        "/blog/an-old-post-about-hangul/",
        "/no-such-page/",
    ],
)
def test_axe_finds_no_serious_or_critical_violation(
    live_server, demo_site, browser_page, path
):
    page = browser_page
    page.goto(live_server.url + path)
    assert axe_problems(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert axe_problems(page) == []


@pytest.mark.parametrize(
    "path", ["/", "/blog/do-koreans-really-count-their-age-differently/"]
)
def test_pages_fit_a_320_pixel_screen(live_server, demo_site, new_browser_page, path):
    page = new_browser_page(width=320, height=700)
    page.goto(live_server.url + path)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_screenshots_of_home_and_post(live_server, demo_site, new_browser_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "home": "/",
        "post": "/blog/do-koreans-really-count-their-age-differently/",
    }
    for width in (375, 1280):
        page = new_browser_page(width=width, height=900)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            target = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 5_000
