"""Old Blogger addresses after an import: labels with signs in their names, and
post slugs that look like the blog's own routes (issue 14, points 7 and 11)."""

import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.test.utils.form_data import nested_form_data, streamfield

from posts.models import Label, PostPage, label_slug
from tests.blogger_export import BloggerComment, Post, write_export
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run_import(path):
    out = io.StringIO()
    call_command("import_blogger", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("c", "c"),
        ("c#", "c-sharp"),
        ("c++", "c-plus-plus"),
        ("Culture & Society", "culture-and-society"),
        ("#hashtag", "hashtag"),
        ("한국어", "한국어"),
        ("???", "label"),
    ],
)
def test_label_slugs_are_readable(name, slug):
    assert label_slug(name) == slug


def test_c_c_sharp_and_c_plus_plus_get_distinct_readable_label_pages(
    blog, client, tmp_path
):
    export = write_export(
        tmp_path / "code.xml",
        [
            Post("<p>Pointers.</p>", "On C", "/2016/01/c.html", ["c"]),
            Post("<p>Delegates.</p>", "On C#", "/2016/02/cs.html", ["c#"]),
            Post("<p>Templates.</p>", "On C++", "/2016/03/cpp.html", ["c++"]),
        ],
    )
    run_import(export)

    slugs = dict(Label.objects.values_list("name", "slug"))
    assert slugs == {"c": "c", "c#": "c-sharp", "c++": "c-plus-plus"}
    for old, slug, title in [
        ("/search/label/c", "c", "On C"),
        ("/search/label/c%23", "c-sharp", "On C#"),
        ("/search/label/c%2B%2B", "c-plus-plus", "On C++"),
        ("/search/label/c++", "c-plus-plus", "On C++"),
        ("/search/label/c%2B%2B?max-results=20", "c-plus-plus", "On C++"),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == f"{blog.url}label/{slug}/", old
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert title in page.content.decode()


def test_seed_label_with_ampersand_redirects_to_its_label_page(blog, client):
    run_import("tests/fixtures/seed-classic.xml")

    for old in (
        "/search/label/Culture%20%26%20Society",
        "/search/label/Culture%20&%20Society",
        "/search/label/Culture+%26+Society",
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == f"{blog.url}label/culture-and-society/"
        assert client.get(response["Location"]).status_code == 200


def test_label_with_plus_keeps_its_address_beside_a_label_with_a_space(
    blog, client, tmp_path
):
    export = write_export(
        tmp_path / "plus.xml",
        [
            Post("<p>One.</p>", "Spaced", "/2016/01/a.html", ["Sun Moon"]),
            Post("<p>Two.</p>", "Plussed", "/2016/02/b.html", ["Sun+Moon"]),
            Post("<p>Three.</p>", "Korean", "/2016/03/c.html", ["한국어"]),
        ],
    )
    run_import(export)

    assert client.get("/search/label/Sun+Moon")["Location"].endswith(
        "/label/sun-plus-moon/"
    )
    assert client.get("/search/label/Sun%20Moon")["Location"].endswith(
        "/label/sun-moon/"
    )
    korean = client.get("/search/label/%ED%95%9C%EA%B5%AD%EC%96%B4")
    assert korean.status_code == 301
    assert client.get(korean["Location"]).status_code == 200


def test_label_used_only_on_drafts_gets_no_redirect(blog, client, tmp_path):
    export = write_export(
        tmp_path / "drafts.xml",
        [
            Post("<p>Live.</p>", "Live", "/2016/01/live.html", ["Seen"]),
            Post("<p>Draft.</p>", "Draft", "", ["Unseen Yet"], draft=True),
        ],
    )
    run_import(export)

    assert client.get("/search/label/Seen").status_code == 301
    assert client.get("/search/label/Unseen%20Yet").status_code == 404


def test_label_typed_in_the_admin_gets_a_readable_slug(blog):
    post = PostPage(title="Generics", slug="generics")
    blog.add_child(instance=post)
    post.tags.add("c++")
    post.save()

    assert Label.objects.get(name="c++").slug == "c-plus-plus"


def test_post_whose_old_slug_is_four_digits_is_reachable(blog, client, tmp_path):
    export = write_export(
        tmp_path / "digits.xml",
        [
            Post("<p>A year-like slug.</p>", "9679", "/2021/09/9679.html"),
            Post("<p>Named feed.</p>", "Feed", "/2021/09/feed.html"),
            Post("<p>Named label.</p>", "Label", "/2021/09/label.html"),
        ],
    )
    run_import(export)

    for old, words in [
        ("/2021/09/9679.html", "A year-like slug."),
        ("/2021/09/feed.html", "Named feed."),
        ("/2021/09/label.html", "Named label."),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        page = client.get(response["Location"])
        assert page.status_code == 200, response["Location"]
        assert words in page.content.decode()
    slugs = set(PostPage.objects.values_list("slug", flat=True))
    assert not slugs & {"9679", "feed", "label", "search"}
    # The year archive still answers for its year.
    assert client.get(f"{blog.url}2021/").status_code == 200


@pytest.mark.parametrize("slug", ["2021", "feed", "label", "search"])
def test_editor_cannot_give_a_post_a_slug_the_blog_routes_answer(blog, client, slug):
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/add/posts/postpage/{blog.pk}/",
        nested_form_data(
            {
                "title": "Year-like",
                "slug": slug,
                "excerpt": "",
                "body": streamfield([]),
                "tags": "",
                "comment_policy": "auto",
            }
        ),
    )
    assert response.status_code == 200
    assert not PostPage.objects.filter(slug=slug).exists()
    assert "the blog" in response.content.decode()


def test_admin_upload_brings_labels_slugs_pictures_and_comment_links(
    blog, admin_client, client, tmp_path, django_capture_on_commit_callbacks
):
    post = Post(
        '<img src="https://example.org/thumb.jpg" style="display:none"/>'
        "Templates, explained.",
        "9679",
        "/2021/09/9679.html",
        ["c++"],
    )
    comment = BloggerComment(post, 'Also <a href="https://example.org/t">this</a>.')
    export = Path(write_export(tmp_path / "blog.xml", [post], [comment]))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/blogger-import/",
            {
                "export_file": SimpleUploadedFile("blog.xml", export.read_bytes()),
                "question_opening": "Dear Korean,",
            },
        )
    assert response.status_code == 302

    old = client.get("/2021/09/9679.html")
    assert old.status_code == 301
    page = client.get(old["Location"]).content.decode()
    assert "Templates, explained." in page
    assert "thumb.jpg" not in page
    assert '<a href="https://example.org/t" rel="nofollow ugc">this</a>' in page
    label = client.get("/search/label/c%2B%2B")
    assert label["Location"] == f"{blog.url}label/c-plus-plus/"
    assert "9679" in client.get(label["Location"]).content.decode()


def test_post_imported_earlier_with_a_year_like_slug_is_moved(blog, client, tmp_path):
    export = write_export(
        tmp_path / "digits.xml",
        [Post("<p>A year-like slug.</p>", "9679", "/2021/09/9679.html")],
    )
    run_import(export)
    post = PostPage.objects.get()
    # As the importer wrote it before slugs kept clear of the routes.
    PostPage.objects.filter(pk=post.pk).update(
        slug="9679", url_path=f"{blog.url_path}9679/"
    )
    assert client.get(client.get("/2021/09/9679.html")["Location"]).status_code == 404

    migration = importlib.import_module(
        "posts.migrations.0012_posts_clear_of_blog_routes"
    )
    migration.move_posts_off_routes(django_apps, None)

    post.refresh_from_db()
    assert post.slug == "post-9679"
    page = client.get(client.get("/2021/09/9679.html")["Location"])
    assert page.status_code == 200
    assert "A year-like slug." in page.content.decode()


def test_labels_imported_earlier_take_their_readable_slug(blog, client, tmp_path):
    export = write_export(
        tmp_path / "code.xml",
        [Post("<p>Templates.</p>", "On C++", "/2016/03/cpp.html", ["c++"])],
    )
    run_import(export)
    # As taggit named it before labels had readable slugs.
    Label.objects.filter(name="c++").update(slug="c_2")
    Redirect.objects.filter(redirect_link__endswith="/c-plus-plus/").update(
        redirect_link=f"{blog.url}label/c_2/"
    )

    migration = importlib.import_module(
        "posts.migrations.0013_readable_slugs_for_existing_labels"
    )
    migration.readable_label_slugs(django_apps, None)

    assert Label.objects.get(name="c++").slug == "c-plus-plus"
    new = f"{blog.url}label/c-plus-plus/"
    assert client.get(f"{blog.url}label/c_2/")["Location"] == new
    assert client.get("/search/label/c%2B%2B")["Location"] == new
    assert "On C++" in client.get(new).content.decode()
