"""The page cache: anonymous readers get stored pages, and every change a reader
must see reaches the very next anonymous request (real locmem cache, the
production middleware, the test client as a reader)."""

import datetime
import io
import re
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from plumbing import cache as page_cache_versions
from posts.models import PostPage
from readers import questions as question_actions
from readers.models import Comment, CommentSettings, ReaderQuestion
from tests.conftest import RecordingBackend
from tests.factories import (
    CommentFactory,
    PostPageFactory,
    ReaderQuestionFactory,
    UserFactory,
    publish,
)

HEADER = "X-Page-Cache"


@pytest.fixture
def page_cache(settings):
    """The production middleware order with the page cache on."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
        "plumbing.middleware.PageCacheMiddleware",
    )
    settings.MIDDLEWARE = middleware
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600
    settings.FORM_TOKENS = {"comments": {"min_seconds": 0}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the code defers to "after commit", as production does."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def post(blog, commit):
    page = PostPageFactory(
        parent=blog,
        title="Why Koreans count age differently",
        date=timezone.now() - datetime.timedelta(days=2),
    )
    page.tags.add("Korean culture")
    return commit(publish, page)


def warm(client, url):
    """Request twice: the second answer must come from the cache."""
    first = client.get(url)
    assert first.status_code == 200, url
    second = client.get(url)
    assert second[HEADER] == "hit", url
    return second


def blog_urls(blog, post):
    # The archives group by the blog's own day (its time zone), not UTC's.
    date = timezone.localtime(post.date)
    return [
        "/",
        blog.url,
        f"{blog.url}label/korean-culture/",
        f"{blog.url}{date:%Y}/",
        f"{blog.url}{date:%Y/%m}/",
        f"{blog.url}feed/",
        f"{blog.url}feed/atom/",
        "/sitemap.xml",
    ]


def test_second_anonymous_request_is_served_from_cache_without_sql(
    client, page_cache, post, django_assert_num_queries
):
    first = client.get(post.url)
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(post.url)
    assert second[HEADER] == "hit"
    assert second.content.count(b"Why Koreans count age differently") == (
        first.content.count(b"Why Koreans count age differently")
    )


def test_a_page_reads_each_version_once_while_it_is_built(
    client, page_cache, post, monkeypatch, commit
):
    """A page and its fragments are built from one reading of each version:
    the shared cache (Redis in production) is asked once per request, not once
    per part of the page."""
    client.get(post.url)  # the site-wide parts and the settings rows
    commit(page_cache_versions.comments_changed, post)  # this page is built again
    asked: list[str] = []
    read = cache.get_many

    def counting(keys, *args, **kwargs):
        asked.extend(k for k in keys if k.startswith("pagecache:v:"))
        return read(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting)
    response = client.get(post.url)
    assert response[HEADER] == "miss"
    assert asked, "the page was built without reading its versions"
    assert len(asked) == len(set(asked)), asked


def test_logged_in_editors_never_get_or_fill_the_cache(client, page_cache, post):
    warm(Client(), post.url)
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)
    response = client.get(post.url)
    assert HEADER not in response
    assert b"wagtail-userbar" in response.content
    # Nothing the editor saw was stored for readers.
    anonymous = Client().get(post.url)
    assert b"wagtail-userbar" not in anonymous.content


def test_preview_of_a_draft_is_never_shown_to_readers(client, page_cache, post):
    warm(Client(), post.url)
    post.title = "A draft title nobody may see yet"
    post.save_revision()
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)
    preview = client.get(f"/admin/pages/{post.pk}/view_draft/")
    assert preview.status_code == 200
    assert b"A draft title nobody may see yet" in preview.content
    assert HEADER not in preview
    reader = Client().get(post.url)
    assert reader[HEADER] == "hit"
    assert b"A draft title nobody may see yet" not in reader.content


def test_publishing_a_post_shows_it_on_every_listing(blog, page_cache, post, commit):
    reader = Client()
    newer = PostPageFactory(
        parent=blog, title="Kimchi in winter", date=post.date + datetime.timedelta(1)
    )
    newer.tags.add("Korean culture")
    urls = blog_urls(blog, newer)
    for url in urls:
        warm(reader, url)
    commit(publish, newer)
    for url in urls:
        response = reader.get(url)
        assert response[HEADER] == "miss", url
        assert b"Kimchi in winter" in response.content or (
            newer.get_full_url().encode() in response.content
        ), url


def test_unpublishing_a_post_removes_it_everywhere(blog, page_cache, post, commit):
    reader = Client()
    urls = blog_urls(blog, post)
    warm(reader, post.url)
    for url in ["/", blog.url, "/sitemap.xml", f"{blog.url}feed/"]:
        warm(reader, url)
    url = post.url
    commit(post.unpublish)
    assert reader.get(url).status_code == 404
    for listing in ["/", blog.url, "/sitemap.xml", f"{blog.url}feed/"]:
        response = reader.get(listing)
        assert b"Why Koreans count age differently" not in response.content, listing
    # The label and archive pages had only this post: they are gone too.
    for listing in urls[2:5]:
        assert reader.get(listing).status_code == 404, listing


def test_approving_a_comment_shows_it_on_the_next_request(page_cache, post, commit):
    reader = Client()
    comment = CommentFactory(
        page=post, body="Hanbok looks great.", status=Comment.Status.PENDING
    )
    assert b"Hanbok looks great." not in warm(reader, post.url).content
    commit(comment.approve)
    response = reader.get(post.url)
    assert response[HEADER] == "miss"
    assert b"Hanbok looks great." in response.content


def test_removing_a_comment_hides_it_on_the_next_request(page_cache, post, commit):
    reader = Client()
    CommentFactory(page=post, body="A first, kind comment.")
    comment = CommentFactory(page=post, body="Rude words here.")
    assert b"Rude words here." in warm(reader, post.url).content
    commit(comment.remove)
    response = reader.get(post.url)
    assert b"Rude words here." not in response.content
    assert b"A first, kind comment." in response.content


def test_only_the_commented_post_is_rebuilt(blog, page_cache, post, commit):
    reader = Client()
    other = commit(publish, PostPageFactory(parent=blog, title="Another post"))
    comment = CommentFactory(page=post, status=Comment.Status.PENDING)
    for url in [post.url, other.url, "/", blog.url]:
        warm(reader, url)
    commit(comment.approve)
    assert reader.get(post.url)[HEADER] == "miss"
    for url in [other.url, "/", blog.url]:
        assert reader.get(url)[HEADER] == "hit", url


def test_comment_feeds_follow_approvals(page_cache, post, commit):
    reader = Client()
    comment = CommentFactory(
        page=post, body="Feed me this.", status=Comment.Status.PENDING
    )
    feeds = ["/comments/feed/", f"/comments/{post.pk}/feed/"]
    for url in feeds:
        warm(reader, url)
    commit(comment.approve)
    for url in feeds:
        assert b"Feed me this." in reader.get(url).content, url


def test_comments_closing_on_schedule_remove_the_form(page_cache, post, commit):
    reader = Client()
    post.comments_close_at = timezone.now() + datetime.timedelta(hours=1)
    commit(publish, post)
    assert b'id="comment-form"' in warm(reader, post.url).content
    # The closing time passes; cron runs close_comments.
    type(post).objects.filter(pk=post.pk).update(
        comments_close_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    commit(call_command, "close_comments", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = reader.get(post.url)
    assert b'id="comment-form"' not in response.content


def test_a_cached_page_never_outlives_its_comment_form(page_cache, post, commit):
    """Even when cron is late, the page is stored only until comments close."""
    reader = Client()
    post.comments_close_at = timezone.now() + datetime.timedelta(seconds=2)
    commit(publish, post)
    assert b'id="comment-form"' in warm(reader, post.url).content
    time.sleep(2.2)
    response = reader.get(post.url)
    assert response[HEADER] == "miss"
    assert b'id="comment-form"' not in response.content


def test_changing_the_comment_settings_reaches_cached_posts(page_cache, post, commit):
    reader = Client()
    assert b'id="comment-form"' in warm(reader, post.url).content
    rules = CommentSettings.for_site(post.get_site())
    rules.close_after_days = 1  # the post is two days old
    commit(rules.save)
    assert b'id="comment-form"' not in reader.get(post.url).content


def test_answering_a_question_publishes_the_answer_everywhere(
    blog, page_cache, post, commit
):
    reader = Client()
    question = ReaderQuestionFactory(question="Why do Koreans bow so often?")
    editor = UserFactory(is_superuser=True, is_staff=True)
    draft = question_actions.answer_in_post([question], blog, editor)
    for url in ["/", blog.url]:
        warm(reader, url)
    commit(publish, draft)
    question.refresh_from_db()
    assert question.status == ReaderQuestion.Status.ANSWERED
    for url in ["/", blog.url]:
        assert draft.title.encode() in reader.get(url).content, url
    answer = reader.get(draft.url)
    assert b"Why do Koreans bow so often?" in answer.content


def _form_values(html: bytes) -> dict[str, str]:
    form = html.split(b'id="comment-form"', 1)[1].split(b"</form>", 1)[0].decode()
    return dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))


def test_comment_form_works_on_a_cached_page(page_cache, post):
    warm(Client(), post.url)
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(post.url)
    assert page[HEADER] == "hit"
    values = _form_values(page.content)
    response = reader.post(
        f"/comments/{post.pk}/post/",
        {
            **values,
            "name": "Min-ji",
            "email": "minji@example.org",
            "body": "Posted from a cached page.",
        },
    )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Posted from a cached page.").exists()


def test_every_cached_copy_carries_fresh_tokens(page_cache, post):
    first = Client().get(post.url)
    second = Client().get(post.url)
    assert second[HEADER] == "hit"
    old, new = _form_values(first.content), _form_values(second.content)
    assert old["csrfmiddlewaretoken"] != new["csrfmiddlewaretoken"]
    assert new["token"] and b"page-cache" not in second.content
    assert "csrftoken" in second.cookies


def test_a_readers_message_is_never_cached_for_others(page_cache, post):
    warm(Client(), post.url)
    reader = Client()
    values = _form_values(reader.get(post.url).content)
    response = reader.post(
        f"/comments/{post.pk}/post/",
        {**values, "name": "Jae", "email": "jae@example.org", "body": "Hello there."},
        follow=True,
    )
    assert b"awaiting moderation" in response.content
    other = Client().get(post.url)
    assert other[HEADER] == "hit"
    assert b"awaiting moderation" not in other.content


def test_pages_with_unknown_query_parameters_are_not_cached(page_cache, post):
    reader = Client()
    for _ in range(2):
        response = reader.get(post.url + "?utm_source=x")
        assert HEADER not in response


def test_publishing_purges_the_post_and_every_listing_downstream(
    blog, page_cache, frontend_cache, commit
):
    post = PostPageFactory(
        parent=blog,
        title="Kimchi in winter",
        date=datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC),
    )
    post.tags.add("Food")
    commit(publish, post)
    base = blog.full_url
    root = blog.get_site().root_page.full_url
    expected = {
        post.full_url,
        root,
        root + "sitemap.xml",
        base,
        base + "feed/",
        base + "feed/atom/",
        base + "label/food/",
        base + "label/food/feed/",
        base + "label/food/feed/atom/",
        base + "2026/",
        base + "2026/01/",
    }
    assert expected <= set(frontend_cache)


def test_a_comment_approval_purges_the_post_and_its_feeds_downstream(
    page_cache, frontend_cache, post, commit
):
    comment = CommentFactory(page=post, status=Comment.Status.PENDING)
    frontend_cache.clear()
    commit(comment.approve)
    root = post.get_site().root_page.full_url.rstrip("/")
    assert set(frontend_cache) == {
        post.full_url,
        f"{root}/comments/{post.pk}/feed/",
        f"{root}/comments/feed/",
    }


# Fragments: with the page cache off, the heavy parts still come from the cache,
# and each is rebuilt when what it shows changes.


@pytest.fixture
def fragment_cache(settings):
    settings.FRAGMENT_CACHE_SECONDS = 600
    settings.PAGE_CACHE_SECONDS = 0
    settings.FORM_TOKENS = {"comments": {"min_seconds": 0}}
    cache.clear()
    yield
    cache.clear()


def test_comment_thread_fragment_follows_approvals_and_removals(
    client, fragment_cache, post, commit, django_assert_max_num_queries
):
    kept = CommentFactory(page=post, body="Kept comment.")
    pending = CommentFactory(
        page=post, body="Waiting comment.", status=Comment.Status.PENDING
    )
    assert b"Kept comment." in client.get(post.url).content
    commit(pending.approve)
    assert b"Waiting comment." in client.get(post.url).content
    commit(kept.remove)
    html = client.get(post.url).content
    assert b"Kept comment." not in html
    assert b"This comment has been removed." in html


def test_comment_thread_fragment_drops_reply_links_when_comments_close(
    client, fragment_cache, post, commit
):
    CommentFactory(page=post, body="Reply to me.")
    assert b"comment-reply" in client.get(post.url).content
    type(post).objects.filter(pk=post.pk).update(
        comments_close_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    commit(call_command, "close_comments", stdout=open("/dev/null", "w"))  # noqa: SIM115
    html = client.get(post.url).content
    assert b"Reply to me." in html
    assert b"comment-reply" not in html


def test_footer_lists_and_related_posts_follow_publishing(
    client, blog, fragment_cache, post, commit
):
    html = client.get(post.url).content.decode()
    assert "Related posts" not in html
    assert "Soju etiquette" not in html
    other = PostPageFactory(parent=blog, title="Soju etiquette", date=post.date)
    other.tags.add("Korean culture", "Drinks")
    commit(publish, other)
    html = client.get(post.url).content.decode()
    assert "Related posts" in html and "Soju etiquette" in html
    assert ">Drinks</a>" in html  # the footer's label list


def test_fragments_save_the_queries_of_the_heavy_parts(
    client, blog, fragment_cache, post
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CommentFactory(page=post)
    with CaptureQueriesContext(connection) as first:
        client.get(post.url)
    with CaptureQueriesContext(connection) as second:
        client.get(post.url)
    assert len(second) < len(first)
    sql = " ".join(q["sql"] for q in second.captured_queries)
    assert "django_datetime_trunc" not in sql and "date_trunc" not in sql


def test_a_workers_own_copy_is_checked_against_the_shared_versions(
    settings, page_cache, post, commit, django_assert_max_num_queries
):
    """In front of Redis each worker keeps recent pages in memory; an approval
    made on another machine still reaches this worker's next answer."""
    settings.PAGE_CACHE_LOCAL_BYTES = 10 * 1024 * 1024
    reader = Client()
    comment = CommentFactory(
        page=post, body="Approved elsewhere.", status=Comment.Status.PENDING
    )
    warm(reader, post.url)
    # The shared copy is gone: the next hit can only come from the worker's own.
    stored = [k.split(":", 2)[2] for k in cache._cache if "pagecache:page:" in k]
    assert stored
    cache.delete_many(stored)
    with django_assert_max_num_queries(0):
        assert reader.get(post.url)[HEADER] == "hit"
    commit(comment.approve)
    response = reader.get(post.url)
    assert response[HEADER] == "miss"
    assert b"Approved elsewhere." in response.content


