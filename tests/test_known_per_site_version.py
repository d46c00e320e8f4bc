"""What each worker reads once per site version instead of once per request (the
request's site and home page, the home page's children, the restricted paths,
the comment settings, the blog's catalogue) is never stale: the change that
alters it shows on the very next request, through the test client as a reader.
"""

import pytest
from wagtail.models import PageViewRestriction, Site

from readers.models import CommentSettings
from tests.factories import PostPageFactory, StandardPageFactory, publish


@pytest.fixture
def post(blog):
    return publish(PostPageFactory(parent=blog, title="Winter kimchi"))


def test_a_page_published_under_the_home_page_is_served_at_once(client, home, post):
    assert client.get(post.url).status_code == 200  # the children are now known
    about = StandardPageFactory(
        parent=home, title="About the Korean", slug="about", live=False
    )
    assert client.get("/about/").status_code == 404  # a draft
    publish(about)
    assert client.get("/about/").status_code == 200
    about.unpublish()
    assert client.get("/about/").status_code == 404


def test_a_renamed_blog_is_served_at_its_new_address(client, blog, post):
    assert client.get(post.url).status_code == 200
    blog.slug = "letters"
    publish(blog)
    assert client.get("/letters/" + post.slug + "/").status_code == 200
    assert client.get(post.url).status_code == 404


def test_a_second_site_serves_its_own_root(client, home, post):
    assert client.get("/", HTTP_HOST="other.example").status_code == 200
    corner = publish(StandardPageFactory(parent=home, title="Reading corner"))
    Site.objects.create(hostname="other.example", port=80, root_page=corner)
    response = client.get("/", HTTP_HOST="other.example")
    assert response.status_code == 200
    assert "Reading corner" in response.content.decode()
    assert "Reading corner" not in client.get("/").content.decode().split("<main")[1]


def test_restricting_the_blog_asks_readers_to_sign_in_at_once(client, blog, post):
    assert client.get(post.url).status_code == 200
    assert "Winter kimchi" in client.get("/").content.decode()
    restriction = PageViewRestriction.objects.create(
        page=blog, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(post.url)
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert "Winter kimchi" not in client.get("/").content.decode()
    restriction.delete()
    assert client.get(post.url).status_code == 200


def test_new_comment_settings_apply_to_the_next_request(client, post):
    assert "comment-form" in client.get(post.url).content.decode()
    settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    settings.close_after_days = 0
    settings.save()
    page = client.get(post.url).content.decode()
    assert "Comments are not available on posts older than 0 days" in page
