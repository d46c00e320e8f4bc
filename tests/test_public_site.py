"""The public site through the test client: blog routes, feeds, sitemap,
robots, search, related and neighbouring posts, head metadata."""

import datetime
import json
import re
from urllib.parse import urlsplit

import pytest
from defusedxml import ElementTree as ET
from django.template.loader import render_to_string
from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

from posts.archive import archive_years, labels_with_counts
from posts.feeds import absolute_urls
from posts.models import PostPage
from tests.factories import PostPageFactory, QuestionPostPageFactory, publish


def related_posts(post):
    return PostPage.objects.published().related_to(post)


ATOM = "{http://www.w3.org/2005/Atom}"
UTC = datetime.UTC


def at(year, month, day=15):
    return datetime.datetime(year, month, day, 15, 0, tzinfo=UTC)


def translation_body(text, title="이제는 만 나이로 통일합니다"):
    return json.dumps(
        [
            {"type": "paragraph", "value": "<p>The answer comes first.</p>"},
            {
                "type": "translation",
                "value": {
                    "original_title": title,
                    "original_language": "ko",
                    "original_author": "",
                    "publication": None,
                    "original_url": "",
                    "published_on": None,
                    "translator_note": "",
                    "text": f"<p>{text}</p>",
                },
            },
        ]
    )


def make_post(blog, title, date, labels=(), factory=PostPageFactory, **kwargs):
    post = factory(parent=blog, title=title, date=date, **kwargs)
    if labels:
        post.tags.add(*labels)
    return publish(post)


@pytest.fixture
def posts(blog):
    """Five posts over two years; labels chosen so relatedness is clear."""
    return {
        "kimchi": make_post(blog, "Kimchi kinds", at(2011, 11), ["food", "culture"]),
        "age": make_post(
            blog,
            "Counting age",
            at(2012, 3, 5),
            ["culture", "language"],
            factory=QuestionPostPageFactory,
            question="<p>Why am I two years older in Seoul?</p>",
            body=translation_body("Every contract now uses the international age."),
        ),
        "hangul": make_post(blog, "Hangul day", at(2012, 3, 20), ["language"]),
        "soju": make_post(blog, "Soju etiquette", at(2012, 7), ["food", "culture"]),
        "plain": make_post(blog, "No labels here", at(2012, 8)),
    }


def html(response):
    return response.content.decode()


# Blog routes -----------------------------------------------------------------


def test_blog_lists_posts_newest_first(client, posts):
    page = html(client.get("/blog/"))
    titles = ["No labels here", "Soju etiquette", "Hangul day", "Counting age"]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)


def test_label_page_shows_title_count_and_only_its_posts(client, posts):
    response = client.get("/blog/label/food/")
    assert response.status_code == 200
    page = html(response)
    assert "<h1>Posts labelled “food”</h1>" in page
    assert "2 posts." in page
    assert "Kimchi kinds" in page and "Soju etiquette" in page
    assert "Hangul day" not in page.split("<footer")[0]
    assert 'href="/blog/label/food/feed/atom/"' in page
    head = page.split("</head>")[0]
    assert (
        'title="Posts labelled food (Atom)" href="/blog/label/food/feed/atom/"' in head
    )
    assert 'title="Posts labelled food (RSS)" href="/blog/label/food/feed/"' in head


def test_unknown_label_and_label_without_readable_posts_are_not_found(
    client, posts, blog
):
    assert client.get("/blog/label/no-such-label/").status_code == 404
    draft = PostPageFactory(parent=blog, title="Draft", live=False)
    draft.tags.add("unpublished")
    draft.save()
    assert client.get("/blog/label/unpublished/").status_code == 404


def test_year_and_month_archives_list_their_posts(client, posts):
    year = html(client.get("/blog/2012/"))
    assert "<h1>Posts from 2012</h1>" in year
    assert "4 posts." in year
    month = client.get("/blog/2012/03/")
    assert month.status_code == 200
    page = html(month).split("<footer")[0]
    assert "Posts from March 2012" in page
    assert "Counting age" in page and "Hangul day" in page
    assert "Soju etiquette" not in page


