"""Scheduling reads as scheduling (issue #18, point 4): with a go-live time
ahead, an editor approving the last step reads "Approve and schedule" and
publishing reads "Schedule to publish"; the dashboard tells the editor and the
post's author when it will appear."""

import datetime
import re

import pytest
from django.utils import timezone

from posts import editorial
from tests.test_editorial import (
    edit_url,
    post_form,
    submit_new_post,
    user_in,
    with_workflow_action,
)
from tests.test_editorial_schedule import admin_time

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def publish_label(html: str) -> str:
    """The words on the editor's publish button."""
    found = re.search(
        r'<button[^>]*name="action-publish"[^>]*>(.*?)</button>', html, re.DOTALL
    )
    assert found, "no publish button"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.fixture
def later():
    return timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=2)


@pytest.fixture
def author():
    return user_in(editorial.AUTHORS, first_name="Ana")


def submitted(client, blog, author, go_live_at=""):
    client.force_login(author)
    extra = {"go_live_at": admin_time(go_live_at)} if go_live_at else {}
    return submit_new_post(client, blog, "Tomorrow", "tomorrow", **extra)


def test_approving_a_post_with_a_future_go_live_reads_approve_and_schedule(
    client, blog, author, later
):
    post = submitted(client, blog, author, later)
    client.force_login(user_in(editorial.EDITORS))
    html = text(client.get(edit_url(post)))
    assert "Approve and schedule" in html
    assert "Schedule to publish" in publish_label(html)


def test_without_a_go_live_time_the_actions_read_as_usual(client, blog, author):
    post = submitted(client, blog, author)
    client.force_login(user_in(editorial.EDITORS))
    html = text(client.get(edit_url(post)))
    assert "Approve and schedule" not in html
    assert "Schedule" not in publish_label(html)
    assert "Publish" in publish_label(html)


def test_the_dashboard_says_when_the_approved_post_appears(client, blog, author, later):
    post = submitted(client, blog, author, later)
    editor = user_in(editorial.EDITORS)
    client.force_login(editor)
    data = post_form("Tomorrow", "tomorrow", go_live_at=admin_time(later))
    client.post(edit_url(post), with_workflow_action(data, "approve"))
    post.refresh_from_db()
    assert not post.live and post.scheduled_revision is not None

    when = timezone.localtime(later).strftime("%a %-d %b %Y, %H:%M")
    for person in (editor, author):
        client.force_login(person)
        html = text(client.get("/admin/"))
        assert "Scheduled posts" in html, person
        assert "Tomorrow" in html and when in html and "goes live" in html


def test_authors_see_no_schedule_of_other_peoples_posts(client, blog, author, later):
    post = submitted(client, blog, author, later)
    client.force_login(user_in(editorial.EDITORS))
    data = post_form("Tomorrow", "tomorrow", go_live_at=admin_time(later))
    client.post(edit_url(post), with_workflow_action(data, "approve"))
    client.force_login(user_in(editorial.AUTHORS))
    assert "Scheduled posts" not in text(client.get("/admin/"))
