"""A post's first library image is its listing and Open Graph image."""

import pytest
import wagtail_factories

from tests.factories import PostPageFactory, publish


def image_block(image=None, remote_url=""):
    return {
        "type": "image",
        "value": {
            "image": image.pk if image else None,
            "remote_url": remote_url,
            "alt_text": "A lantern",
            "caption": "",
            "credit": "",
            "link_url": "",
        },
    }


@pytest.fixture
def post_with_images(blog):
    first = wagtail_factories.ImageFactory(
        title="Lantern", description="A paper lantern", width=640, height=480
    )
    second = wagtail_factories.ImageFactory(title="Second", width=640, height=480)
    body = [
        image_block(remote_url="https://example.org/still-remote.jpg"),
        {"type": "paragraph", "value": "<p>Words.</p>"},
        image_block(first),
        image_block(second),
    ]
    post = PostPageFactory(parent=blog, title="Lanterns", body=body)
    return publish(post), first


@pytest.mark.django_db
def test_first_library_image_is_the_open_graph_image(client, post_with_images):
    post, first = post_with_images
    assert post.listing_image == first

    html = client.get(post.url).content.decode()
    assert '<meta property="og:image" content="http://testserver/' in html
    assert '<meta property="og:image:alt" content="A paper lantern">' in html
    assert 'content="summary_large_image"' in html
    assert first.renditions.filter(filter_spec="fill-1200x630").exists()


@pytest.mark.django_db
def test_blog_listing_shows_the_first_image(client, blog, post_with_images):
    post, first = post_with_images
    html = client.get(blog.url).content.decode()
    assert 'class="post-summary__image"' in html
    # Whatever size the theme asks for, the listing shows a rendition of the
    # post's first picture.
    urls = [r.url for r in first.renditions.filter(filter_spec__startswith="fill-")]
    assert any(url in html for url in urls), urls


@pytest.mark.django_db
def test_post_without_library_image_has_no_open_graph_image(client, blog):
    post = publish(
        PostPageFactory(
            parent=blog, body=[image_block(remote_url="https://example.org/a.jpg")]
        )
    )
    assert post.listing_image is None
    html = client.get(post.url).content.decode()
    assert "og:image" not in html
    assert 'content="summary"' in html
