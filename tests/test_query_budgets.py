"""SQL query budgets of the public pages, rendered cold (no page cache).

Each page is measured on a small site, then again after the content grew (more
posts, labels and months; 500 comments on the post): the count must stay the same
and within its budget. A page that starts to query per post or per comment fails.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readers.models import Comment
from tests.factories import PostPageFactory, publish

UTC = datetime.UTC

# The most queries each page may take, whatever the content size.
BUDGETS = {
    "home": 14,
    # Listings show each post's labels: one prefetch query for the whole page.
    "blog index": 17,
    "label page": 19,
    "archive page": 18,
    "search": 13,
    "post with comments and related posts": 25,
}


def make_post(blog, title, when, labels):
    post = PostPageFactory(parent=blog, title=title, date=when, excerpt=title)
    post.tags.add(*labels)
    return publish(post)


def grow(blog, start: int, count: int):
    """`count` more posts over several years and months, sharing labels."""
    for n in range(start, start + count):
        when = datetime.datetime(2010 + n % 4, 1 + n % 12, 10, tzinfo=UTC)
        make_post(blog, f"Kimchi note {n}", when, ["food", f"topic {n % 5}"])


def add_comments(post, count: int, start: int = 0):
    """Approved comments, a third of them replies, in one insert."""
    comments = Comment.objects.bulk_create(
        Comment(
            page=post,
            author_name=f"Reader {n}",
            author_email=f"r{n}@example.org",
            author_url="https://example.org/" if n % 7 == 0 else "",
            body=f"Comment number {n} with a link https://example.org/{n}",
            status=Comment.Status.APPROVED,
        )
        for n in range(start, start + count)
    )
    replies = comments[1::3]
    for reply, parent in zip(replies, comments[::3], strict=False):
        reply.parent = parent
    Comment.objects.bulk_update(replies, ["parent"])


@pytest.fixture
def site(blog):
    post = make_post(
        blog,
        "Kimchi and winter",
        datetime.datetime(2012, 3, 5, tzinfo=UTC),
        ["food", "topic 1"],
    )
    grow(blog, 0, 3)
    add_comments(post, 5)
    return blog, post


def urls(blog, post):
    return {
        "home": "/",
        "blog index": blog.url,
        "label page": f"{blog.url}label/food/",
        "archive page": f"{blog.url}2012/03/",
        "search": "/search/?q=kimchi",
        "post with comments and related posts": post.url,
    }


def count_queries(client, url) -> int:
    client.get(url)  # the first request fills per-process caches (site root)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_public_pages_keep_their_query_budget_as_content_grows(client, site):
    blog, post = site
    small = {name: count_queries(client, url) for name, url in urls(blog, post).items()}
    grow(blog, 3, 14)
    add_comments(post, 495, start=5)
    assert Comment.objects.filter(page=post).count() == 500
    large = {name: count_queries(client, url) for name, url in urls(blog, post).items()}
    assert large == small
    over = {name: n for name, n in large.items() if n > BUDGETS[name]}
    assert not over, f"over budget: {over} (budgets {BUDGETS})"


def test_the_post_page_shows_all_500_comments_and_related_posts(client, site):
    blog, post = site
    add_comments(post, 495, start=5)
    html = client.get(post.url).content.decode()
    assert "500 comments" in html
    assert html.count('class="comment ') + html.count('class="comment"') >= 500
    assert "Related posts" in html