@pytest.mark.parametrize(
    "url", ["/blog/1999/", "/blog/2012/01/", "/blog/2012/13/", "/blog/2012/00/"]
)
def test_empty_or_impossible_periods_are_not_found(client, posts, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "number", ["999999999999999999999", "-1", "abc", "0", "2.5", ""]
)
def test_odd_page_numbers_show_a_page_instead_of_failing(client, posts, blog, number):
    blog.posts_per_page = 2
    publish(blog)
    for url in ("/blog/", "/blog/2012/", "/blog/label/culture/"):
        response = client.get(url, {"page": number})
        assert response.status_code == 200, url


def test_pagination_links_to_older_posts(client, posts, blog):
    blog.posts_per_page = 2
    publish(blog)
    first = html(client.get("/blog/"))
    assert 'rel="next" href="?page=2"' in first
    second = html(client.get("/blog/", {"page": 2}))
    assert "Hangul day" in second and "Counting age" in second
    assert '<link rel="canonical" href="http://testserver/blog/?page=2">' in second


# Archive widget ----------------------------------------------------------------


def test_archive_counts_years_and_months(posts, blog):
    years = archive_years(blog)
    assert [(y.year, y.count) for y in years] == [(2012, 4), (2011, 1)]
    assert [(m.month, m.count) for m in years[0].months] == [(8, 1), (7, 1), (3, 2)]


def test_labels_with_counts_ignore_drafts(posts, blog):
    draft = PostPageFactory(parent=blog, title="Draft", live=False)
    draft.tags.add("food")
    draft.save()
    counts = {tag.name: tag.post_count for tag in labels_with_counts(blog)}
    assert counts == {"culture": 3, "food": 2, "language": 2}


def test_every_page_shows_the_archive_and_labels(client, posts):
    page = html(client.get("/"))
    footer = page.split('<footer class="site-footer">')[1]
    assert (
        '<a href="/blog/label/culture/">culture</a> <span class="count">(3)' in footer
    )
    assert '<a href="/blog/2012/03/">March</a> <span class="count">(2)' in footer
    assert '<a href="/blog/2011/">All of 2011</a>' in footer


# Feeds -----------------------------------------------------------------------


def test_rss_feed_is_rss_2_with_full_posts(client, posts):
    response = client.get("/blog/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("link") == "http://testserver/blog/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items][0] == "No labels here"
    age = next(i for i in items if i.findtext("title") == "Counting age")
    assert age.findtext("link").startswith("http://testserver/blog/")
    description = age.findtext("description")
    assert "Why am I two years older in Seoul?" in description
    assert "international age" in description
    assert {c.text for c in age.findall("category")} == {"culture", "language"}
    assert age.findtext("pubDate").endswith("+0000") or age.findtext("pubDate")


def test_atom_feed_is_atom_with_content_and_summary(client, posts):
    response = client.get("/blog/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id") is not None
    assert root.find(f"{ATOM}updated") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 5
    age = next(e for e in entries if e.findtext(f"{ATOM}title") == "Counting age")
    content = age.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "international age" in content.text
    assert age.find(f"{ATOM}summary").text == "A short excerpt."
    assert age.find(f"{ATOM}link").get("href").startswith("http://testserver/blog/")
    assert age.findtext(f"{ATOM}published").startswith("2012-03-05")


def test_feed_content_links_point_at_the_site_not_at_the_feed_reader(client, blog):
    post = PostPageFactory(
        parent=blog,
        title="Linking around",
        body=[("paragraph", '<p>See <a href="/about/">about</a>.</p>')],
    )
    publish(post)
    rss = ET.fromstring(client.get("/blog/feed/").content)
    item = next(i for i in rss.iter("item") if i.findtext("title") == "Linking around")
    assert 'href="http://testserver/about/"' in item.findtext("description")
    assert 'href="/about/"' not in item.findtext("description")


def test_absolute_urls_rewrites_every_srcset_candidate():
    html = '<img src="/a.jpg" srcset="/a-400.jpg 400w, /a-800.jpg 800w, //cdn/x 1x">'
    assert absolute_urls(html, "https://blog.example/") == (
        '<img src="https://blog.example/a.jpg" srcset="https://blog.example/a-400.jpg'
        ' 400w, https://blog.example/a-800.jpg 800w, //cdn/x 1x">'
    )


def test_label_feeds_hold_only_that_label(client, posts):
    rss = ET.fromstring(client.get("/blog/label/language/feed/").content)
    assert {i.findtext("title") for i in rss.iter("item")} == {
        "Counting age",
        "Hangul day",
    }
    atom = ET.fromstring(client.get("/blog/label/language/feed/atom/").content)
    assert len(atom.findall(f"{ATOM}entry")) == 2
    assert client.get("/blog/label/nothing/feed/").status_code == 404


def test_pages_link_to_the_feeds_from_the_head(client, posts):
    head = html(client.get("/")).split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Latest posts (Atom)" href="/blog/feed/atom/">'
    ) in head
    assert 'type="application/rss+xml"' in head


