"""The comments queue as a moderator (a member of the Moderators group) uses it:
opens on Pending, readable headings, per-row and bulk actions, select-all,
the comment's page titled by its post, the dashboard panel, and the reply
published as the blog's author."""

import re

import pytest
from django.contrib.auth.models import Group

from posts import editorial
from readers.models import Comment
from tests.comments_support import comment_settings
from tests.factories import CommentFactory, PostPageFactory, UserFactory, publish

pytestmark = pytest.mark.django_db

INDEX = "/admin/readers/comment/"
BULK = "/admin/readers/comment/bulk/"


def member_of(group_name, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def moderator(client):
    user = member_of(editorial.MODERATORS, first_name="Mina", last_name="Park")
    client.force_login(user)
    return user


@pytest.fixture
def post(blog):
    return publish(PostPageFactory(parent=blog, title="On kimchi"))


def text(response):
    assert response.status_code == 200
    return response.content.decode()


def headings(html):
    table = html[html.index('<table class="listing') :]
    head = table[table.index("<thead>") : table.index("</thead>")]
    cells = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", head, re.S)
    return [re.sub(r"<[^>]+>", "", cell).split() for cell in cells]


def test_queue_opens_on_pending_and_agrees_with_the_menu_count(client, post, moderator):
    CommentFactory.create_batch(3, page=post, status="pending", body="Waiting")
    CommentFactory(page=post, status="approved", body="Already out")
    CommentFactory(page=post, status="spam", body="Buy now")

    html = text(client.get(INDEX))
    assert "Comments (3)" in html
    assert html.count('name="comment" value=') == 3
    assert "Already out" not in html and "Buy now" not in html

    everything = text(client.get(INDEX, {"status": "all"}))
    assert everything.count('name="comment" value=') == 5


def test_column_headings_read_as_words(client, post, moderator):
    CommentFactory(page=post, status="pending")
    names = [" ".join(words) for words in headings(text(client.get(INDEX)))]
    assert names[1:] == ["Status", "Comment", "Author", "Post"]
    html = text(client.get(INDEX))
    for wrong in ("Select box", "Status label", "Post link"):
        assert wrong not in html


def test_comment_text_is_shown_long_enough_to_judge(client, post, moderator):
    body = "Korean food is more than kimchi. " * 10  # 330 characters
    CommentFactory(page=post, status="pending", body=body.strip())
    assert body.strip() in text(client.get(INDEX))


def test_each_row_approves_spams_or_removes_its_own_comment(client, post, moderator):
    first, second, third = CommentFactory.create_batch(3, page=post, status="pending")
    html = text(client.get(INDEX))
    for comment in (first, second, third):
        for action in ("approve", "spam", "remove"):
            assert f'name="row" value="{action}:{comment.pk}"' in html

    client.post(BULK, {"row": f"approve:{first.pk}", "comment": [third.pk]})
    client.post(BULK, {"row": f"spam:{second.pk}"})
    client.post(BULK, {"row": f"remove:{third.pk}"})
    states = {c.pk: c.status for c in Comment.objects.all()}
    assert states == {first.pk: "approved", second.pk: "spam", third.pk: "removed"}
    assert Comment.objects.get(pk=first.pk).approved_by == moderator


def test_ticked_comments_are_approved_together(client, post, moderator):
    ticked = CommentFactory.create_batch(2, page=post, status="pending")
    left = CommentFactory(page=post, status="pending")
    response = client.post(
        BULK, {"action": "approve", "comment": [c.pk for c in ticked], "next": INDEX}
    )
    assert response.status_code == 302
    assert set(Comment.objects.filter(status="approved")) == set(ticked)
    left.refresh_from_db()
    assert left.status == "pending"


def test_select_all_uses_wagtails_bulk_controller(client, post, moderator):
    CommentFactory.create_batch(2, page=post, status="pending")
    html = text(client.get(INDEX))
    assert 'data-controller="w-bulk"' in html
    assert re.search(r'<input type="checkbox" data-action="w-bulk#toggleAll"', html)
    assert 'aria-label="Select all comments on this page"' in html
    assert html.count('data-w-bulk-target="item"') == 2


def test_comment_page_is_titled_by_its_post(client, post, moderator):
    comment = CommentFactory(page=post, author_name="Jae", status="pending")
    html = text(client.get(f"{INDEX}inspect/{comment.pk}/"))
    assert "<title>Comment on “On kimchi”" in html
    assert "by Jae" in html
    assert f"on {post.pk}:" not in html


def test_dashboard_panel_sits_in_a_wagtail_panel(client, post, moderator):
    CommentFactory.create_batch(2, page=post, status="pending", body="Hold me")
    html = text(client.get("/admin/"))
    panel = html[
        html.index('<section class="w-panel w-panel--dashboard" id="pending') :
    ]
    assert "Comments awaiting moderation" in panel
    assert "2 comments awaiting moderation" in panel
    assert "Hold me" in panel


def test_moderator_replies_from_the_admin_as_the_blog_author(client, post, moderator):
    comment_settings(author_reply_name="The Korean")
    question = CommentFactory(page=post, status="pending", body="Is it spicy?")
    inspect = f"{INDEX}inspect/{question.pk}/"
    assert 'id="reply"' in text(client.get(inspect))

    response = client.post(
        f"{INDEX}reply/{question.pk}/", {"body": "Only the red kind."}
    )
    assert response.status_code == 302
    assert response["Location"] == inspect
    reply = Comment.objects.get(parent=question)
    assert reply.by_blog_author and reply.status == "approved"
    assert reply.author_name == "The Korean"
    question.refresh_from_db()
    assert question.status == "approved"  # replying let the question through

    site = type(client)().get(post.url).content.decode()
    assert "Only the red kind." in site
    assert site.index(f'id="comment-{question.pk}"') < site.index(
        f'id="comment-{reply.pk}"'
    )
    assert '<span class="comment-badge">Blog author</span>' in site


def test_an_empty_admin_reply_is_refused_and_nothing_is_stored(client, post, moderator):
    question = CommentFactory(page=post, status="approved")
    response = client.post(f"{INDEX}reply/{question.pk}/", {"body": "  "}, follow=True)
    assert "Write the reply first." in text(response)
    assert not Comment.objects.filter(parent=question).exists()


def test_a_refused_admin_reply_keeps_the_words(client, post, moderator):
    spam = CommentFactory(page=post, status="spam")
    response = client.post(
        f"{INDEX}reply/{spam.pk}/", {"body": "My careful answer"}, follow=True
    )
    html = text(response)
    assert "readers cannot see it" in html
    assert "My careful answer</textarea>" in html


@pytest.mark.parametrize("role", [editorial.AUTHORS, editorial.TRANSLATORS])
def test_roles_without_moderation_cannot_reply_or_moderate(client, post, role):
    client.force_login(member_of(role))
    comment = CommentFactory(page=post, status="pending")
    # Wagtail answers a refusal inside the admin with a redirect and a message.
    assert client.post(f"{INDEX}reply/{comment.pk}/", {"body": "Hi"}).status_code in (
        302,
        403,
    )
    assert client.post(BULK, {"row": f"approve:{comment.pk}"}).status_code in (302, 403)
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert not Comment.objects.filter(parent=comment).exists()
