"""Reader comments on the public site: posting, moderation, threads, safety."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readers.models import Comment
from tests.comments_support import comment_settings, form_data, post_url
from tests.factories import CommentFactory, PostPageFactory, QuestionPostPageFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(blog):
    return PostPageFactory(parent=blog, title="Why Koreans eat seaweed soup")


def text(response):
    return response.content.decode()


# Posting -----------------------------------------------------------------


@pytest.mark.django_db
def test_new_comment_waits_for_moderation_and_says_so(client, post):
    response = client.post(post_url(post), form_data(post), follow=True)

    assert response.redirect_chain[0][1] == 302
    assert response.redirect_chain[0][0].startswith(post.url)
    assert "Your comment is awaiting moderation" in text(response)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    # Only in the writer's own confirmation, never in the public thread.
    thread = text(response).split('id="comment-confirmation"')[0]
    assert "Thank you for explaining this." not in thread


@pytest.mark.django_db
def test_approved_comment_appears_numbered_with_permalink(client, post):
    client.post(post_url(post), form_data(post))
    comment = Comment.objects.get()
    comment.approve()

    page = text(client.get(post.url))
    assert "Thank you for explaining this." in page
    assert f'id="comment-{comment.pk}"' in page
    assert f'href="#comment-{comment.pk}"' in page
    assert "#1" in page
    assert '<p class="post-comment-count"><a href="#comments">1 comment</a>' in page


@pytest.mark.django_db
def test_comments_show_oldest_first_and_numbered_in_order(client, post):
    first = CommentFactory(page=post, body="First words")
    second = CommentFactory(page=post, body="Second words")
    page = text(client.get(post.url))
    assert page.index("First words") < page.index("Second words")
    assert re.search(rf'id="comment-{first.pk}".*?#1<', page, re.S)
    assert re.search(rf'id="comment-{second.pk}".*?#2<', page, re.S)


@pytest.mark.django_db
def test_reply_link_prefills_the_parent_and_reply_threads_under_it(client, post):
    parent = CommentFactory(page=post, author_name="Hyun")
    page = text(client.get(post.url))
    assert f'href="?replyto={parent.pk}#comment-form"' in page

    reply_form = text(client.get(f"{post.url}?replyto={parent.pk}"))
    assert f'name="parent" value="{parent.pk}"' in reply_form
    assert "Reply to #1 by Hyun" in reply_form

    client.post(post_url(post), form_data(post, parent=parent.pk, body="Agreed!"))
    reply = Comment.objects.get(body="Agreed!")
    assert reply.parent == parent
    reply.approve()
    page = text(client.get(post.url))
    nested = re.search(
        rf'id="comment-{parent.pk}".*?<ol class="comment-replies">.*?'
        rf'id="comment-{reply.pk}"',
        page,
        re.S,
    )
    assert nested, "the reply should render inside its parent's list"


@pytest.mark.django_db
def test_replies_go_no_deeper_than_the_site_setting(client, post):
    comment_settings(max_depth=2)
    top = CommentFactory(page=post)
    reply = CommentFactory(page=post, parent=top)
    page = text(client.get(post.url))
    assert f"?replyto={top.pk}#" in page
    assert f"?replyto={reply.pk}#" not in page


@pytest.mark.django_db
def test_removed_comment_keeps_its_place_so_replies_stay_readable(client, post):
    top = CommentFactory(page=post, body="Something rude")
    reply = CommentFactory(page=post, parent=top, body="Please be kind")
    top.remove()
    page = text(client.get(post.url))
    assert "Something rude" not in page
    assert "This comment has been removed" in page
    assert page.index("This comment has been removed") < page.index("Please be kind")
    assert f'id="comment-{reply.pk}"' in page


@pytest.mark.django_db
def test_pending_and_spam_comments_are_not_shown(client, post):
    CommentFactory(page=post, body="Waiting here", status=Comment.Status.PENDING)
    CommentFactory(page=post, body="Buy pills", status=Comment.Status.SPAM)
    page = text(client.get(post.url))
    assert "Waiting here" not in page
    assert "Buy pills" not in page
    assert "0 comments" in page


@pytest.mark.django_db
def test_question_posts_take_comments_too(client, blog):
    question_post = QuestionPostPageFactory(parent=blog)
    CommentFactory(page=question_post, body="Great answer")
    page = text(client.get(question_post.url))
    assert "Great answer" in page
    assert 'id="comment-form"' in page


@pytest.mark.django_db
def test_form_errors_show_again_with_the_readers_text_kept(client, post):
    response = client.post(
        post_url(post), form_data(post, email="not-an-address", body="My long text")
    )
    assert response.status_code == 400
    assert "My long text" in text(response)
    assert "Enter a valid email address." in text(response)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_too_long_comment_gets_a_clear_error(client, post):
    response = client.post(post_url(post), form_data(post, body="가" * 5001))
    assert response.status_code == 400
    assert "Please keep your comment under 5,000 characters (it has 5,001)." in text(
        response
    )
    assert not Comment.objects.exists()


# Safety: nothing a reader writes reaches another reader as markup ----------


@pytest.mark.django_db
def test_comment_html_and_script_are_shown_as_text(client, post):
    CommentFactory(
        page=post,
        author_name="<b>Bold</b>",
        body='<script>alert("x")</script><img src=x onerror=alert(1)>',
    )
    page = text(client.get(post.url))
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page


@pytest.mark.django_db
def test_links_in_comments_are_nofollow_ugc_and_lines_kept(client, post):
    CommentFactory(
        page=post,
        body="See https://example.com/guide\nSecond line",
        author_url="https://minjung.example.com/",
    )
    CommentFactory(page=post, author_name="Trick", author_url="javascript:alert(1)")
    page = text(client.get(post.url))
    assert (
        '<a href="https://example.com/guide" rel="nofollow ugc">'
        "https://example.com/guide</a><br>Second line"
    ) in page
    assert 'href="https://minjung.example.com/" rel="nofollow ugc"' in page
    assert "javascript:alert" not in page


@pytest.mark.django_db
def test_email_addresses_never_appear_on_the_page_or_in_feeds(client, post):
    CommentFactory(page=post, author_email="private.reader@example.org")
    pending = CommentFactory(
        page=post, author_email="waiting@example.org", status=Comment.Status.PENDING
    )
    CommentFactory(page=post, parent=pending, author_email="reply@example.org")
    pages = [
        client.get(post.url),
        client.get(f"/comments/{post.pk}/feed/"),
        client.get("/comments/feed/"),
    ]
    for response in pages:
        assert response.status_code == 200
        for address in ("private.reader@", "waiting@", "reply@"):
            assert address not in text(response)


# Spam and flood defences --------------------------------------------------


@pytest.mark.django_db
def test_filled_honeypot_is_refused(client, post):
    response = client.post(post_url(post), form_data(post, subject="Cheap watches"))
    assert response.status_code == 400
    assert "Your comment could not be accepted." in text(response)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_form_sent_too_fast_is_refused(client, post):
    response = client.post(post_url(post), form_data(post, loaded_seconds_ago=0))
    assert response.status_code == 400
    assert "That was quick!" in text(response)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_form_loaded_days_ago_is_refused(client, post):
    response = client.post(
        post_url(post), form_data(post, loaded_seconds_ago=3 * 24 * 3600)
    )
    assert response.status_code == 400
    assert "This form has expired." in text(response)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_forged_or_missing_timestamp_is_refused(client, post, blog):
    other = PostPageFactory(parent=blog)
    for token in ("", "abc:def", form_data(other)["token"]):
        response = client.post(post_url(post), form_data(post, token=token))
        assert response.status_code == 400
        assert "The form was damaged." in text(response)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_one_address_posting_too_quickly_gets_429(client, post):
    statuses = [
        client.post(post_url(post), form_data(post, body=f"Comment {n}")).status_code
        for n in range(7)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429, 429]
    response = client.post(post_url(post), form_data(post, body="Still going"))
    assert "You are posting comments too quickly" in text(response)
    assert "Still going" in text(response)
    assert Comment.objects.count() == 5


@pytest.mark.django_db
def test_rate_limit_counts_each_address_separately(post):
    for n in range(5):
        Client(REMOTE_ADDR="10.0.0.1").post(
            post_url(post), form_data(post, body=f"a{n}")
        )
    other = Client(REMOTE_ADDR="10.0.0.2").post(post_url(post), form_data(post))
    assert other.status_code == 302


@pytest.mark.django_db
def test_the_same_comment_twice_gets_409(client, post):
    assert client.post(post_url(post), form_data(post)).status_code == 302
    again = client.post(
        post_url(post), form_data(post, body="  Thank you for explaining   THIS. ")
    )
    assert again.status_code == 409
    assert "already said that" in text(again)
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_a_double_submit_racing_past_the_database_check_gets_409(client, post):
    from unittest import mock

    # Both requests check the database before either has saved: the shared
    # cache still lets only one through.
    with mock.patch("readers.comments.is_duplicate", return_value=False):
        first = client.post(post_url(post), form_data(post))
        second = client.post(post_url(post), form_data(post))
    assert (first.status_code, second.status_code) == (302, 409)
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused(post):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(post_url(post), form_data(post))
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_form_from_the_page_carries_a_csrf_token(post):
    strict = Client(enforce_csrf_checks=True)
    page = text(strict.get(post.url))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = form_data(post, csrfmiddlewaretoken=token)
    assert strict.post(post_url(post), data).status_code == 302


@pytest.mark.django_db
def test_ip_is_stored_only_as_a_keyed_hash(post):
    Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Tester/1.0").post(
        post_url(post), form_data(post)
    )
    comment = Comment.objects.get()
    assert "203.0.113.9" not in comment.ip_hash
    assert len(comment.ip_hash) == 64
    assert comment.user_agent == "Tester/1.0"


# Moderation rules from the site settings -----------------------------------


@pytest.mark.django_db
def test_publish_at_once_setting_shows_the_comment_immediately(client, post):
    comment_settings(moderation="none")
    response = client.post(post_url(post), form_data(post), follow=True)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert response.redirect_chain[0][0].endswith(f"#comment-{comment.pk}")
    assert "your comment is published" in text(response)
    assert "Thank you for explaining this." in text(response)


@pytest.mark.django_db
def test_the_form_tells_readers_how_comments_are_moderated(client, post):
    held = "Comments are read by a moderator before they appear."
    assert held in text(client.get(post.url))
    comment_settings(moderation="known")
    assert "A first comment is read by a moderator" in text(client.get(post.url))
    comment_settings(moderation="none")
    assert "read by a moderator" not in text(client.get(post.url))


@pytest.mark.django_db
def test_known_author_setting_approves_someone_already_approved(client, post):
    comment_settings(moderation="known")
    # The same name and address as an approved comment (the address in any case).
    CommentFactory(
        page=post, author_name="Min-jung", author_email="MinJung@example.org"
    )
    client.post(post_url(post), form_data(post))
    client.post(post_url(post), form_data(post, email="new@example.org", body="Hi"))
    assert Comment.objects.get(author_email="minjung@example.org").status == (
        Comment.Status.APPROVED
    )
    assert Comment.objects.get(author_email="new@example.org").status == (
        Comment.Status.PENDING
    )


@pytest.mark.django_db
def test_comment_with_too_many_links_waits_even_when_publishing_at_once(client, post):
    comment_settings(moderation="none", link_limit=2)
    client.post(post_url(post), form_data(post, body="One https://a.example"))
    client.post(
        post_url(post),
        form_data(
            post, body="Two https://a.example and www.b.example", email="b@x.org"
        ),
    )
    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses["One https://a.example"] == Comment.Status.APPROVED
    assert statuses["Two https://a.example and www.b.example"] == (
        Comment.Status.PENDING
    )


@pytest.mark.django_db
def test_moderation_and_spam_words(client, post):
    comment_settings(
        moderation="none", moderation_words="politics\n", spam_words="casino\nviagra"
    )
    client.post(post_url(post), form_data(post, body="About POLITICS here"))
    client.post(
        post_url(post), form_data(post, body="Best Casino online", email="s@x.org")
    )
    client.post(
        post_url(post), form_data(post, body="Cassino is a town", email="t@x.org")
    )
    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses["About POLITICS here"] == Comment.Status.PENDING
    assert statuses["Best Casino online"] == Comment.Status.SPAM
    assert statuses["Cassino is a town"] == Comment.Status.APPROVED


@pytest.mark.django_db
def test_moderators_get_an_email_for_each_pending_comment(
    client, post, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("mod", "mod@example.com", "pw")
    get_user_model().objects.create_user("reader", "reader@example.com", "pw")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(post), form_data(post))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mod@example.com"]
    assert "Why Koreans eat seaweed soup" in message.subject
    assert "Thank you for explaining this." in message.body
    assert "/admin/readers/comment/" in message.body
    assert "Why it waits: Every new comment waits for moderation." in message.body


@pytest.mark.django_db
def test_moderators_read_why_a_comment_was_held(
    client, post, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    comment_settings(moderation="none", link_limit=2)
    get_user_model().objects.create_superuser("mod", "mod@example.com", "pw")
    body = "See https://a.example and https://b.example"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(post), form_data(post, body=body))
    assert "Why it waits: It has 2 links (the limit is 2)." in mail.outbox[0].body


@pytest.mark.django_db
def test_no_email_when_the_comment_is_published_at_once(
    client, post, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    comment_settings(moderation="none")
    get_user_model().objects.create_superuser("mod", "mod@example.com", "pw")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(post), form_data(post))
    assert mail.outbox == []


# Performance ---------------------------------------------------------------


def _comments(post, count):
    rows = []
    for n in range(count):
        rows.append(
            Comment(
                page=post,
                author_name=f"Reader {n}",
                author_email=f"r{n}@example.org",
                body=f"Comment number {n}",
                status=Comment.Status.APPROVED,
            )
        )
    Comment.objects.bulk_create(rows)
    tops = list(Comment.objects.filter(page=post).order_by("pk")[: count // 5 or 1])
    replies = [
        Comment(
            page=post,
            parent=top,
            author_name="Replier",
            body="A reply",
            status=Comment.Status.APPROVED,
        )
        for top in tops
    ]
    Comment.objects.bulk_create(replies)


@pytest.mark.django_db
def test_thread_renders_in_the_same_number_of_queries_for_5_or_500(
    client, blog, django_assert_num_queries
):
    small = PostPageFactory(parent=blog)
    large = PostPageFactory(parent=blog)
    _comments(small, 4)  # 4 comments and 1 reply
    _comments(large, 417)  # 417 comments and 83 replies
    large_count = Comment.objects.filter(page=large).count()
    assert Comment.objects.filter(page=small).count() == 5
    assert large_count == 500

    client.get(small.url)  # warm the per-process caches (site root paths)
    client.get(large.url)
    with CaptureQueriesContext(connection) as small_queries:
        client.get(small.url)
    expected = len(small_queries)
    with django_assert_num_queries(expected):
        client.get(small.url)
    with django_assert_num_queries(expected):
        response = client.get(large.url)
    assert f"{large_count} comments" in text(response)
    assert (
        text(response).count('class="comment"')
        + text(response).count('class="comment comment-removed"')
        == large_count
    )


def test_behind_a_proxy_the_address_the_proxy_saw_counts_not_what_the_client_sent(
    rf, settings
):
    from plumbing.clients import client_ip

    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
    settings.CLIENT_IP_HEADER = ""
    assert client_ip(request) == "127.0.0.1"
