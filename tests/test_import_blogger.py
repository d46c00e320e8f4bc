"""`manage.py import_blogger`: the seed exports, a real export, re-runs and dry runs."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, ReferenceIndex, Revision

from home.models import StandardPage
from posts.models import LegacyEntry, PostPage, Publication, QuestionPostPage
from readers.models import Comment
from tests.blogger_export import Post, write_export
from tests.import_support import snapshot

FIXTURES = Path(__file__).parent / "fixtures"
SEED_CLASSIC = FIXTURES / "seed-classic.xml"
SEED_TAKEOUT = FIXTURES / "seed-takeout.atom"
GPODDER = FIXTURES / "gpodder-blog-classic-2017.xml"
SEED_TITLE = "What About Those Who are Left Behind?"
OLDER_TITLE = "Illustrative older post: Korean Grammar's Politeness Levels"

pytestmark = pytest.mark.django_db


def without_block_keys(html: str) -> str:
    """Rich text without the block keys the editor's converter adds."""
    return re.sub(r' data-block-key="[^"]*"', "", html)


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_blogger", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "export", [SEED_CLASSIC, SEED_TAKEOUT], ids=["classic", "takeout"]
)
def test_seed_post_becomes_a_question_post_with_its_translation(blog, client, export):
    run_import(export)

    post = QuestionPostPage.objects.get(title=SEED_TITLE)
    assert post.live
    assert post.asker_name == "Narendra"
    assert "How far SK is helping" in post.question
    # Stored as the page editor stores rich text (issue #18, point 6).
    assert without_block_keys(post.question).startswith("<p>Dear Korean,</p>")
    assert post.excerpt.startswith("Narendra's question is a legitimate one")
    kinds = [block.block_type for block in post.body]
    assert kinds[:3] == ["paragraph", "section_break", "translation"]
    translation = post.body[2].value
    assert translation["original_title"] == "나는 안다, 북송 탈북자의 절망을 . . ."
    assert translation["original_language"] == "ko"
    assert translation["publication"].name == "Dong-A Ilbo"
    assert translation["original_url"] == "http://news.example.kr/donga/20120305/1"
    assert "I know the despair" in translation["text"].source
    assert set(post.tags.names()) == {"Dear Korean", "North Korea", "Translation"}
    # The Blogger date with its time zone: 06:27 in New York is 11:27 UTC.
    assert post.date.isoformat() == "2012-03-05T11:27:00+00:00"
    assert post.first_published_at == post.date
    assert post.live_revision_id == post.latest_revision_id is not None

    comments = Comment.objects.filter(page=post)
    assert comments.count() == 4
    assert set(comments.values_list("status", flat=True)) == {"approved"}
    assert comments.get(author_name="Anonymous").body.startswith("This article")

    response = client.get(post.url)
    assert response.status_code == 200
    assert "나는 안다" in response.content.decode()


@pytest.mark.parametrize(
    "export", [SEED_CLASSIC, SEED_TAKEOUT], ids=["classic", "takeout"]
)
def test_seed_reply_is_threaded_and_removed_comment_keeps_its_place(
    blog, client, export
):
    run_import(export)

    older = PostPage.objects.get(title=OLDER_TITLE)
    comments = Comment.objects.filter(page=older).order_by("created_at")
    question, reply, removed = comments
    assert reply.parent_id == question.pk
    assert reply.author_name == "The Korean"
    assert removed.status == Comment.Status.REMOVED
    assert removed.body == ""
    html = client.get(older.url).content.decode()
    assert "news anchors and the army" in html
    assert "removed by the author" not in html


@pytest.mark.parametrize(
    "export", [SEED_CLASSIC, SEED_TAKEOUT], ids=["classic", "takeout"]
)
def test_seed_page_and_draft(blog, home, export):
    run_import(export)

    page = StandardPage.objects.get(title="About the Korean")
    assert page.get_parent().pk == home.pk
    assert page.live and page.slug == "about-korean"
    draft = PostPage.objects.get(title="Illustrative draft: unfinished answer")
    assert not draft.live
    assert draft.has_unpublished_changes
    assert draft.latest_revision is not None
    assert draft.live_revision is None
    assert draft.first_published_at is None


def test_settings_entries_are_skipped_and_their_addresses_never_stored(blog):
    output = run_import(SEED_CLASSIC)

    assert "settings entries (not content): 6" in output
    assert "template entries (not content): 1" in output
    for model in (Page, Revision, Comment, Redirect, LegacyEntry):
        for row in model.objects.values():
            assert "owner@example.com" not in json.dumps(row, default=str)


