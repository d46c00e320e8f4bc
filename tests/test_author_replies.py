"""Replies from the blog's team: published at once, threaded, labelled as the
author's. Through the post page (a signed-in editor) and the named function
the admin reply uses."""

import pytest
from django.contrib.auth.models import Group

from posts import editorial
from readers.models import Comment
from readers.replies import ReplyRefused, reply_as_blog_author
from tests.comments_support import comment_settings, form_data, post_url
from tests.factories import CommentFactory, PostPageFactory, UserFactory, publish

pytestmark = pytest.mark.django_db


def member_of(group_name, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def post(blog):
    return publish(PostPageFactory(parent=blog, title="On kimchi"))


@pytest.fixture
def reader_comment(post):
    return CommentFactory(page=post, author_name="Min-jung", body="Is it spicy?")


def text(response):
    return response.content.decode()


def test_signed_in_editor_replies_on_the_site_without_name_or_email(
    client, post, reader_comment
):
    editor = member_of(editorial.EDITORS, first_name="The", last_name="Korean")
    client.force_login(editor)

    page = text(client.get(f"{post.url}?replyto={reader_comment.pk}"))
    assert 'name="name"' not in page
    assert 'name="email"' not in page
    assert "published at once" in page

    response = client.post(
        post_url(post), {"body": "Only a little.", "parent": reader_comment.pk}
    )
    reply = Comment.objects.get(parent=reader_comment)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    assert reply.status == Comment.Status.APPROVED
    assert reply.by_blog_author
    assert reply.author_name == "The Korean"
    assert reply.approved_by == editor

    reader = type(client)()
    thread = text(reader.get(post.url))
    # Threaded under the reader's comment, with a worded label.
    start = thread.index(f'id="comment-{reader_comment.pk}"')
    nested = thread.index(f'id="comment-{reply.pk}"')
    assert start < thread.index('class="comment-replies"') < nested
    assert "Only a little." in thread
    assert thread.count('<span class="comment-badge">Blog author</span>') == 1
    assert 'class="comment comment-by-author"' in thread


def test_site_name_for_the_author_replaces_the_editors_own(
    client, post, reader_comment
):
    comment_settings(author_reply_name="The Korean")
    editor = member_of(editorial.EDITORS, first_name="Jae")
    client.force_login(editor)
    client.post(post_url(post), {"body": "Thanks!", "parent": reader_comment.pk})
    assert Comment.objects.get(parent=reader_comment).author_name == "The Korean"


def test_readers_still_give_a_name_and_wait_for_moderation(client, post):
    page = text(client.get(post.url))
    assert 'name="name"' in page and 'name="email"' in page
    client.post(post_url(post), form_data(post, body="Great post"))
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert not comment.by_blog_author


def test_author_replies_on_an_own_post_but_not_as_author_on_others(client, blog):
    author = member_of(editorial.AUTHORS)
    own = publish(PostPageFactory(parent=blog, owner=author))
    other = publish(PostPageFactory(parent=blog))
    client.force_login(author)

    client.post(post_url(own), {"body": "My own words."})
    assert Comment.objects.get(page=own).by_blog_author

    # On someone else's post the author is a reader like any other.
    assert 'name="email"' in text(client.get(other.url))
    response = client.post(post_url(other), {"body": "Not mine."})
    assert response.status_code == 400
    assert not Comment.objects.filter(page=other).exists()


def test_empty_author_reply_is_refused_with_the_reason(client, post):
    client.force_login(member_of(editorial.EDITORS))
    response = client.post(post_url(post), {"body": "   "})
    assert response.status_code == 400
    assert "Please write a comment." in text(response)
    assert not Comment.objects.exists()


def test_replying_to_a_pending_comment_approves_it(post):
    moderator = member_of(editorial.MODERATORS)
    waiting = CommentFactory(page=post, status=Comment.Status.PENDING)
    reply = reply_as_blog_author(post, "Welcome!", moderator, parent=waiting)
    waiting.refresh_from_db()
    assert waiting.status == Comment.Status.APPROVED
    assert waiting.approved_by == moderator
    assert reply.parent == waiting and reply.by_blog_author


@pytest.mark.parametrize("status", [Comment.Status.SPAM, Comment.Status.REMOVED])
def test_no_reply_under_spam_or_removed_comments(post, status):
    hidden = CommentFactory(page=post, status=status)
    with pytest.raises(ReplyRefused):
        reply_as_blog_author(
            post, "Hello", member_of(editorial.MODERATORS), parent=hidden
        )
    assert not Comment.objects.filter(parent=hidden).exists()