# Sitemap and robots ---------------------------------------------------------------


def test_sitemap_lists_posts_and_labels_with_lastmod(client, posts):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = {
        urlsplit(u.findtext(f"{ns}loc")).path: u.findtext(f"{ns}lastmod")
        for u in ET.fromstring(response.content).iter(f"{ns}url")
    }
    for post in posts.values():
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", urls[post.url])
    assert urls["/blog/label/food/"]
    assert "/blog/" in urls


def test_robots_txt_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


# Search ------------------------------------------------------------------------


def test_search_finds_a_post_by_a_word_of_its_translation(client, posts):
    response = client.get("/search/", {"q": "contract"})
    assert response.status_code == 200
    page = html(response)
    assert "Counting age" in page
    assert "<mark>contract</mark>" in page
    assert "1 post found." in page


def test_search_finds_a_reader_question(client, posts):
    page = html(client.get("/search/", {"q": "older Seoul"}))
    assert "Counting age" in page


def test_search_pages_results(client, blog):
    for n in range(12):
        make_post(blog, f"Bibimbap note {n}", at(2013, 1, n + 1))
    first = html(client.get("/search/", {"q": "bibimbap"}))
    assert "12 posts found." in first
    assert 'rel="next" href="?q=bibimbap&amp;page=2"' in first
    second = html(client.get("/search/", {"q": "bibimbap", "page": 2}))
    assert second.count('class="search-result"') == 2


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        "*",
        "AND OR NOT",
        'kimchi" OR (',
        "-soju",
        "NEAR(a b)",
        "' ; DROP TABLE wagtailcore_page; --",
        "<script>alert(1)</script>",
        "만 나이",
        "\x00",
        "a" * 5000,
        "word " * 400,
    ],
)
def test_search_never_fails_on_odd_queries(client, posts, query):
    response = client.get("/search/", {"q": query, "page": "99999999"})
    assert response.status_code == 200
    assert "<script>alert" not in html(response)


def test_every_page_has_a_search_box(client, posts):
    for url in ("/", "/blog/", posts["age"].url, "/blog/label/food/"):
        assert 'role="search"' in html(client.get(url))


# Post page ---------------------------------------------------------------------


def test_related_posts_share_most_labels_newer_first(posts):
    related = related_posts(posts["kimchi"])
    # soju shares food+culture (2); age shares culture (1); hangul shares none.
    assert [p.title for p in related] == ["Soju etiquette", "Counting age"]
    age_related = [p.title for p in related_posts(posts["age"])]
    # Each shares one label (hangul: language; soju, kimchi: culture): newer first.
    assert age_related == ["Soju etiquette", "Hangul day", "Kimchi kinds"]
    assert related_posts(posts["plain"]) == []


