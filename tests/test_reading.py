"""What a reader reads, through the test client: the translation component,
feeds, absolute links on the real host, the comment confirmation."""

import json

import pytest
from defusedxml import ElementTree as ET
from django.core import mail
from django.core.management import call_command
from django.test import Client
from wagtail.models import Site

from home.site_address import apply_site_address, configured_address
from readers.models import Comment
from tests.comments_support import comment_settings, form_data
from tests.factories import (
    CommentFactory,
    PostPageFactory,
    PublicationFactory,
    QuestionPostPageFactory,
    publish,
)

ATOM = "{http://www.w3.org/2005/Atom}"
NINE_PARAGRAPHS = "".join(f"<p>Paragraph number {n}.</p>" for n in range(1, 10))


def translation(text, **extra):
    value = {
        "original_title": "탈북자 지원, 어디까지 왔나",
        "original_language": "ko",
        "original_author": "Kim Min-ji",
        "publication": None,
        "original_url": "https://news.example.kr/article/1",
        "published_on": "2011-03-04",
        "translator_note": "<p>Defector: 탈북자, one who left the North.</p>",
        "text": text,
    }
    value.update(extra)
    return {"type": "translation", "value": value}


def body(*blocks):
    return json.dumps(
        [{"type": "paragraph", "value": "<p>The Korean answers first.</p>"}, *blocks]
    )


def html(response):
    return response.content.decode()


@pytest.fixture
def column_post(blog):
    publication = PublicationFactory(name="Dong-A Ilbo", native_name="동아일보")
    post = QuestionPostPageFactory(
        parent=blog,
        title="How far does Korea help defectors?",
        question="<p>Dear Korean,</p><p>How far is South Korea helping?</p>",
        body=body(translation(NINE_PARAGRAPHS, publication=publication.pk)),
    )
    return publish(post)


# 2. The translation as a component ------------------------------------------


def test_translation_header_comes_before_the_text_with_its_source(client, column_post):
    page = html(client.get(column_post.url))
    component = page[page.index('<figure class="translation">') :]
    header = component[: component.index("</figcaption>")]
    assert "Translation" in header
    assert '<cite lang="ko">“탈북자 지원, 어디까지 왔나”</cite>' in header
    assert "By Kim Min-ji" in header
    assert "Dong-A Ilbo" in header and '<span lang="ko">(동아일보)</span>' in header
    assert '<time datetime="2011-03-04">March 4, 2011</time>' in header
    assert 'href="https://news.example.kr/article/1" hreflang="ko"' in header
    assert component.index("</figcaption>") < component.index("Paragraph number 1")
    note = component.index("Translator’s note")
    assert component.index("Paragraph number 9") < note


def test_long_translation_folds_its_rest_into_details(client, column_post):
    page = html(client.get(column_post.url))
    shown, folded = page.split("<summary>Read the whole translation</summary>")
    assert "Paragraph number 3" in shown and "Paragraph number 4" not in shown
    assert "Paragraph number 4" in folded and "Paragraph number 9" in folded
    assert '<details class="translation__more">' in shown


def test_short_translation_is_shown_whole(client, blog):
    post = publish(
        PostPageFactory(
            parent=blog, body=body(translation("<p>One.</p><p>Two.</p><p>3.</p>"))
        )
    )
    page = html(client.get(post.url))
    assert "Read the whole translation" not in page
    assert "<p>Two.</p>" in page


def test_reader_letter_translation_and_answer_are_apart(client, column_post):
    page = html(client.get(column_post.url))
    letter = page.index('class="reader-question"')
    answer = page.index("The Korean answers first.")
    component = page.index('<figure class="translation">')
    assert letter < answer < component
    assert page.count("Dear Korean,") == 1


# 2 and 4. Feeds -----------------------------------------------------------------


def test_feed_item_opens_dear_korean_once(client, column_post, blog):
    for url in ("/blog/feed/", "/blog/feed/atom/"):
        feed = html(client.get(url))
        assert feed.count("Dear Korean,") == 1, url


def test_feed_item_adds_dear_korean_when_the_letter_has_none(client, blog):
    publish(QuestionPostPageFactory(parent=blog, question="<p>Why kimchi?</p>"))
    rss = ET.fromstring(client.get("/blog/feed/").content)
    description = rss.find("channel/item").findtext("description")
    assert description.count("Dear Korean,") == 1


def test_feeds_label_and_credit_a_translation_and_give_it_whole(client, column_post):
    root = ET.fromstring(client.get("/blog/feed/atom/").content)
    content = root.find(f"{ATOM}entry/{ATOM}content").text
    assert "Translation" in content
    assert "“탈북자 지원, 어디까지 왔나”" in content and "Kim Min-ji" in content
    assert "Dong-A Ilbo" in content
    assert "Paragraph number 9" in content
    assert "Read the whole translation" not in content


# 6. Absolute links on the real host ---------------------------------------------


@pytest.fixture
def real_host(settings, blog):
    settings.WAGTAILADMIN_BASE_URL = "https://askakorean.example"
    apply_site_address()
    return "https://askakorean.example"


def test_base_url_is_written_to_the_default_site(settings, blog):
    settings.WAGTAILADMIN_BASE_URL = "https://askakorean.example"
    assert configured_address() == ("askakorean.example", 443)
    assert apply_site_address() is not None
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "https://askakorean.example"
    assert apply_site_address() is None  # nothing left to change


