"""The production headers and caches in a real Chromium: the Content-Security-Policy
blocks nothing the site or the Wagtail admin needs, the HttpOnly CSRF cookie breaks
no form, and a reader can comment from a page served out of the page cache."""

import re

import pytest
from django.core.cache import cache

from readers.models import Comment
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_site, quick_forms  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def production_stack(settings, quick_forms):  # noqa: F811
    """Production's middleware, headers, cookies and caches (over plain http)."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.middleware.security.SecurityMiddleware") + 1,
        "config.middleware.SecurityHeadersMiddleware",
    )
    middleware.insert(
        middleware.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
        "plumbing.middleware.PageCacheMiddleware",
    )
    settings.MIDDLEWARE = middleware
    settings.CSRF_COOKIE_HTTPONLY = True
    settings.SESSION_COOKIE_HTTPONLY = True
    settings.X_FRAME_OPTIONS = "DENY"
    settings.SECURE_CONTENT_TYPE_NOSNIFF = True
    settings.SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = "https://www.gravatar.com/avatar"
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def production_server(production_stack, transactional_db):
    """A server thread started *after* the settings above, so its middleware
    chain is production's (the shared live_server was built before them)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost:0")  # a free port: never one another run holds
    yield server
    server.stop()


@pytest.fixture
def new_page(production_server):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )

        def make():
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            return context.new_page()

        yield make
        browser.close()


def watch_policy(page) -> list[str]:
    """Every Content-Security-Policy complaint Chromium logs on this tab."""
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaints.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return complaints


def test_reader_comments_from_a_cached_page_with_nothing_blocked(
    demo_site,  # noqa: F811
    production_server,
    new_page,
):
    post = demo_site["question_post"]
    first = new_page()
    complaints = watch_policy(first)
    for path in ["/", "/blog/", "/blog/label/culture/", post.url, post.url]:
        first.goto(production_server.url + path)
    # A second reader gets the post from the page cache, then comments.
    reader = new_page()
    complaints += watch_policy(reader)
    response = reader.goto(production_server.url + post.url)
    assert response.headers["x-page-cache"] == "hit"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The honeypot is moved off screen by site.css (no style attribute needed).
    box = reader.locator(".comment-hp").bounding_box()
    assert box["x"] + box["width"] < 0
    reader.fill("#id_name", "Su-bin")
    reader.fill("#id_email", "subin@example.org")
    reader.fill("#id_body", "Sent from a page out of the cache.")
    reader.get_by_role("button", name="Post comment").click()
    reader.wait_for_load_state()
    assert "awaiting moderation" in reader.content()
    assert Comment.objects.filter(body="Sent from a page out of the cache.").exists()
    assert complaints == []


def test_editor_saves_a_draft_in_the_admin_under_its_policy(
    demo_site,  # noqa: F811
    production_server,
    new_page,
    django_user_model,
):
    django_user_model.objects.create_superuser("editor", "ed@example.org", "pw")
    post = demo_site["question_post"]
    page = new_page()
    complaints = watch_policy(page)
    login = page.goto(production_server.url + "/admin/login/")
    assert "'unsafe-inline'" in login.headers["content-security-policy"]
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw")
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_url(production_server.url + "/admin/")
    page.goto(f"{production_server.url}/admin/pages/{post.pk}/edit/")
    page.locator(".Draftail-Editor").first.wait_for()  # the admin's scripts ran
    page.fill("#id_title", "Age in Korea, revised")
    page.get_by_role("button", name=re.compile("Save draft", re.I)).first.click()
    page.wait_for_load_state()
    post.refresh_from_db()
    assert post.draft_title == "Age in Korea, revised"
    assert post.title != "Age in Korea, revised"  # readers still see the live one
    assert complaints == []
