"""What Blogger's HTML becomes on the page: hidden, inline and floated pictures,
the safe inline styles, inline code (issue 14, points 4 and 5).

Each case is the smallest excerpt of what Blogger's editor writes, imported
with the command and read back over HTTP.
"""

import html
import io
import re
import shutil
from unittest import mock

import pytest
from django.core.management import call_command
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.models import Embed

from posts.models import PostPage
from posts.styles import classes_for
from tests.blogger_export import BloggerComment, Post, write_export
from tests.imageserver import FIXTURES as IMAGE_FIXTURES

pytestmark = pytest.mark.django_db

THUMB = "https://blogger.googleusercontent.com/img/b/R29v/AVvX/s72-c/thumb.jpg"
PIC = "https://1.bp.blogspot.com/-abc/UX/AAA/xyz/s200/kimchi.jpg"
PIC_ORIGINAL = PIC.replace("/s200/", "/s1600/")


def import_post(tmp_path, body: str) -> PostPage:
    export = write_export(tmp_path / "export.xml", [Post(body, "A post")])
    call_command("import_blogger", export, stdout=io.StringIO())
    return PostPage.objects.get(title="A post")


def body_html(client, post) -> str:
    response = client.get(post.url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<article") : html.index("</article>")]


def test_hidden_thumbnail_stays_hidden_but_is_kept(blog, client, tmp_path):
    post = import_post(
        tmp_path,
        f'<img src="{THUMB}" style="display:none" /><p>The story begins.</p>',
    )

    figure = post.body[0]
    assert figure.block_type == "image"
    assert figure.value["hidden"] is True
    html = body_html(client, post)
    assert "thumb.jpg" not in html
    assert "The story begins." in html


def test_hidden_block_hides_its_text_and_keeps_its_picture(blog, client, tmp_path):
    post = import_post(
        tmp_path,
        f'<div style="display: none"><img src="{THUMB}"/>Secret caption</div>'
        "Visible words.",
    )

    assert [b.block_type for b in post.body] == ["image", "paragraph"]
    html = body_html(client, post)
    assert "Secret caption" not in html and "thumb.jpg" not in html


def test_small_icon_inside_a_sentence_stays_inline(blog, client, tmp_path):
    post = import_post(
        tmp_path,
        'Read <a href="https://example.org/docs"><img src="https://example.org/'
        'pdf.png" width="16" height="16" alt="PDF"/> the manual</a> first.',
    )

    assert [b.block_type for b in post.body] == ["legacy_html"]
    html = body_html(client, post)
    paragraph = re.search(r"<p>Read .*? first\.</p>", html, re.S).group(0)
    assert '<img class="inline-image" src="https://example.org/pdf.png"' in paragraph
    assert 'width="16"' in paragraph
    assert "<figure" not in html
    assert paragraph.count("<a ") == 1  # the icon and its words: one link


def test_floated_picture_keeps_its_side_width_and_link_to_the_original(
    blog, client, tmp_path
):
    post = import_post(
        tmp_path,
        f'<a href="{PIC_ORIGINAL}" style="clear: right; float: right; '
        'margin-bottom: 1em; margin-left: 1em;"><img border="0" height="200" '
        f'src="{PIC}" width="150" /></a>Text flows beside the picture.',
    )

    value = post.body[0].value
    assert (value["alignment"], value["width"]) == ("right", 150)
    html = body_html(client, post)
    figure = re.search(
        r'<figure class="block-figure block-figure--right">.*?'
        r"</figure>",
        html,
        re.S,
    ).group(0)
    assert f'<a href="{PIC_ORIGINAL}">' in figure
    assert 'width="150"' in figure


def test_centred_picture_links_to_its_full_size_original(blog, client, tmp_path):
    post = import_post(
        tmp_path,
        '<div class="separator" style="clear: both; text-align: center;">'
        f'<a href="{PIC_ORIGINAL}" style="margin-left: 1em; margin-right: 1em;">'
        f'<img border="0" src="{PIC}" width="200" height="150"/></a></div>',
    )

    value = post.body[0].value
    assert value["alignment"] == "" and value["link_to_original"] is True
    html = body_html(client, post)
    assert re.search(
        rf'<a href="{re.escape(PIC_ORIGINAL)}">\s*<img src="{re.escape(PIC_ORIGINAL)}"',
        html,
    )


def test_colour_legend_keeps_its_colours_as_classes(blog, client, tmp_path):
    post = import_post(
        tmp_path,
        '<span style="background-color: rgb(161, 27, 27); position: fixed; '
        'top: 0">Closed</span> and <span style="color: #38761d; font-size: 40px">'
        "open</span> roads.",
    )

    html = body_html(client, post)
    assert '<span class="bg-maroon">Closed</span>' in html
    assert '<span class="color-green">open</span>' in html
    # Nothing inline reaches the page: the CSP allows no style attributes.
    assert "style=" not in html
    assert "position" not in html and "font-size" not in html


def test_colours_in_a_table_are_kept(blog, client, tmp_path):
    post = import_post(
        tmp_path,
        '<table><tr><td style="background-color: #a11b1b; width: 9px">'
        '</td><td style="text-align: right">Closed</td></tr></table>',
    )

    html = body_html(client, post)
    assert '<td class="bg-maroon"></td>' in html
    assert '<td class="text-right">Closed</td>' in html
    assert "style=" not in html


def test_centred_text_stays_centred_and_bold_style_is_bold(blog, client, tmp_path):
    post = import_post(
        tmp_path,
        '<div style="text-align: center;">A centred verse</div>'
        '<span style="font-weight: 700">Loud</span> and <span style="font-style:'
        ' italic">soft</span>.',
    )

    html = body_html(client, post)
    assert '<p class="text-center">A centred verse</p>' in html
    assert "<b>Loud</b>" in html and "<i>soft</i>" in html


def test_inline_code_stays_code(blog, client, tmp_path):
    post = import_post(tmp_path, "Run <code>make run</code> and wait.")

    assert post.body[0].block_type == "paragraph"
    assert "<code>make run</code>" in body_html(client, post)


def test_blogger_comment_keeps_its_links_bold_italic_and_breaks(blog, client, tmp_path):
    post = Post("<p>Answered.</p>", "A post")
    comment = BloggerComment(
        post,
        'See <a href="http://example.org/my-post" onclick="steal()">my post</a>, '
        "it is <b>long</b><br />and <i>careful</i>.<br /><br />"
        '<a href="javascript:alert(1)">click</a><script>alert(2)</script> '
        "http://bare.example.org/x",
    )
    export = write_export(tmp_path / "export.xml", [post], [comment])
    call_command("import_blogger", export, stdout=io.StringIO())
    page = PostPage.objects.get(title="A post")

    thread = client.get(page.url).content.decode()
    link = '<a href="http://example.org/my-post" rel="nofollow ugc">my post</a>'
    assert link in thread
    assert "<b>long</b><br>and <i>careful</i>." in thread
    assert (
        '<a href="http://bare.example.org/x" rel="nofollow ugc">'
        "http://bare.example.org/x</a>" in thread
    )
    assert "steal()" not in thread and "javascript:" not in thread
    assert "alert(2)" not in thread

    for feed in (f"/comments/{page.pk}/feed/", "/comments/feed/"):
        xml = client.get(feed).content.decode()
        assert html.escape(link, quote=False) in xml, feed
        assert "javascript" not in xml


def test_comment_with_only_text_reads_as_before(blog, client, tmp_path):
    post = Post("<p>Answered.</p>", "A post")
    comment = BloggerComment(post, "Fish &amp; chips<br /><br />&lt;b&gt;not bold")
    export = write_export(tmp_path / "export.xml", [post], [comment])
    call_command("import_blogger", export, stdout=io.StringIO())
    page = PostPage.objects.get(title="A post")

    thread = client.get(page.url).content.decode()
    assert "<p>Fish &amp; chips</p><p>&lt;b&gt;not bold</p>" in thread


YOUTUBE_IFRAME = (
    '<iframe width="320" height="266" src="https://www.youtube.com/embed/'
    'dQw4w9WgXcQ" frameborder="0" allowfullscreen></iframe>'
)


@pytest.mark.parametrize(
    "failure",
    [EmbedNotFoundException("deleted"), TimeoutError("no network")],
    ids=["video deleted", "provider unreachable"],
)
def test_video_that_cannot_be_embedded_shows_a_plain_link(
    blog, client, tmp_path, failure
):
    post = import_post(tmp_path, f"<p>Watch this.</p>{YOUTUBE_IFRAME}")

    with mock.patch("wagtail.embeds.embeds.get_embed", side_effect=failure):
        html = body_html(client, post)

    watch = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert f'Video: <a href="{watch}">{watch}</a>' in html
    assert '<div class="block-embed">' not in html


def test_video_that_can_be_embedded_shows_its_player(blog, client, tmp_path):
    post = import_post(tmp_path, YOUTUBE_IFRAME)
    player = Embed(
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        html='<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ">'
        "</iframe>",
        type="video",
        width=480,
        height=270,
    )

    with mock.patch("wagtail.embeds.embeds.get_embed", return_value=player):
        html = body_html(client, post)

    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    assert "Video: <a" not in html


def test_bloggers_own_video_player_becomes_a_link(blog, client, tmp_path):
    src = "https://www.blogger.com/video.g?token=AD6v5dy-abc_123"
    post = import_post(
        tmp_path,
        f'<iframe allowfullscreen="allowfullscreen" class="b-hbp-video" '
        f'height="266" src="{src}" width="320"></iframe>',
    )

    assert post.body[0].block_type == "embed"
    with mock.patch(
        "wagtail.embeds.embeds.get_embed", side_effect=EmbedNotFoundException
    ):
        assert f'<a href="{src}">' in body_html(client, post)


def test_real_export_keeps_floated_picture_and_inline_code(blog, client):
    # blog.gpodder.org (CC0): a picture floated right beside the text, and
    # environment variables written as <code> inside list items.
    call_command(
        "import_blogger",
        "tests/fixtures/gpodder-blog-classic-2017.xml",
        stdout=io.StringIO(),
    )

    floated = [
        block.value
        for post in PostPage.objects.all()
        for block in post.body
        if block.block_type == "image"
        and "detlef.png" in (block.value["remote_url"] or "")
    ]
    assert [(v["alignment"], v["width"], v["link_to_original"]) for v in floated] == [
        ("right", 191, True)
    ]
    coded = PostPage.objects.get(title='gPodder 3.0.0 "397/D" released')
    assert "<code>$GPODDER_HOME</code>" in client.get(coded.url).content.decode()


def test_hidden_picture_in_the_library_is_the_listing_picture(blog, client, tmp_path):
    folder = tmp_path / "pictures"
    folder.mkdir()
    shutil.copy(IMAGE_FIXTURES / "lantern.png", folder / "lantern.png")
    hidden = "http://1.bp.blogspot.com/-AbC/VxY/AAAAAAAAAQ/zZz/s72-c/lantern.png"
    export = write_export(
        tmp_path / "export.xml",
        [Post(f'<img style="display: none;" src="{hidden}"/>A story of light.')],
    )

    call_command(
        "import_blogger", export, "--images", str(folder), stdout=io.StringIO()
    )

    post = PostPage.objects.get()
    assert post.listing_image is not None
    assert post.listing_image.title
    html = body_html(client, post)
    assert "A story of light." in html
    assert "<figure" not in html and "lantern" not in html.lower()


@pytest.mark.parametrize(
    ("style", "css_class"),
    [
        ("background-color: #ffe599", "bg-soft-yellow"),  # Blogger's highlight
        ("background-color: rgb(161, 27, 27)", "bg-maroon"),
        ("color: #38761d", "color-green"),
        ("color: red", "color-red"),
        ("background-color: #cfe2f3", "bg-light-blue"),
    ],
)
def test_blogger_picker_colours_keep_their_kind(style, css_class):
    assert classes_for(style) == [css_class]


def test_picture_in_the_library_links_to_its_full_size_file(blog, client, tmp_path):
    folder = tmp_path / "pictures"
    folder.mkdir()
    shutil.copy(IMAGE_FIXTURES / "lantern.png", folder / "lantern.png")
    base = "http://1.bp.blogspot.com/-AbC/VxY/AAAAAAAAAQ/zZz"
    export = write_export(
        tmp_path / "export.xml",
        [
            Post(
                f'<div class="separator"><a href="{base}/s1600/lantern.png">'
                f'<img src="{base}/s320/lantern.png" width="320"/></a></div>'
            )
        ],
    )

    call_command(
        "import_blogger", export, "--images", str(folder), stdout=io.StringIO()
    )

    post = PostPage.objects.get()
    image = post.body[0].value["image"]
    assert image is not None and post.body[0].value["link_to_original"]
    html = body_html(client, post)
    assert f'<a href="{image.file.url}">' in html
    assert "blogspot" not in html