# No cache pollution: a query string the page does not use is answered, never
# stored, so the entries for one URL are bounded by the pages and comments there.


def stored_pages() -> int:
    return sum(1 for key in cache._cache if "pagecache:page:" in key)


@pytest.fixture
def two_pages_of_posts(blog, commit, post):
    blog.posts_per_page = 1
    commit(blog.save_revision().publish)
    commit(publish, PostPageFactory(parent=blog, title="Soju etiquette"))
    return blog


def test_a_page_number_past_the_last_page_makes_no_cache_entry(
    page_cache, two_pages_of_posts
):
    reader, blog = Client(), two_pages_of_posts
    warm(reader, blog.url + "?page=2")
    before = stored_pages()
    for url in [f"{blog.url}?page=999", f"{blog.url}?page=02", f"{blog.url}?page=x"]:
        for _ in range(2):
            response = reader.get(url)
            assert response.status_code == 200, url
            assert HEADER not in response, url
    assert stored_pages() == before


def test_a_reply_link_to_a_missing_comment_makes_no_cache_entry(page_cache, post):
    reader = Client()
    comment = CommentFactory(page=post, body="Answer me.")
    warm(reader, f"{post.url}?replyto={comment.pk}")
    before = stored_pages()
    for url in [f"{post.url}?replyto=999999", f"{post.url}?replyto=0{comment.pk}"]:
        for _ in range(2):
            response = reader.get(url)
            assert response.status_code == 200, url
            assert HEADER not in response, url
    assert stored_pages() == before