def test_set_site_address_command(settings, blog, capsys):
    settings.WAGTAILADMIN_BASE_URL = "http://blog.example:8080/"
    call_command("set_site_address")
    assert Site.objects.get(is_default_site=True).root_url == "http://blog.example:8080"
    assert "blog.example:8080" in capsys.readouterr().out


@pytest.mark.parametrize("url", ["", "ftp://x.example", "not a url", "http://:80"])
def test_odd_base_urls_leave_the_site_alone(settings, blog, url):
    settings.WAGTAILADMIN_BASE_URL = url
    before = Site.objects.get(is_default_site=True).root_url
    assert configured_address() is None
    assert apply_site_address() is None
    assert Site.objects.get(is_default_site=True).root_url == before


def test_migrations_leave_the_site_on_the_configured_host(db):
    # The test settings' WAGTAILADMIN_BASE_URL is http://testserver.
    assert Site.objects.get(is_default_site=True).root_url == "http://testserver"


def test_sitemap_feeds_and_head_use_the_real_host(client, real_host, column_post):
    host = "127.0.0.1:8123"  # whatever the request came in on
    sitemap = html(client.get("/sitemap.xml", HTTP_HOST=host))
    assert f"<loc>{real_host}/blog/" in sitemap
    assert "localhost" not in sitemap and host not in sitemap
    for url in ("/blog/feed/", "/blog/feed/atom/", "/comments/feed/"):
        feed = html(client.get(url, HTTP_HOST=host))
        assert real_host in feed, url
        assert host not in feed and "localhost" not in feed, url
    page = html(client.get(column_post.url, HTTP_HOST=host))
    assert f'<link rel="canonical" href="{real_host}{column_post.url}">' in page
    assert host not in page.split("</head>")[0]
    robots = html(client.get("/robots.txt", HTTP_HOST=host))
    assert f"Sitemap: {real_host}/sitemap.xml" in robots


def test_asker_email_links_the_real_host(real_host, column_post, settings):
    from readers.models import ReaderQuestion
    from readers.tasks_questions import notify_asker

    question = ReaderQuestion.objects.create(
        display_name="Narendra",
        email="narendra@example.org",
        question="How far is South Korea helping defectors?",
        notify=True,
        answer_page=column_post,
    )
    mail.outbox.clear()
    assert notify_asker.call(question.pk)
    assert f"{real_host}{column_post.url}" in mail.outbox[0].body
    assert "localhost" not in mail.outbox[0].body


# 3. Comments that confirm ---------------------------------------------------------


def comment_list(page):
    start = page.find('<ol class="comment-list">')
    return "" if start < 0 else page[start : page.index("</section>", start)]


def confirmation(page):
    start = page.find('id="comment-confirmation"')
    return "" if start < 0 else page[start : page.index("</div>", start)]


@pytest.fixture
def open_post(blog):
    return publish(PostPageFactory(parent=blog, title="Seaweed soup"))


def test_pending_comment_is_confirmed_in_place_with_the_readers_text(client, open_post):
    data = form_data(open_post, body="Mine is <b>with</b> beef.")
    response = client.post(f"/comments/{open_post.pk}/post/", data)
    assert response.status_code == 302
    assert response["Location"] == f"{open_post.url}#comment-confirmation"
    page = html(client.get(response["Location"]))
    box = confirmation(page)
    assert 'role="status"' in box
    assert "Your comment is awaiting moderation" in box
    assert "Mine is &lt;b&gt;with&lt;/b&gt; beef." in box
    assert "Mine is" not in comment_list(page)
    # Once only, and only for the reader who wrote it.
    assert 'id="comment-confirmation"' not in html(client.get(open_post.url))
    assert "Mine is" not in html(Client().get(open_post.url))


def test_published_comment_is_confirmed_and_linked_in_the_thread(client, open_post):
    comment_settings(moderation="none")
    response = client.post(f"/comments/{open_post.pk}/post/", form_data(open_post))
    comment = Comment.objects.get()
    assert response["Location"] == f"{open_post.url}#comment-{comment.pk}"
    page = html(client.get(open_post.url))
    box = confirmation(page)
    assert "your comment is published" in box
    assert f'href="#comment-{comment.pk}"' in box
    assert "Thank you for explaining this." in box
    assert "Thank you for explaining this." in comment_list(page)


def test_known_author_mode_confirms_without_telling_which(client, open_post):
    comment_settings(moderation="known")
    response = client.post(f"/comments/{open_post.pk}/post/", form_data(open_post))
    assert response["Location"].endswith("#comment-confirmation")
    box = confirmation(html(client.get(open_post.url)))
    assert "has arrived" in box
    assert "published" not in box.split("</p>")[0]
    assert "awaiting moderation" not in box


def test_count_matches_the_list_and_says_how_removed_places_count(client, open_post):
    for n in range(3):
        CommentFactory(page=open_post, body=f"Comment {n}")
    Comment.objects.order_by("pk").last().remove()
    CommentFactory(page=open_post, body="Held", status=Comment.Status.PENDING)
    page = html(client.get(open_post.url))
    assert '<a href="#comments">2 comments</a>' in page
    assert ">2 comments</h2>" in page
    assert "keeps the place of 1 removed comment." in page
    listed = comment_list(page)
    assert listed.count('class="comment') - listed.count('class="comment-') == 3
    assert "This comment has been removed." in listed
    assert "Held" not in listed


def test_listing_and_post_show_byline_and_date_without_template_leftovers(
    client, column_post, blog
):
    for url in (blog.url, column_post.url):
        page = html(client.get(url))
        assert '<p class="post-meta">' in page
        assert "{#" not in page and "#}" not in page
