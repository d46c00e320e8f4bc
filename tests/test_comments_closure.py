"""Comment closure: the site's age rule, per-post policies, explicit closing
times, the forged-POST refusal and `manage.py close_comments` over time."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from posts.models import PostPage
from readers import closure
from readers.models import Comment
from tests.comments_support import comment_settings, form_data, post_url
from tests.factories import CommentFactory, PostPageFactory

SITE_NOTICE = "Comments are not available on posts older than 60 days."


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import cache

    cache.clear()


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def text(response):
    return response.content.decode()


@pytest.mark.django_db
def test_post_older_than_60_days_shows_no_form_no_reply_and_the_notice(client, blog):
    old = PostPageFactory(parent=blog, date=days_ago(61))
    comment = CommentFactory(page=old, body="From the old days")
    page = text(client.get(old.url))
    assert "From the old days" in page
    assert SITE_NOTICE in page
    assert 'id="comment-form"' not in page
    assert "replyto=" not in page
    assert f"?replyto={comment.pk}" not in page


@pytest.mark.django_db
def test_comment_on_post_older_than_60_days_is_refused_with_403(client, blog):
    old = PostPageFactory(parent=blog, date=days_ago(61))
    response = client.post(post_url(old), form_data(old))
    assert response.status_code == 403
    assert SITE_NOTICE in text(response)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_post_59_days_old_still_takes_comments(client, blog):
    recent = PostPageFactory(parent=blog, date=days_ago(59))
    assert 'id="comment-form"' in text(client.get(recent.url))
    assert client.post(post_url(recent), form_data(recent)).status_code == 302


@pytest.mark.django_db
def test_notice_uses_the_number_of_days_from_the_settings(client, blog):
    comment_settings(close_after_days=30)
    post = PostPageFactory(parent=blog, date=days_ago(31))
    page = text(client.get(post.url))
    assert "Comments are not available on posts older than 30 days." in page


@pytest.mark.django_db
def test_empty_setting_never_closes_comments(client, blog):
    comment_settings(close_after_days=None)
    ancient = PostPageFactory(parent=blog, date=days_ago(5000))
    assert closure.comments_open(ancient)
    assert closure.closes_at(ancient) is None
    assert 'id="comment-form"' in text(client.get(ancient.url))


@pytest.mark.django_db
def test_open_policy_ignores_the_age_rule(blog):
    post = PostPageFactory(parent=blog, date=days_ago(400), comment_policy="open")
    assert closure.comments_open(post)


@pytest.mark.django_db
def test_locked_post_shows_comments_but_takes_none(client, blog):
    post = PostPageFactory(parent=blog, comment_policy="locked")
    CommentFactory(page=post, body="Before the lock")
    page = text(client.get(post.url))
    assert "Before the lock" in page
    assert "Comments on this post are closed." in page
    assert 'id="comment-form"' not in page
    assert "replyto=" not in page
    response = client.post(post_url(post), form_data(post))
    assert response.status_code == 403
    assert "Comments on this post are closed." in text(response)
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_hidden_post_shows_no_comments_and_takes_none(client, blog):
    post = PostPageFactory(parent=blog, comment_policy="hidden")
    CommentFactory(page=post, body="Nobody sees this")
    page = text(client.get(post.url))
    assert "Nobody sees this" not in page
    assert "post-comment-count" not in page
    assert 'id="comment-form"' not in page
    response = client.post(post_url(post), form_data(post))
    assert response.status_code == 403
    assert Comment.objects.count() == 1
    assert client.get(f"/comments/{post.pk}/feed/").status_code == 404


@pytest.mark.django_db
def test_explicit_closing_time_overrides_the_age_rule(client, blog):
    young_but_closed = PostPageFactory(
        parent=blog, date=days_ago(2), comments_close_at=days_ago(1)
    )
    old_but_open = PostPageFactory(
        parent=blog,
        date=days_ago(100),
        comments_close_at=timezone.now() + datetime.timedelta(days=3),
    )
    page = text(client.get(young_but_closed.url))
    assert "Comments on this post closed on" in page
    assert 'id="comment-form"' not in page
    assert (
        client.post(post_url(young_but_closed), form_data(young_but_closed)).status_code
        == 403
    )
    assert closure.comments_open(old_but_open)


@pytest.mark.django_db
def test_age_counts_from_publication_never_from_a_future_date(blog):
    post = PostPageFactory(parent=blog, date=days_ago(61))
    post.date = timezone.now() + datetime.timedelta(days=30)
    post.first_published_at = days_ago(61)
    assert closure.published_at(post) == post.first_published_at
    assert not closure.comments_open(post)


@pytest.mark.django_db
def test_page_with_no_date_is_open(blog):
    post = PostPageFactory(parent=blog)
    post.date = None
    post.first_published_at = None
    assert closure.comments_open(post)
    assert closure.closes_at(post) is None


@pytest.mark.django_db
def test_imported_post_date_decides_not_the_import_time(blog):
    imported = PostPageFactory(
        parent=blog,
        date=datetime.datetime(2012, 3, 5, 10, 0, tzinfo=datetime.UTC),
        first_published_at=timezone.now(),
    )
    assert not closure.comments_open(imported)
    expected = imported.date + datetime.timedelta(days=60)
    assert closure.closes_at(imported) == expected


@pytest.mark.django_db
def test_closes_at_lists_what_closes_soon(blog):
    soon = PostPageFactory(parent=blog, date=days_ago(55))
    assert closure.closes_at(soon) == soon.date + datetime.timedelta(days=60)
    locked = PostPageFactory(parent=blog, comment_policy="locked")
    assert closure.closes_at(locked) is None


@pytest.mark.django_db
def test_closure_follows_time_moved_forward(client, blog):
    post = PostPageFactory(parent=blog, date=days_ago(10))
    later = timezone.now() + datetime.timedelta(days=51)
    assert closure.comments_open(post)
    assert not closure.comments_open(post, now=later)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = text(client.get(post.url))
        assert SITE_NOTICE in page
        assert client.post(post_url(post), form_data(post)).status_code == 403


# manage.py close_comments ---------------------------------------------------


def run_close_comments():
    out = StringIO()
    call_command("close_comments", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_close_comments_records_the_closing_and_purges_once(
    blog, frontend_cache, django_capture_on_commit_callbacks
):
    post = PostPageFactory(parent=blog, date=days_ago(10))
    fresh = PostPageFactory(parent=blog, date=days_ago(1))
    later = timezone.now() + datetime.timedelta(days=51)

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return run_close_comments()

    assert "Closed comments on 0 post(s)" in run()
    assert frontend_cache == []
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Closed comments on 1 post(s)" in run()
        assert frontend_cache.count(post.full_url) == 1
        assert fresh.full_url not in frontend_cache
        # Idempotent: a second run changes nothing and purges nothing.
        assert "Closed comments on 0 post(s)" in run()
        assert frontend_cache.count(post.full_url) == 1
    post = PostPage.objects.get(pk=post.pk)
    assert post.comments_closed_at == post.date + datetime.timedelta(days=60)
    assert PostPage.objects.get(pk=fresh.pk).comments_closed_at is None


@pytest.mark.django_db
def test_close_comments_forgets_the_closing_when_an_editor_reopens(blog):
    post = PostPageFactory(parent=blog, date=days_ago(100))
    run_close_comments()
    assert PostPage.objects.get(pk=post.pk).comments_closed_at is not None
    PostPage.objects.filter(pk=post.pk).update(comment_policy="open")
    assert "1 post(s) reopened" in run_close_comments()
    assert PostPage.objects.get(pk=post.pk).comments_closed_at is None
