"""The moderation queue in the admin: list, filters, search, bulk actions, the
pending count in the menu, the dashboard panel, and cache purges on approval."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from readers.models import Comment
from tests.comments_support import form_data, post_url
from tests.factories import CommentFactory, PostPageFactory

INDEX = "/admin/readers/comment/"
BULK = "/admin/readers/comment/bulk/"


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def moderator(client, db):
    user = get_user_model().objects.create_superuser(
        "moderator", "moderator@example.com", "pw"
    )
    client.force_login(user)
    return user


@pytest.fixture
def post(blog):
    return PostPageFactory(parent=blog, title="On kimchi")


def text(response):
    return response.content.decode()


@pytest.mark.django_db
def test_reader_comment_waits_in_the_queue_then_a_moderator_approves_it(
    client, post, moderator
):
    """The issue's whole story: comment, queue, approve, visible."""
    reader = type(client)()
    reader.post(post_url(post), form_data(post, body="Is kimchi always spicy?"))
    # The reader is told it awaits moderation; nobody else sees it yet.
    assert "awaiting moderation" in text(reader.get(post.url))
    assert "Is kimchi always spicy?" not in text(type(client)().get(post.url))

    queue = text(client.get(INDEX, {"status": "pending"}))
    assert "Is kimchi always spicy?" in queue
    comment = Comment.objects.get()

    response = client.post(
        BULK, {"action": "approve", "comment": [comment.pk], "next": INDEX}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.approved_by == moderator
    assert comment.approved_at is not None
    assert "Is kimchi always spicy?" in text(reader.get(post.url))


@pytest.mark.django_db
def test_list_shows_status_post_author_excerpt_and_links_to_the_post(
    client, post, moderator
):
    comment = CommentFactory(
        page=post, author_name="Jae", body="word " * 120, status="pending"
    )
    page = text(client.get(INDEX))
    assert "Pending" in page
    assert "Jae" in page
    assert f'href="{post.url}#comment-{comment.pk}"' in page
    assert "On kimchi" in page
    assert "word word" in page
    assert ("word " * 120).strip() not in page  # an excerpt, not the whole body


@pytest.mark.django_db
def test_filter_by_status_and_post_and_search(client, blog, moderator):
    first = PostPageFactory(parent=blog, title="First post")
    second = PostPageFactory(parent=blog, title="Second post")
    CommentFactory(page=first, body="Alpha approved", status="approved")
    CommentFactory(page=first, body="Bravo pending", status="pending")
    CommentFactory(page=second, body="Charlie spam", status="spam")

    pending = text(client.get(INDEX, {"status": "pending"}))
    assert "Bravo pending" in pending
    assert "Alpha approved" not in pending

    on_second = text(client.get(INDEX, {"page": second.pk, "status": "all"}))
    assert "Charlie spam" in on_second
    assert "Bravo pending" not in on_second

    found = text(client.get(INDEX, {"q": "alpha", "status": "all"}))
    assert "Alpha approved" in found
    assert "Charlie spam" not in found


@pytest.mark.django_db
def test_bulk_spam_and_remove(client, post, moderator):
    spam = CommentFactory(page=post, status="pending")
    rude = CommentFactory(page=post, status="approved")
    client.post(BULK, {"action": "spam", "comment": [spam.pk]})
    client.post(BULK, {"action": "remove", "comment": [rude.pk]})
    spam.refresh_from_db()
    rude.refresh_from_db()
    assert spam.status == Comment.Status.SPAM
    assert rude.status == Comment.Status.REMOVED
    assert rude.moderated_by == moderator


@pytest.mark.django_db
def test_bulk_needs_the_change_permission(client, post):
    editor = get_user_model().objects.create_user("editor", "e@example.com", "pw")
    editors = Group.objects.create(name="Readers only")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(editors)
    client.force_login(editor)
    comment = CommentFactory(page=post, status="pending")
    response = client.post(BULK, {"action": "approve", "comment": [comment.pk]})
    assert response.status_code in (302, 403)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.django_db
def test_bulk_index_has_checkboxes_and_actions(client, post, moderator):
    comment = CommentFactory(page=post, status="pending")
    page = text(client.get(INDEX))
    assert f'name="comment" value="{comment.pk}"' in page
    for action in ("approve", "spam", "remove"):
        assert f'name="action" value="{action}"' in page


@pytest.mark.django_db
def test_menu_label_shows_the_pending_count(client, post, moderator):
    CommentFactory.create_batch(3, page=post, status="pending")
    CommentFactory(page=post, status="approved")
    page = text(client.get("/admin/"))
    assert "Readers" in page
    assert "Comments (3)" in page


@pytest.mark.django_db
def test_dashboard_panel_links_to_the_queue(client, post, moderator):
    CommentFactory.create_batch(2, page=post, status="pending")
    page = text(client.get("/admin/"))
    assert "2 comments awaiting moderation" in page
    assert f"{INDEX}" in page


@pytest.mark.django_db
def test_approving_or_removing_purges_the_post_from_caches(
    client, frontend_cache, post, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(page=post, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BULK, {"action": "approve", "comment": [comment.pk]})
    assert frontend_cache.count(post.full_url) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BULK, {"action": "remove", "comment": [comment.pk]})
    assert frontend_cache.count(post.full_url) == 2


@pytest.mark.django_db
def test_admin_offers_no_add_button(client, post, moderator):
    CommentFactory(page=post)
    assert client.get("/admin/readers/comment/create/").status_code != 200
    assert "/admin/readers/comment/create/" not in text(client.get(INDEX))


@pytest.mark.django_db
def test_moderation_rules_are_editable_in_the_admin_settings(client, post, moderator):
    from wagtail.models import Site

    from readers.models import CommentSettings

    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/readers/commentsettings/{site.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "moderation": "known",
            "link_limit": "3",
            "moderation_words": "politics",
            "spam_words": "casino",
            "notify_moderators": "on",
            "close_after_days": "",
            "max_depth": "3",
        },
    )
    assert response.status_code == 302
    rules = CommentSettings.for_site(site)
    assert rules.moderation == "known"
    assert rules.close_after_days is None
    assert rules.max_depth == 3


@pytest.mark.django_db
def test_changing_the_status_in_the_edit_form_counts_as_moderation(
    client, frontend_cache, post, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(page=post, status="pending", body="Edit me")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{INDEX}edit/{comment.pk}/",
            {
                "status": "approved",
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": "",
                "body": "Edit me, fixed",
            },
        )
    assert response.status_code == 302
    assert frontend_cache.count(post.full_url) == 1
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.approved_by == moderator
    assert comment.body == "Edit me, fixed"


@pytest.mark.django_db
def test_deleting_a_comment_purges_its_post(
    client, frontend_cache, post, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(page=post)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{INDEX}delete/{comment.pk}/")
    assert response.status_code == 302
    assert frontend_cache.count(post.full_url) == 1
    assert not Comment.objects.exists()
