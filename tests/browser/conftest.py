"""A real Chromium (Debian's, never a downloaded build) against live_server.

Playwright's sync API runs an event loop in this thread, so Django's guard
against ORM calls from async code is lifted for these tests only.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def chromium(transactional_db, live_server):
    """One Chromium per test, started after the test database is ready.

    Playwright's loop must not be running while pytest-django sets up or
    flushes the database (it would see another connection object), so the
    browser is function-scoped and torn down before the flush.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_browser_page(chromium):
    """A factory for more readers (or a moderator) with their own cookies."""
    contexts = []

    def make(width=1280, height=900):
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def quick_forms(settings):
    """The forms' "a person takes a few seconds" rule, set to zero for speed."""
    settings.FORM_TOKENS = {
        "comments": {"min_seconds": 0},
        "questions": {"min_seconds": 0},
    }
    return settings


@pytest.fixture
def demo_site(transactional_db):
    """The demo content `make run` shows, plus the ask page and a closed post."""
    from home.demo import load_demo_content
    from home.models import HomePage
    from posts.models import PostIndexPage, PostPage
    from readers.models import AskPage, Comment

    now = timezone.now()
    load_demo_content(now)
    home = HomePage.objects.get()
    blog = PostIndexPage.objects.get()
    ask = AskPage.objects.first()
    if ask is None:
        ask = home.add_child(
            instance=AskPage(
                title="Ask the Korean",
                slug="ask",
                show_in_menus=True,
                introduction="<p>Send your question about Korea.</p>",
            )
        )
        ask.save_revision().publish()
    closed = PostPage(
        title="An Old Post About Hangul",
        slug="an-old-post-about-hangul",
        date=now - datetime.timedelta(days=400),
        excerpt="The alphabet, and why it is celebrated.",
        comment_policy=PostPage.CommentPolicy.LOCKED,
        body='[{"type": "paragraph", "value": "<p>King Sejong had a plan.</p>"}]',
    )
    blog.add_child(instance=closed)
    closed.tags.add("language")
    closed.save_revision().publish()
    Comment.objects.create(
        page=closed,
        author_name="Early Reader",
        author_email="early@example.org",
        body="I learned it in an afternoon.",
        status=Comment.Status.APPROVED,
    )
    return {
        "home": home,
        "blog": blog,
        "ask": ask.specific,
        "closed": closed,
        "question_post": PostPage.objects.get(
            slug="do-koreans-really-count-their-age-differently"
        ),
    }
