"""The comments queue in a real browser, as a member of the Moderators group:
the keyboard alone selects every comment and approves them, a row's own
button moderates one, and a reply from the admin shows on the site as the
blog author's. Screenshots go to build/screenshots/ (copied to
docs/screenshots/ for the docs)."""

import re

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POST = "/blog/do-koreans-really-count-their-age-differently/"
QUEUE = "/admin/readers/comment/"


@pytest.fixture
def waiting(demo_site):
    from readers.models import Comment

    post = demo_site["question_post"]
    letters = [
        ("Minji", "My grandmother still counts the old way, and so do I at New Year."),
        ("Tom", "Is the 'international age' law actually followed in offices?"),
        ("Sun-hee", "We celebrated my son's first birthday twice, once each way!"),
    ]
    return [
        Comment.objects.create(
            page=post,
            author_name=name,
            author_email=f"{name.lower()}@example.org",
            body=body,
            status=Comment.Status.PENDING,
        )
        for name, body in letters
    ]


def sign_in_as_moderator(page, base_url):
    from django.contrib.auth.models import Group

    from posts import editorial
    from tests.factories import UserFactory

    user = UserFactory(username="mina", first_name="Mina", last_name="Park")
    user.groups.add(Group.objects.get(name=editorial.MODERATORS))
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Username").fill("mina")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return user


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_moderator_approves_every_comment_with_the_keyboard(
    live_server, waiting, new_browser_page
):
    from readers.models import Comment

    page = new_browser_page(1280, 900)
    sign_in_as_moderator(page, live_server.url)
    page.get_by_role("link", name="Comments awaiting moderation", exact=False)
    shoot(page, "admin-dashboard")

    page.goto(live_server.url + QUEUE)
    assert page.get_by_role("link", name="Pending").first.is_visible()
    assert page.locator("input[data-w-bulk-target=item]").count() == 3
    shoot(page, "admin-comments-queue")

    select_all = page.get_by_label("Select all comments on this page")
    select_all.focus()
    page.keyboard.press("Space")
    for name in ("Minji", "Tom", "Sun-hee"):
        assert page.get_by_label(f"Select the comment by {name}").is_checked()
    # Back from the select-all box to the bulk bar: Remove, Mark as spam, Approve.
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Approve"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Approved: 3 comments." in page.locator("body").inner_text()
    approved = Comment.objects.filter(
        pk__in=[c.pk for c in waiting], status=Comment.Status.APPROVED
    )
    assert approved.count() == 3


def test_row_button_and_reply_as_the_blog_author(
    live_server, waiting, new_browser_page
):
    from readers.models import Comment

    page = new_browser_page(1280, 900)
    sign_in_as_moderator(page, live_server.url)
    page.goto(live_server.url + QUEUE)

    # Tab from a row's checkbox reaches that row's own Approve button.
    page.get_by_label("Select the comment by Tom").focus()
    page.keyboard.press("Tab")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label == "Spam the comment by Tom" or label == "Approve the comment by Tom"
    with page.expect_navigation():
        page.get_by_role("button", name="Spam the comment by Tom").click()
    assert Comment.objects.get(author_name="Tom").status == Comment.Status.SPAM

    page.get_by_role("link", name="Reply to the comment by Minji").click()
    page.wait_for_url(re.compile(r"/inspect/\d+/#reply$"))
    assert page.title().startswith("Comment on “Do Koreans Really Count")
    page.get_by_label("Reply as the blog's author").fill(
        "Since June 2023 the law says international age, but families keep both."
    )
    shoot(page, "admin-comment-reply")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish reply").click()
    assert "published as the blog author's" in page.locator("body").inner_text()

    reader = new_browser_page(1280, 900)
    reader.goto(live_server.url + POST)
    minji = reader.locator(".comment", has_text="My grandmother still counts")
    reply = minji.locator(".comment-replies .comment-by-author")
    assert "families keep both" in reply.inner_text()
    assert "Blog author" in reply.locator(".comment-badge").inner_text()
    reply.scroll_into_view_if_needed()
    shoot(reader, "site-author-reply")