def test_old_addresses_redirect_permanently_to_the_new_pages(blog, client):
    run_import(SEED_CLASSIC)
    post = QuestionPostPage.objects.get(title=SEED_TITLE)
    old = "/2012/03/what-about-those-who-are-left-behind.html"

    for variant in (old, old + "?m=1", old + "?showComment=1331000000000#c300"):
        response = client.get(variant)
        assert response.status_code == 301, variant
        assert response["Location"] == post.url

    assert client.get("/p/about-korean.html")["Location"] == "/about-korean/"
    label = client.get("/search/label/North%20Korea")
    assert label.status_code == 301
    assert label["Location"] == f"{blog.url}label/north-korea/"
    assert client.get("/2012/03/")["Location"] == f"{blog.url}2012/03/"
    assert client.get("/feeds/posts/default")["Location"] == f"{blog.url}feed/atom/"
    for old_link in (
        "/search/label/North%20Korea",
        "/2012/03/",
        "/feeds/posts/default",
    ):
        assert client.get(old_link, follow=True).status_code == 200, old_link


def test_gpodder_export_imports_with_every_old_address_answering(blog, client):
    output = run_import(GPODDER)

    entries = LegacyEntry.objects.filter(kind="post")
    assert entries.count() == 115
    assert PostPage.objects.filter(live=False).count() == 2
    assert PostPage.objects.filter(live=True).count() == 113
    assert Comment.objects.filter(source_id__isnull=False).count() == 125
    assert Comment.objects.filter(parent__isnull=False).count() == 29
    assert Comment.objects.filter(status="removed").count() == 1
    assert "settings entries (not content): 55" in output
    assert (
        Tag.objects.filter(posts_postpagetag_items__isnull=False).distinct().count()
        > 10
    )

    for entry in entries.exclude(old_path=""):
        response = client.get(entry.old_path, follow=True)
        assert response.status_code == 200, entry.old_path
        assert response.redirect_chain[0][1] == 301
        assert response.redirect_chain[-1][0] == entry.page.url

    call_command("fixtree", stdout=(out := io.StringIO()))
    assert "No problems found" in out.getvalue()
    assert "Fixing" not in out.getvalue()


def test_reimport_changes_nothing(blog, tmp_path):
    run_import(GPODDER)
    before = snapshot()

    output = run_import(GPODDER, "--report", str(tmp_path / "again.json"))

    assert snapshot() == before
    assert "Nothing changed." in output
    counts = json.loads((tmp_path / "again.json").read_text())["counts"]
    assert counts["posts"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 115,
        "skipped": 0,
    }
    assert counts["comments"]["unchanged"] == 125
    assert counts["comments"]["created"] == 0


def test_reimport_of_a_changed_post_makes_a_new_revision(blog, tmp_path):
    run_import(SEED_CLASSIC)
    post = PostPage.objects.get(title=OLDER_TITLE)
    revisions = Revision.objects.filter(object_id=str(post.pk)).count()
    changed = tmp_path / "newer.xml"
    changed.write_text(
        SEED_CLASSIC.read_text().replace(
            "It has a threaded reply", "It now has a threaded reply"
        )
    )

    output = run_import(changed, "--report", str(tmp_path / "report.json"))

    post.refresh_from_db()
    assert "It now has a threaded reply" in str(post.body)
    assert Revision.objects.filter(object_id=str(post.pk)).count() == revisions + 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["counts"]["posts"]["updated"] == 1
    assert report["counts"]["posts"]["unchanged"] == 2
    assert "updated      1" in output


def test_dry_run_reports_and_writes_nothing(blog, tmp_path):
    before = snapshot()

    output = run_import(GPODDER, "--dry-run", "--report", str(tmp_path / "r.json"))

    assert snapshot() == before
    assert "DRY RUN" in output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["counts"]["posts"]["created"] == 115
    assert report["counts"]["comments"]["created"] == 125


def test_comments_before_their_post_are_attached(blog, tmp_path):
    text = SEED_TAKEOUT.read_text()
    head, rest = text.split("<entry>", 1)
    entries = ["<entry>" + e for e in rest.split("<entry>")]
    entries[-1], tail = entries[-1].rsplit("</feed>", 1)[0], "</feed>"
    comments = [e for e in entries if "<blogger:type>COMMENT" in e]
    others = [e for e in entries if e not in comments]
    reordered = tmp_path / "comments-first.atom"
    reordered.write_text(head + "".join(comments + others) + tail)

    run_import(reordered)

    post = QuestionPostPage.objects.get(title=SEED_TITLE)
    assert Comment.objects.filter(page=post).count() == 4
    assert Comment.objects.filter(parent__isnull=False).count() == 1


