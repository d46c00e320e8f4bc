"""Defects met importing real Blogger exports, each shown with the smallest
excerpt that has it: Blogger's spam and deleted comments, comments from before
2006, a post and a page sharing a number, untitled posts, hand-broken files and
the progress lines of a run outside a terminal."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from home.models import StandardPage
from posts.models import PostPage
from readers.models import Comment
from tests.import_support import snapshot

FIXTURES = Path(__file__).parent / "fixtures"
TAKEOUT = FIXTURES / "takeout-spam-shared-numbers.atom"
OLD_COMMENTS = FIXTURES / "classic-2004-comments-without-reply-to.xml"

pytestmark = pytest.mark.django_db


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_blogger", str(path), *args, stdout=out)
    return out.getvalue()


def test_blogger_spam_stays_spam_and_a_deleted_comment_keeps_only_its_place(
    blog, client
):
    run_import(TAKEOUT)

    post = PostPage.objects.get(title="The Lighthouse Keeper")
    spam = Comment.objects.get(author_name="Cheap Watches")
    assert spam.status == Comment.Status.SPAM
    assert spam.body == "Best replica watches here"  # kept for the moderators
    ghosted = Comment.objects.get(author_name="Ann")
    assert ghosted.status == Comment.Status.REMOVED
    html = client.get(post.url).content.decode()
    assert "I read this twice." in html
    assert "replica watches" not in html
    assert "Words its writer took back." not in html
    assert "This comment has been removed." in html
    feed = client.get(reverse("readers:post_comments_feed", args=[post.pk]))
    assert feed.status_code == 200
    assert "I read this twice." in feed.content.decode()
    assert "replica watches" not in feed.content.decode()


def test_a_comment_lands_on_its_post_when_a_page_has_the_same_number(blog):
    run_import(TAKEOUT)

    post = PostPage.objects.get(title="The Lighthouse Keeper")
    page = StandardPage.objects.get(title="About these stories")
    assert Comment.objects.get(body="I read this twice.").page_id == post.pk
    assert Comment.objects.get(body="Nice to meet you.").page_id == page.pk


def test_a_post_without_a_title_takes_its_first_words(blog, client):
    run_import(TAKEOUT)

    post = PostPage.objects.get(slug="blog-post")
    assert post.title == "Rain again on the harbour, and the old…"
    assert "(untitled)" not in client.get(blog.url).content.decode()


def test_comments_from_before_2006_find_their_post_from_their_links(blog, client):
    output = run_import(OLD_COMMENTS)

    post = PostPage.objects.get(title="First Snowdrops")
    assert set(Comment.objects.values_list("page_id", "body")) == {
        (post.pk, "Snowdrops here too."),  # named by its comment feed address
        (post.pk, "Mine are late."),  # named only by the post's address
    }
    assert "not in the export" not in output
    html = client.get(post.url).content.decode()
    assert "Mine are late." in html
    assert "Nothing changed." in run_import(OLD_COMMENTS)


@pytest.mark.parametrize(
    ("fixture", "cut"),
    [
        (
            "seed-takeout.atom",
            " xmlns:blogger='http://schemas.google.com/blogger/2018'",
        ),
        ("seed-classic.xml", " xmlns:thr='http://purl.org/syndication/thread/1.0'"),
    ],
    ids=["takeout", "classic"],
)
def test_an_undeclared_namespace_is_not_called_truncated(blog, tmp_path, fixture, cut):
    text = (FIXTURES / fixture).read_text()
    assert cut in text
    export = tmp_path / fixture
    export.write_text(text.replace(cut, ""))
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run_import(export)

    message = str(error.value)
    assert "not well-formed XML" in message
    assert "truncated" not in message and "broken" not in message
    assert message.count("line") <= 1
    assert snapshot() == before


def test_a_truncated_file_says_so_with_its_line_once(blog, tmp_path):
    data = (FIXTURES / "gpodder-blog-classic-2017.xml").read_bytes()
    export = tmp_path / "cut.xml"
    export.write_bytes(data[: len(data) // 2])

    with pytest.raises(CommandError) as error:
        run_import(export)

    message = str(error.value)
    assert "the file is truncated: it stops at line" in message
    assert message.count("line") == 1


def test_progress_lines_outside_a_terminal_give_counts(blog):
    output = run_import(FIXTURES / "gpodder-blog-classic-2017.xml")

    lines = [line for line in output.splitlines() if line.startswith("progress")]
    assert lines
    for line in lines:
        assert "posts" in line and "comments" in line and "MB read" in line
    assert not any(line.rstrip().endswith(":") for line in lines)