def test_related_posts_stop_at_five_and_never_include_the_post(blog):
    posts = [make_post(blog, f"Tea {n}", at(2014, 1, n + 1), ["tea"]) for n in range(8)]
    related = related_posts(posts[0])
    assert len(related) == 5
    assert posts[0].pk not in {p.pk for p in related}
    assert [p.title for p in related] == ["Tea 7", "Tea 6", "Tea 5", "Tea 4", "Tea 3"]


def test_related_posts_take_one_query(posts, django_assert_num_queries):
    related_posts(posts["age"])  # the restricted paths, read once per site version
    with django_assert_num_queries(1):
        related_posts(posts["kimchi"])


def test_every_posts_surroundings_come_from_one_reading_of_the_blog(
    posts, django_assert_num_queries
):
    """The catalogue (read once per site version) gives each post the related
    posts and neighbours the database gives it, with no query of its own but
    the post's labels."""
    assert PostPage.objects.get(pk=posts["kimchi"].pk).related_posts  # reads the blog
    published = PostPage.objects.published()
    for post in posts.values():
        if not published.filter(pk=post.pk).exists():
            continue
        fresh = PostPage.objects.get(pk=post.pk)
        with django_assert_num_queries(1):  # its labels
            shown = (fresh.related_posts, fresh.previous_post, fresh.next_post)
        expected = published.surrounding(fresh)
        assert [p.pk for p in shown[0]] == [p.pk for p in expected.related]
        assert getattr(shown[1], "pk", None) == getattr(expected.older, "pk", None)
        assert getattr(shown[2], "pk", None) == getattr(expected.newer, "pk", None)
        assert [p.url for p in shown[0]] == [p.url for p in expected.related]


def test_a_preview_with_another_date_is_placed_where_that_date_puts_it(posts):
    """A post shown as it is not yet (an editor's preview of a new date) is not
    answered from the catalogue, which holds it as published."""
    live = PostPage.objects.get(pk=posts["kimchi"].pk)
    assert live.previous_post is None and live.next_post.pk == posts["age"].pk
    preview = PostPage.objects.get(pk=posts["kimchi"].pk)
    preview.date = at(2013, 1)
    assert preview.previous_post.pk == posts["plain"].pk
    assert preview.next_post is None


def test_private_and_draft_posts_are_never_shown(client, blog, posts):
    secret = make_post(blog, "Secret tea", at(2012, 9), ["food"])
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    assert "Secret tea" not in [p.title for p in related_posts(posts["kimchi"])]
    assert "Secret tea" not in html(client.get("/blog/label/food/"))
    assert b"Secret tea" not in client.get("/blog/feed/").content
    assert posts["plain"].next_post is None


def test_post_page_links_newer_and_older_posts(client, posts):
    page = html(client.get(posts["hangul"].url))
    assert f'href="{posts["soju"].url}" rel="next"' in page
    assert f'href="{posts["age"].url}" rel="prev"' in page
    assert posts["kimchi"].previous_post is None
    assert posts["kimchi"].next_post.pk == posts["age"].pk


def test_post_page_shows_related_posts_labels_and_share_links(client, posts):
    page = html(client.get(posts["kimchi"].url))
    related = page.split('id="related-heading"')[1].split("</section>")[0]
    assert related.index("Soju etiquette") < related.index("Counting age")
    assert '<a href="/blog/label/food/" rel="tag">food</a>' in page
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver" in (
        page
    )


def test_post_head_has_canonical_open_graph_and_blogposting(client, posts):
    post = posts["age"]
    post.search_description = "Imported meta description from Blogger."
    publish(post)
    page = html(client.get(post.url))
    url = "http://testserver" + post.url
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert (
        '<meta name="description" content="Imported meta description from Blogger.">'
    ) in page
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL
    )
    data = json.loads(block.group(1))
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Counting age"
    assert data["url"] == url
    assert data["datePublished"].startswith("2012-03-05")
    assert set(data["keywords"]) == {"culture", "language"}


