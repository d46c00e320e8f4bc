"""Atom feeds of approved comments, linked from the post's head."""

import pytest
from defusedxml import ElementTree as ET

from tests.factories import CommentFactory, PostPageFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    root = ET.fromstring(response.content)
    return [
        (
            entry.find(f"{ATOM}author/{ATOM}name").text,
            entry.find(f"{ATOM}summary").text,
            entry.find(f"{ATOM}link").get("href"),
        )
        for entry in root.findall(f"{ATOM}entry")
    ]


@pytest.mark.django_db
def test_post_feed_lists_only_that_posts_approved_comments(client, blog):
    post = PostPageFactory(parent=blog)
    other = PostPageFactory(parent=blog)
    shown = CommentFactory(page=post, author_name="Seo-yeon", body="Lovely <b>post</b>")
    CommentFactory(page=post, body="Not yet", status="pending")
    CommentFactory(page=post, body="Gone", status="removed")
    CommentFactory(page=other, body="Elsewhere")

    response = client.get(f"/comments/{post.pk}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    found = entries(response)
    assert len(found) == 1
    name, summary, link = found[0]
    assert name == "Seo-yeon"
    assert "Lovely &lt;b&gt;post&lt;/b&gt;" in summary
    assert link.endswith(f"{post.url}#comment-{shown.pk}")


@pytest.mark.django_db
def test_site_feed_lists_latest_approved_comments_newest_first(client, blog):
    first = PostPageFactory(parent=blog)
    second = PostPageFactory(parent=blog)
    CommentFactory(page=first, body="Older")
    CommentFactory(page=second, body="Newer")
    CommentFactory(page=second, body="Spammy", status="spam")
    found = entries(client.get("/comments/feed/"))
    assert [summary for _, summary, _ in found] == ["<p>Newer</p>", "<p>Older</p>"]


@pytest.mark.django_db
def test_post_head_links_both_feeds(client, blog):
    post = PostPageFactory(parent=blog)
    page = client.get(post.url).content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" '
        f'title="Comments on “{post.title}”" href="/comments/{post.pk}/feed/">'
    ) in page
    assert 'href="/comments/feed/"' in page


@pytest.mark.django_db
def test_feed_of_a_missing_page_is_404(client, db):
    assert client.get("/comments/999999/feed/").status_code == 404


@pytest.mark.django_db
def test_feed_links_a_commenters_website_only_when_it_is_a_web_address(client, blog):
    post = PostPageFactory(parent=blog)
    CommentFactory(page=post, author_url="https://reader.example.com/")
    CommentFactory(page=post, author_url="javascript:alert(1)")
    feed = client.get(f"/comments/{post.pk}/feed/").content.decode()
    assert "<uri>https://reader.example.com/</uri>" in feed
    assert "javascript:" not in feed