def test_parameters_a_page_ignores_make_no_cache_entry(page_cache, post):
    reader = Client()
    warm(reader, post.url)
    before = stored_pages()
    for url in [f"{post.url}?page=2", f"{post.url}?utm_source=x", f"{post.url}?a=1"]:
        for _ in range(2):
            assert HEADER not in reader.get(url), url
    assert stored_pages() == before


def test_the_entries_for_one_url_are_bounded(page_cache, two_pages_of_posts, post):
    reader, blog = Client(), two_pages_of_posts
    comment = CommentFactory(page=post)
    for n in range(40):
        reader.get(f"{blog.url}?page={n}")
        reader.get(f"{post.url}?replyto={n}")
        reader.get(f"{post.url}?x{n}={n}")
    reader.get(f"{post.url}?replyto={comment.pk}")
    # The blog's ?page=1 and ?page=2, and the post's one real reply link.
    assert stored_pages() == 3
    assert reader.get(f"{blog.url}?page=2")[HEADER] == "hit"


# An import changes many pages at once, without page signals for the new ones:
# it tells the cache once, after it commits.

SEED = Path(__file__).parent / "fixtures" / "seed-classic.xml"
SEED_SLUG = "what-about-those-who-are-left-behind"


def import_seed(*args):
    call_command("import_blogger", str(SEED), *args, stdout=io.StringIO())