def test_no_inline_executable_script_anywhere(client, posts):
    for url in ("/", "/blog/", posts["age"].url, "/search/?q=age", "/nowhere/"):
        for tag in re.findall(r"<script\b[^>]*>", html(client.get(url))):
            # Data blocks, or our own files (the CSP allows only 'self').
            assert 'type="application/ld+json"' in tag or re.search(
                r' src="/static/[^"]+\.js"', tag
            ), (url, tag)


def test_json_ld_cannot_close_its_script_element(client, blog):
    post = make_post(blog, "</script><script>alert(1)</script>", at(2015, 1))
    page = html(client.get(post.url))
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL
    )
    assert json.loads(block.group(1))["headline"].startswith("</script>")


def test_korean_titles_in_translations_carry_their_language(client, posts):
    page = html(client.get(posts["age"].url))
    assert '<cite lang="ko">“이제는 만 나이로 통일합니다”</cite>' in page


def test_page_has_one_h1_a_skip_link_and_landmarks(client, posts):
    for url in ("/", "/blog/", posts["age"].url, "/search/?q=age", "/blog/2012/"):
        page = html(client.get(url))
        assert page.count("<h1") == 1, url
        assert '<a class="skip-link" href="#main">' in page
        for landmark in (
            "<header",
            '<main id="main"',
            "<footer",
            '<nav aria-label="Main"',
        ):
            assert landmark in page, (url, landmark)


# Error pages -----------------------------------------------------------------


def test_not_found_page_is_in_the_site_style(client, posts):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = html(response)
    assert "<h1>Page not found</h1>" in page
    assert 'class="site-header"' in page and 'role="search"' in page


def test_server_error_page_renders_without_database_or_request():
    page = render_to_string("500.html")
    assert "<h1>Something went wrong</h1>" in page
    assert "/static/css/site.css" in page


def test_search_finds_the_imported_seed_post_by_a_word_of_its_translation(client, blog):
    from pathlib import Path

    from django.core.management import call_command

    export = Path(__file__).parent / "fixtures" / "seed-classic.xml"
    call_command("import_blogger", str(export), verbosity=0)
    page = html(client.get("/search/", {"q": "shackles"}))
    assert "What About Those Who are Left Behind?" in page
    assert "<mark>shackles</mark>" in page
    # The Korean original quoted next to the match carries its language.
    assert '<span lang="ko">' in page
    assert client.get("/blog/label/north-korea/").status_code == 200
    assert client.get("/blog/2012/03/").status_code == 200


class PreviewTests(WagtailPageTestCase):
    """Editors preview posts in the admin: the public templates must render."""

    def test_post_and_blog_pages_are_previewable(self):
        from home.models import HomePage
        from tests.factories import PostIndexPageFactory

        blog = PostIndexPageFactory(parent=HomePage.objects.get())
        post = make_post(
            blog,
            "Previewed post",
            at(2016, 5),
            ["food"],
            factory=QuestionPostPageFactory,
            body=translation_body("A previewed translation."),
        )
        for page in (post, blog):
            response = page.make_preview_request()
            self.assertEqual(response.status_code, 200)
        self.assertContains(post.make_preview_request(), "A previewed translation.")

    def test_a_new_unsaved_post_previews(self):
        from home.models import HomePage
        from posts.models import PostPage
        from tests.factories import PostIndexPageFactory

        blog = PostIndexPageFactory(parent=HomePage.objects.get())
        draft = PostPage(title="Not saved yet", slug="not-saved-yet")
        # The admin builds the unsaved page under its parent like this.
        draft.path = blog.path + "9999"
        draft.depth = blog.depth + 1
        response = draft.make_preview_request()
        self.assertContains(response, "Not saved yet")