def test_links_between_imported_posts_are_page_links_that_follow_a_rename(
    blog, client, tmp_path
):
    text = SEED_CLASSIC.read_text().replace(
        "An illustrative post written for testing.",
        "See &lt;a href=&quot;https://askakorean.blogspot.kr/2012/03/"
        "what-about-those-who-are-left-behind.html?m=1&quot;&gt;this&lt;/a&gt;.",
    )
    export = tmp_path / "links.xml"
    export.write_text(text)

    run_import(export)

    older = PostPage.objects.get(title=OLDER_TITLE)
    seed = QuestionPostPage.objects.get(title=SEED_TITLE)
    page_link = f'<a linktype="page" id="{seed.pk}">this</a>'
    assert page_link in older.body[0].value.source
    assert page_link in older.latest_revision.as_object().body[0].value.source
    assert f'href="{seed.url}"' in client.get(older.url).content.decode()
    # Wagtail's usage of the linked post counts the link.
    usage = ReferenceIndex.get_references_to(seed)
    assert usage.filter(object_id=str(older.pk)).exists()

    seed.slug = "left-behind"
    seed.save_revision().publish()

    seed.refresh_from_db()
    assert seed.url.endswith("/left-behind/")
    html = client.get(older.url).content.decode()
    assert f'href="{seed.url}">this</a>' in html
    assert client.get(seed.url).status_code == 200


def test_a_picture_linking_to_another_imported_post_gets_a_page_chooser(
    blog, client, tmp_path
):
    export = write_export(
        tmp_path / "picture.xml",
        [
            Post("<p>The first post.</p>", "First", "/2021/09/first.html"),
            Post(
                '<p>See <a href="http://smallblog.blogspot.com/2021/09/first.html">'
                '<img src="https://example.org/first.jpg" alt="The first"></a></p>',
                "Second",
                "/2021/09/second.html",
            ),
        ],
    )
    run_import(export)

    first = PostPage.objects.get(title="First")
    second = PostPage.objects.get(title="Second")
    figure = next(b.value for b in second.body if b.block_type == "image")
    assert (figure["link_page"].pk, figure["link_url"]) == (first.pk, "")
    usage = ReferenceIndex.get_references_to(first)
    assert usage.filter(object_id=str(second.pk)).exists()

    first.slug = "the-first"
    first.save_revision().publish()

    first.refresh_from_db()
    assert f'<a href="{first.url}">' in client.get(second.url).content.decode()


def test_imported_pages_are_listed_edited_and_searched_in_the_admin(blog, admin_client):
    run_import(SEED_CLASSIC)
    post = QuestionPostPage.objects.get(title=SEED_TITLE)

    listing = admin_client.get(f"/admin/pages/{blog.pk}/")
    assert SEED_TITLE in listing.content.decode()
    edit = admin_client.get(f"/admin/pages/{post.pk}/edit/")
    assert edit.status_code == 200
    assert "Narendra" in edit.content.decode()
    found = admin_client.get("/admin/pages/search/", {"q": "Left Behind"})
    assert SEED_TITLE in found.content.decode()
    assert PostPage.objects.live().search("Joo Seong-Ha").count() >= 1
    # Words of the quoted translation and of a label are indexed too.
    for word in ("repatriation", "Translation"):
        assert post.pk in [p.pk for p in PostPage.objects.live().search(word)], word
    publication = Publication.objects.get(name="Dong-A Ilbo")
    assert (
        ReferenceIndex.get_references_to(publication)
        .filter(object_id=str(post.pk))
        .exists()
    )


def test_authors_file_maps_blogger_profiles_to_users(blog, tmp_path, django_user_model):
    editor = django_user_model.objects.create_user("thekorean")
    authors = tmp_path / "authors.csv"
    authors.write_text(
        "blogger,username\nhttps://www.blogger.com/profile/0899999999999999999,"
        "thekorean\n"
    )

    run_import(SEED_CLASSIC, "--authors", str(authors))

    assert QuestionPostPage.objects.get(title=SEED_TITLE).owner == editor


