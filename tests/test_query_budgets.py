"""SQL query budgets of the public pages, rendered cold (no page cache).

Each page is measured on a small site, then again after the content grew (more
posts, labels and months; 500 comments on the post): the count must stay the same
and within its budget. A page that starts to query per post or per comment fails.
"""

import datetime

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posts.models import PostPage
from readers.models import Comment
from tests.factories import PostPageFactory, QuestionPostPageFactory, publish

UTC = datetime.UTC

# The most queries each page may take, whatever the content size.
BUDGETS = {
    "home": 15,
    # Listings: each post's labels and picture, a fixed number of queries.
    "blog index": 18,
    "label page": 20,
    "archive page": 19,
    "search": 12,
    "post with comments and related posts": 22,
}


def picture(title):
    """A body that opens with a library image: listings and Open Graph show it."""
    image = wagtail_factories.ImageFactory(title=title, width=640, height=480)
    figure = {"image": image.pk, "alt_text": "", "caption": "", "credit": ""}
    return [{"type": "image", "value": figure}]


# A post read for the first time once the site-wide fragments and the blog's
# catalogue are built: the post, its labels and its comments (a post quoting a
# publication in a translation reads it too).
CRAWLED_POST_BUDGET = 3


def make_post(blog, title, when, labels, factory=PostPageFactory, pictured=True):
    body = picture(title) if pictured else []
    post = factory(parent=blog, title=title, date=when, excerpt=title, body=body)
    post.tags.add(*labels)
    return publish(post)


def grow(blog, start: int, count: int):
    """`count` more posts over several years and months, sharing labels, each
    with a picture; every third one answers a reader's question."""
    for n in range(start, start + count):
        when = datetime.datetime(2010 + n % 4, 1 + n % 12, 10, tzinfo=UTC)
        factory = QuestionPostPageFactory if n % 3 == 0 else PostPageFactory
        make_post(blog, f"Kimchi note {n}", when, ["food", f"topic {n % 5}"], factory)


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
        "search": "/search/?q=note",
        "post with comments and related posts": post.url,
    }


def count_queries(client, url) -> int:
    # The first requests fill what is read once per site version (the site
    # root, the blog's catalogue; the first also makes the settings rows,
    # which changes the site once more).
    client.get(url)
    client.get(url)
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
    assert not over, f"over budget: {over} (budgets {BUDGETS}, all {large})"


def test_the_post_page_shows_all_500_comments_and_related_posts(client, site):
    blog, post = site
    add_comments(post, 495, start=5)
    html = client.get(post.url).content.decode()
    assert "500 comments" in html
    assert html.count('class="comment ') + html.count('class="comment"') >= 500
    assert "Related posts" in html


def test_listings_read_every_listed_posts_picture_in_one_query(client, site):
    blog, post = site
    grow(blog, 3, 14)
    html = client.get(blog.url).content.decode()
    assert html.count('class="post-summary__image"') == blog.posts_per_page
    with CaptureQueriesContext(connection) as queries:
        client.get(blog.url)
    image_queries = [q for q in queries if 'FROM "wagtailimages_image"' in q["sql"]]
    renditions = [q for q in queries if 'FROM "wagtailimages_rendition"' in q["sql"]]
    assert len(image_queries) == 1
    assert len(renditions) == 1


def test_related_posts_and_both_neighbours_come_in_one_query(
    site, django_assert_num_queries
):
    """Once the blog's catalogue is read (once per site version), a post's
    related posts and neighbours cost one query: its own labels."""
    blog, post = site
    assert PostPage.objects.get(pk=post.pk).related_posts is not None  # the catalogue
    middle = PostPage.objects.published().newest_first()[1]
    with django_assert_num_queries(1):
        related = middle.related_posts
        newer, older = middle.next_post, middle.previous_post
    assert related and newer and older
    assert newer.date >= middle.date >= older.date
    assert middle.pk not in {p.pk for p in related}


def test_a_post_is_routed_in_one_query_as_its_own_page_type(client, site):
    blog, _ = site
    grow(blog, 3, 3)  # "Kimchi note 3" answers a question
    question = PostPage.objects.get(title="Kimchi note 3")
    client.get(question.url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(question.url)
    assert response.context["page"].specific_class.__name__ == "QuestionPostPage"
    assert type(response.context["page"]).__name__ == "QuestionPostPage"
    # Found in the blog's catalogue, read once by its id as its own type.
    post_lookups = [
        q["sql"]
        for q in queries
        if f'_ptr_id" = {question.pk}' in q["sql"] and "GROUP BY" not in q["sql"]
    ]
    assert len(post_lookups) == 1, post_lookups
    assert 'FROM "posts_questionpostpage"' in post_lookups[0]


def test_a_crawler_reading_posts_meets_the_site_parts_already_built(
    client, site, settings
):
    """A post nobody has read yet, on a site that has served anything: the
    header's menu, the footer's lists and the ask link come from the site-wide
    fragments; only the post's own parts are read."""
    settings.FRAGMENT_CACHE_SECONDS = 600
    blog, post = site
    grow(blog, 3, 14)
    # Posts without pictures: a picture's renditions are made on its first view.
    crawled = []
    for n in range(4):
        when = datetime.datetime(2009, 1 + n, 10, tzinfo=UTC)
        crawled.append(
            make_post(blog, f"Plain note {n}", when, ["food"], pictured=False)
        )
        add_comments(crawled[-1], 10 * n)
    # The site-wide fragments (the first request also makes the settings rows,
    # which changes the site once).
    client.get(post.url)
    client.get(post.url)
    counts = []
    for other in crawled:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(other.url).status_code == 200
        counts.append(len(queries))
        sql = " ".join(q["sql"] for q in queries)
        assert "home_sitesettings" not in sql
        assert "readers_askpage" not in sql
    assert len(set(counts)) == 1, counts
    assert max(counts) <= CRAWLED_POST_BUDGET, counts