def test_an_import_shows_its_posts_and_comments_on_the_next_request(
    blog, page_cache, post, commit
):
    reader = Client()
    for url in ["/", blog.url, "/sitemap.xml", "/comments/feed/"]:
        warm(reader, url)
    commit(import_seed)
    sitemap = reader.get("/sitemap.xml")
    assert sitemap[HEADER] == "miss"
    assert SEED_SLUG.encode() in sitemap.content
    assert b"Illustrative older post" in reader.get(f"{blog.url}2011/").content
    assert b"Rachel K." in reader.get("/comments/feed/").content
    for url in ["/", blog.url]:
        assert reader.get(url)[HEADER] == "miss", url


def with_a_new_comment(export: str) -> bytes:
    """The export again, with one more comment on the seed post."""
    marker = ".post-3000000000000000002</id>"
    start = export.rindex("<entry>", 0, export.index(marker))
    end = export.index("</entry>", start) + len("</entry>")
    comment = export[start:end].replace("3000000000000000002", "3000000000000000099")
    comment = re.sub(
        r"<content type='html'>.*?</content>",
        "<content type='html'>Imported a day later.</content>",
        comment,
    )
    return export.replace("</feed>", comment + "</feed>").encode()


def test_comments_an_import_adds_to_known_posts_show_on_the_next_request(
    blog, page_cache, commit, tmp_path
):
    commit(import_seed)
    seed = PostPage.objects.get(slug=SEED_SLUG)
    reader = Client()
    for url in [seed.url, "/comments/feed/", f"/comments/{seed.pk}/feed/"]:
        assert b"Imported a day later." not in warm(reader, url).content
    again = tmp_path / "again.xml"
    again.write_bytes(with_a_new_comment(SEED.read_text(encoding="utf-8")))
    commit(call_command, "import_blogger", str(again), stdout=io.StringIO())
    for url in [seed.url, "/comments/feed/", f"/comments/{seed.pk}/feed/"]:
        response = reader.get(url)
        assert b"Imported a day later." in response.content, url