BROKEN = {
    "not XML": b"This is a plain text file, not an export.\n",
    "empty": b"",
    "truncated": SEED_CLASSIC.read_bytes()[:9000],
    "XML bomb": b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&d;</title></feed>""",
    "external entity": b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&secret;</title></entry></feed>""",
    "public feed": b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:blogger.com,1999:blog-1</id>
<entry><id>tag:blogger.com,1999:blog-1.post-2</id><title>A post</title>
<category scheme="http://www.blogger.com/atom/ns#" term="news"/>
<content type="html">Hello</content></entry></feed>""",
    "wrong format": b"""<?xml version="1.0"?><rss version="2.0"><channel/></rss>""",
}
EXPECTED = {
    "not XML": "not XML",
    "empty": "empty",
    "truncated": "truncated",
    "XML bomb": "DTD",
    "external entity": "DTD",
    "public feed": "public feed",
    "wrong format": "not a Blogger export",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_or_hostile_file_writes_nothing_and_says_why(blog, tmp_path, name):
    export = tmp_path / "export.xml"
    export.write_bytes(BROKEN[name])
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run_import(export)

    message = str(error.value)
    assert "\n" not in message
    assert EXPECTED[name] in message
    assert "Nothing was written" in message
    assert snapshot() == before


def test_truncated_file_after_posts_rolls_back_the_posts(blog, tmp_path, monkeypatch):
    from posts.blogger import importer

    monkeypatch.setattr(importer, "POST_BATCH", 10)  # write early, then fail
    data = GPODDER.read_bytes()
    export = tmp_path / "cut.xml"
    export.write_bytes(data[: int(len(data) * 0.9)])
    before = snapshot()

    with pytest.raises(CommandError):
        run_import(export)

    assert snapshot() == before


def classic_export_with_body(tmp_path, body_html):
    """The seed export with the older post's body replaced by ``body_html``."""
    from xml.sax.saxutils import escape

    text = SEED_CLASSIC.read_text().replace(
        "An illustrative post written for testing.&lt;br /&gt;&lt;br /&gt;"
        "It has a threaded reply and a removed comment.",
        escape(body_html),
    )
    export = tmp_path / "body.xml"
    export.write_text(text)
    return export


def test_blogger_markup_becomes_blocks(blog, tmp_path):
    export = classic_export_with_body(
        tmp_path,
        "Intro line one<br />still intro<br /><br /><!--more-->"
        "<h3>A heading</h3>"
        '<div class="separator" style="clear: both; text-align: center;">'
        '<a href="https://1.bp.blogspot.com/-a/s1600/full.jpg">'
        '<img src="https://1.bp.blogspot.com/-a/s320/full.jpg" alt="A hanok" />'
        "</a></div>"
        '<table class="tr-caption-container"><tbody><tr><td>'
        '<a href="https://2.bp.blogspot.com/-b/s1600/market.jpg">'
        '<img src="https://2.bp.blogspot.com/-b/s400/market.jpg" /></a></td></tr>'
        '<tr><td class="tr-caption">Namdaemun market</td></tr></tbody></table>'
        "<blockquote>Quoted words.</blockquote>"
        "<ul><li>one</li><li><b>two</b></li></ul>"
        '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe>'
        "<table><tr><td>cell</td></tr></table>",
    )

    run_import(export)

    post = PostPage.objects.get(title=OLDER_TITLE)
    blocks = [(b.block_type, b.value) for b in post.body]
    kinds = [k for k, _ in blocks]
    assert kinds == [
        "paragraph",
        "heading",
        "image",
        "image",
        "quote",
        "paragraph",
        "embed",
        "legacy_html",
    ]
    assert (
        without_block_keys(blocks[0][1].source)
        == "<p>Intro line one<br/>still intro</p>"
    )
    assert post.excerpt == "Intro line one still intro"
    assert blocks[1][1]["text"] == "A heading"
    assert blocks[2][1]["remote_url"] == "https://1.bp.blogspot.com/-a/s1600/full.jpg"
    assert blocks[2][1]["alt_text"] == "A hanok"
    assert blocks[3][1]["caption"] == "Namdaemun market"
    assert blocks[3][1]["remote_url"].endswith("/s1600/market.jpg")
    assert blocks[4][1]["text"] == "Quoted words."
    assert (
        without_block_keys(blocks[5][1].source)
        == "<ul><li>one</li><li><b>two</b></li></ul>"
    )
    assert blocks[6][1].url == "https://www.youtube.com/watch?v=abcdefghijk"


def test_nothing_from_an_export_can_run_script(blog, client, tmp_path):
    export = classic_export_with_body(
        tmp_path,
        "Hello<script>alert(1)</script><br /><br />"
        '<a href="javascript:alert(2)">click</a> <img src="x.png" onerror="alert(3)" />'
        '<br /><br /><table onclick="alert(4)"><tr><td>'
        '<a href="javascript:alert(5)">cell</a></td></tr></table>'
        '<iframe src="https://evil.example/x"></iframe>'
        '<div style="background:url(javascript:alert(6))">styled</div>',
    )

    run_import(export)

    post = PostPage.objects.get(title=OLDER_TITLE)
    html = client.get(post.url).content.decode()
    assert "Hello" in html and "styled" in html
    for marker in ("alert(", "javascript:", "onerror", "onclick", "evil.example"):
        assert marker not in html, marker


def test_reference_index_is_what_wagtail_itself_records(blog):
    run_import(SEED_CLASSIC)
    run_import(GPODDER)
    before = sorted(ReferenceIndex.objects.values_list("id", flat=True))
    assert before

    for entry in LegacyEntry.objects.select_related("page"):
        ReferenceIndex.create_or_update_for_object(entry.page.specific)

    assert sorted(ReferenceIndex.objects.values_list("id", flat=True)) == before
