"""Bylines: Blogger authors kept on imported posts, the owner's name on others."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from posts.models import PostPage
from tests.factories import PostPageFactory, UserFactory

FIXTURES = Path(__file__).parent / "fixtures"
KOLKATA = FIXTURES / "classic-kolkata-two-authors.xml"
PROFILE = "https://www.blogger.com/profile/11110000"

pytestmark = pytest.mark.django_db


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_blogger", str(path), *args, stdout=out)
    return out.getvalue()


def text(html: str) -> str:
    """The page's words, without tags or runs of white space."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_blogger_author_is_kept_and_shown_on_the_post(blog, client):
    run_import(KOLKATA)

    tram = PostPage.objects.get(title="The Tram at Dawn")
    assert (tram.author_name, tram.author_url) == ("Priya Sen", PROFILE)
    html = client.get(tram.url).content.decode()
    assert f'<a href="{PROFILE}" rel="author">Priya Sen</a>' in html
    assert jsonld(html)["author"] == {
        "@type": "Person",
        "name": "Priya Sen",
        "url": PROFILE,
    }
    listing = text(client.get(blog.url).content.decode())
    assert "By Priya Sen" in listing and "By Arjun Das" in listing
    midnight = PostPage.objects.get(title="Half Past Midnight")
    html = client.get(midnight.url).content.decode()
    assert "By Arjun Das" in text(html)  # no profile link in the export
    assert 'rel="author">Arjun Das' not in html
    assert jsonld(html)["author"] == {"@type": "Person", "name": "Arjun Das"}


def test_feeds_name_each_posts_author(blog, client):
    run_import(KOLKATA)

    rss = client.get(blog.url + "feed/").content.decode()
    creator = '<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">{}</dc:creator>'
    assert creator.format("Priya Sen") in rss
    assert creator.format("Arjun Das") in rss
    atom = client.get(blog.url + "feed/atom/").content.decode()
    assert f"<author><name>Priya Sen</name><uri>{PROFILE}</uri></author>" in atom
    assert "<author><name>Arjun Das</name></author>" in atom


def test_authors_file_maps_the_author_to_a_user_and_keeps_the_byline(
    blog, tmp_path, django_user_model
):
    priya = django_user_model.objects.create_user("priya")
    authors = tmp_path / "authors.csv"
    authors.write_text(f"blogger,username\n{PROFILE},priya\n")

    run_import(KOLKATA, "--authors", str(authors))

    tram = PostPage.objects.get(title="The Tram at Dawn")
    assert tram.owner == priya
    assert tram.byline == "Priya Sen"


def test_post_written_on_the_site_is_signed_by_its_owner(blog, client):
    owner = UserFactory(username="thekorean", first_name="Han", last_name="Kim")
    post = PostPageFactory(parent=blog, title="Written here", owner=owner)
    html = client.get(post.url).content.decode()
    assert "By Han Kim" in text(html)

    owner.first_name = owner.last_name = ""
    owner.save()
    assert PostPage.objects.get(pk=post.pk).byline == "thekorean"


def test_import_without_any_owner_says_so_and_keeps_the_bylines(blog, client):
    output = run_import(KOLKATA)  # no superuser, no --owner

    assert "no --owner and no superuser" in output
    tram = PostPage.objects.get(title="The Tram at Dawn")
    assert tram.owner is None
    assert "By Priya Sen" in text(client.get(tram.url).content.decode())