def test_a_dry_run_import_changes_no_cached_page(blog, page_cache, post, commit):
    reader = Client()
    warm(reader, "/sitemap.xml")
    commit(import_seed, "--dry-run")
    assert reader.get("/sitemap.xml")[HEADER] == "hit"


def test_an_import_purges_every_page_it_wrote_downstream_in_batches(
    blog, settings, page_cache, frontend_cache, commit
):
    settings.PAGE_CACHE_PURGE_BATCH = 5
    commit(import_seed)
    new = {p.full_url for p in Page.objects.filter(legacy_entry__isnull=False)}
    assert new and new <= set(frontend_cache)
    base = blog.full_url
    assert {base, base + "feed/", base + "2012/03/"} <= set(frontend_cache)
    # One task per batch of five URLs, each URL once.
    assert len(frontend_cache) == len(set(frontend_cache)) > 5
    assert RecordingBackend.batches and max(RecordingBackend.batches) <= 5
    assert sum(RecordingBackend.batches) == len(frontend_cache)


def test_a_site_value_is_made_once_until_the_site_changes(blog, commit):
    from plumbing import cache as page_cache

    made = []

    def make():
        made.append(1)
        return len(made)

    assert page_cache.site_value("menu", make) == 1
    assert page_cache.site_value("menu", make) == 1
    commit(PageViewRestriction.objects.create, page=blog, password="secret")
    assert page_cache.site_value("menu", make) == 2
    assert made == [1, 1]
