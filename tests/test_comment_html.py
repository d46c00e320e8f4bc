"""A comment's HTML is stored when it is saved; pages and feeds only print it."""

import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from readers.models import Comment
from tests.factories import CommentFactory, PostPageFactory

SEED_CLASSIC = Path(__file__).parent / "fixtures" / "seed-classic.xml"
LINKED = (
    '<p>See <a href="https://example.com/guide" rel="nofollow ugc">'
    "https://example.com/guide</a><br>&lt;b&gt;not bold&lt;/b&gt;</p>"
)


@pytest.fixture
def post(blog):
    return PostPageFactory(parent=blog, title="Why Koreans eat seaweed soup")


@pytest.mark.django_db
def test_saved_comment_stores_escaped_linked_html(post):
    comment = CommentFactory(
        page=post, body="See https://example.com/guide\n<b>not bold</b>"
    )
    comment.refresh_from_db()
    assert comment.html == LINKED


@pytest.mark.django_db
def test_thread_prints_the_stored_html_without_rendering_the_text(client, post):
    comment = CommentFactory(page=post, body="See https://example.com/guide")
    Comment.objects.filter(pk=comment.pk).update(html="<p>Stored <em>once</em></p>")
    with mock.patch("readers.markup.urlize", side_effect=AssertionError("urlize")):
        page = client.get(post.url).content.decode()
    assert "<p>Stored <em>once</em></p>" in page
    assert "example.com/guide" not in page


@pytest.mark.django_db
def test_editing_the_text_stores_new_html(post):
    comment = CommentFactory(page=post, body="First words")
    comment = Comment.objects.get(pk=comment.pk)
    comment.body = "Second words"
    comment.save()
    assert Comment.objects.get(pk=comment.pk).html == "<p>Second words</p>"


@pytest.mark.django_db
def test_approving_keeps_html_an_import_brought(post):
    comment = Comment.objects.create(
        page=post,
        author_name="Blogger reader",
        body="Imported words",
        html="<p><b>Imported</b> words</p>",
        status=Comment.Status.PENDING,
    )
    Comment.objects.get(pk=comment.pk).approve()
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.status == Comment.Status.APPROVED
    assert stored.html == "<p><b>Imported</b> words</p>"


@pytest.mark.django_db
def test_approving_a_comment_without_html_stores_it(post):
    comment = CommentFactory(page=post, body="Waiting words", status="pending")
    Comment.objects.filter(pk=comment.pk).update(html="")
    Comment.objects.only("pk", "page", "body", "html").get(pk=comment.pk).approve()
    assert Comment.objects.get(pk=comment.pk).html == "<p>Waiting words</p>"


@pytest.mark.django_db
def test_bulk_created_comments_store_html(post):
    Comment.objects.bulk_create(
        [Comment(page=post, author_name="A", body=f"Line {n}") for n in range(3)]
    )
    assert sorted(Comment.objects.values_list("html", flat=True)) == [
        "<p>Line 0</p>",
        "<p>Line 1</p>",
        "<p>Line 2</p>",
    ]


@pytest.mark.django_db
def test_comment_feeds_carry_the_stored_html(client, post):
    comment = CommentFactory(page=post, body="Plain words")
    Comment.objects.filter(pk=comment.pk).update(html="<p>Stored <em>feed</em></p>")
    for url in (f"/comments/{post.pk}/feed/", "/comments/feed/"):
        body = client.get(url).content.decode()
        assert "&lt;p&gt;Stored &lt;em&gt;feed&lt;/em&gt;&lt;/p&gt;" in body, url


@pytest.mark.django_db
def test_imported_comments_arrive_with_their_html(blog, client):
    call_command("import_blogger", str(SEED_CLASSIC), stdout=io.StringIO())
    comments = list(Comment.objects.filter(status=Comment.Status.APPROVED))
    assert comments
    for comment in comments:
        assert comment.html.startswith("<p>"), comment.source_id
    first = comments[0]
    page = client.get(first.page.specific.url).content.decode()
    assert first.html in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_stores_html_of_comments_saved_before_it():
    executor = MigrationExecutor(connection)
    executor.migrate([("readers", "0003_comment_html")])
    apps = executor.loader.project_state([("readers", "0003_comment_html")]).apps
    Page = apps.get_model("wagtailcore", "Page")
    OldComment = apps.get_model("readers", "Comment")
    OldComment.objects.create(
        page=Page.objects.get(depth=2),
        author_name="Old reader",
        body="Read https://example.org\nthen reply",
        created_at=timezone.now(),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    stored = Comment.objects.get(author_name="Old reader")
    assert stored.html == (
        '<p>Read <a href="https://example.org" rel="nofollow ugc">'
        "https://example.org</a><br>then reply</p>"
    )
