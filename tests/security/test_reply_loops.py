"""Replies in a loop (issue #13, point 2): no walk of a thread may hang on them.

A comment whose parent is itself is refused by the database; two or more
comments pointing at each other (which no constraint can forbid) still render:
the post answers, every comment shows once.
"""

from __future__ import annotations

import json
import signal
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from posts.models import PostPage
from readers.models import Comment
from tests.factories import CommentFactory, PostPageFactory, publish
from tests.security.exports import comment, export
from tests.security.exports import post as blogger_post

pytestmark = pytest.mark.django_db

SECONDS = 10


@pytest.fixture
def post(blog):
    return publish(PostPageFactory(parent=blog, title="Loops"))


@contextmanager
def deadline(seconds: int = SECONDS):
    """Fail (instead of hanging the suite) when the block runs too long."""

    def give_up(signum, frame):
        raise TimeoutError(f"no answer in {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def get_within(client, url: str):
    with deadline():
        return client.get(url)


def test_the_database_refuses_a_comment_that_answers_itself(post):
    comment = CommentFactory(page=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(parent=comment.pk)


@pytest.mark.parametrize(
    "statuses", [("approved",) * 3, ("pending", "spam", "approved")]
)
def test_a_post_whose_replies_form_a_loop_still_answers(client, post, statuses):
    a, b, c = (
        CommentFactory(page=post, status=s, body=f"Loop {s} {i}")
        for i, s in enumerate(statuses)
    )
    # a -> b -> c -> a: a cycle of three, written behind the form's back.
    Comment.objects.filter(pk=a.pk).update(parent=b.pk)
    Comment.objects.filter(pk=b.pk).update(parent=c.pk)
    Comment.objects.filter(pk=c.pk).update(parent=a.pk)
    # And an approved reply hanging from the loop.
    d = CommentFactory(page=post, parent=a, body="Hanging from the loop")

    response = get_within(client, post.url)

    assert response.status_code == 200
    html = response.content.decode()
    shown = [x for x in (a, b, c, d) if x.status == Comment.Status.APPROVED]
    for shown_comment in shown:
        assert html.count(f'id="comment-{shown_comment.pk}"') == 1
    feed = get_within(client, f"/comments/{post.pk}/feed/")
    assert feed.status_code == 200


def test_two_comments_answering_each_other_still_render(client, post):
    a = CommentFactory(page=post, body="First of a pair")
    b = CommentFactory(page=post, body="Second of a pair")
    Comment.objects.filter(pk=a.pk).update(parent=b.pk)
    Comment.objects.filter(pk=b.pk).update(parent=a.pk)

    response = get_within(client, post.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(f'id="comment-{a.pk}"') == 1
    assert html.count(f'id="comment-{b.pk}"') == 1
    assert get_within(client, f"{post.url}?replyto={b.pk}").status_code == 200


def test_an_export_with_looping_replies_imports_and_its_post_answers(
    client, blog, tmp_path
):
    path = tmp_path / "loops.xml"
    path.write_text(
        export(
            [
                blogger_post(1, "Loops", "<p>A post with looping replies.</p>"),
                comment(11, 1, "I answer myself.", parent=11),
                comment(12, 1, "I answer 13.", parent=13),
                comment(13, 1, "I answer 12.", parent=12),
                comment(14, 1, "I answer 12 too.", parent=12),
                comment(15, 1, "An honest top-level comment."),
            ]
        ),
        encoding="utf-8",
    )
    report_path = tmp_path / "report.json"

    call_command("import_blogger", str(path), "--report", str(report_path))

    report = json.loads(report_path.read_text())
    loops = [n for reason, n in report["skipped"].items() if "loop" in reason]
    assert loops == [2]  # 11 (itself) and 12 (the earlier of 12 and 13)
    assert report["counts"]["replies"]["created"] == 2  # 13 -> 12, 14 -> 12
    parents = dict(Comment.objects.values_list("body", "parent__body"))
    assert parents["I answer myself."] is None
    assert parents["I answer 13."] is None  # 12, the earlier of the pair
    assert parents["I answer 12."] == "I answer 13."
    assert parents["I answer 12 too."] == "I answer 13."
    post = PostPage.objects.get(title="Loops")
    response = get_within(client, post.url)
    assert response.status_code == 200
    assert response.content.decode().count('class="comment') >= 5
