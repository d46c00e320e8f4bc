"""A blog moving house: a fresh site imports without a manual step, takes the
blog's name, description and time zone, and the demo never mixes with it."""

import datetime
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Site

from home.demo import ensure_ask_page, load_demo_content
from home.models import HomePage, SiteSettings, StandardPage
from posts.models import PostIndexPage, PostPage
from readers.models import Comment

FIXTURES = Path(__file__).parent / "fixtures"
KOLKATA = FIXTURES / "classic-kolkata-two-authors.xml"
SEED_CLASSIC = FIXTURES / "seed-classic.xml"

pytestmark = pytest.mark.django_db


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_blogger", str(path), *args, stdout=out)
    return out.getvalue()


def menu(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S)
    ]


def test_fresh_site_import_creates_the_blog_and_takes_its_name(client):
    assert not PostIndexPage.objects.exists()  # as `migrate` leaves it

    output = run_import(KOLKATA)

    blog = PostIndexPage.objects.get()
    assert blog.get_parent().specific_class is HomePage
    assert blog.title == "Monsoon Stories"
    assert "Short stories from Kolkata, one a week." in blog.introduction
    assert blog.live
    assert PostPage.objects.child_of(blog).count() == 2
    site = Site.objects.get(is_default_site=True)
    assert site.site_name == "Monsoon Stories"
    settings = SiteSettings.for_site(site)
    assert settings.tagline == "Short stories from Kolkata, one a week."
    assert settings.time_zone == "Asia/Kolkata"
    assert "site takes the blog's time zone: Asia/Kolkata" in output

    home = client.get("/").content.decode()
    assert re.search(r'class="site-name"><a [^>]*>Monsoon Stories</a>', home)
    assert "Short stories from Kolkata, one a week." in home
    assert client.get(blog.url).status_code == 200


def test_fresh_site_import_from_the_admin_upload(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/blogger-import/",
            {
                "export_file": SimpleUploadedFile("blog.xml", KOLKATA.read_bytes()),
                "question_opening": "Dear Korean,",
            },
        )

    blog = PostIndexPage.objects.get()
    assert blog.title == "Monsoon Stories"
    assert PostPage.objects.child_of(blog).count() == 2


def test_site_with_its_own_name_keeps_it(blog):
    site = Site.objects.get(is_default_site=True)
    site.site_name = "My new home"
    site.save()
    settings = SiteSettings.for_site(site)
    settings.tagline = "What I write now"
    settings.time_zone = "Europe/Paris"
    settings.save()

    run_import(KOLKATA)

    site.refresh_from_db()
    settings = SiteSettings.for_site(site)
    assert site.site_name == "My new home"
    assert (settings.tagline, settings.time_zone) == (
        "What I write now",
        "Europe/Paris",
    )
    assert PostIndexPage.objects.get() == blog  # into the existing blog


def test_dates_archives_and_feeds_are_in_the_blogs_time_zone(blog, client):
    run_import(KOLKATA)

    tram = PostPage.objects.get(title="The Tram at Dawn")
    html = client.get(tram.url).content.decode()
    assert "August 28, 2014" in html
    assert 'datetime="2014-08-28T08:10:00+05:30"' in html
    # 00:30 on 1 September in Kolkata is still 31 August in New York.
    september = client.get(f"{blog.url}2014/09/").content.decode()
    assert "Half Past Midnight" in september
    august = client.get(f"{blog.url}2014/08/").content.decode()
    assert "Half Past Midnight" not in august
    assert "The Tram at Dawn" in august
    # The archive widget groups months the same way.
    widget = client.get(blog.url).content.decode()
    assert '2014/09/">September</a> <span class="count">(1)' in widget
    assert '2014/08/">August</a> <span class="count">(1)' in widget
    rss = client.get(f"{blog.url}feed/").content.decode()
    assert "<pubDate>Thu, 28 Aug 2014 08:10:00 +0530</pubDate>" in rss
    atom = client.get(f"{blog.url}feed/atom/").content.decode()
    assert "<published>2014-08-28T08:10:00+05:30</published>" in atom
    # The stored instant is exact whatever the zone.
    assert tram.date == datetime.datetime(2014, 8, 28, 2, 40, tzinfo=datetime.UTC)


def test_editor_changes_the_time_zone_in_the_settings(blog, admin_client, client):
    run_import(KOLKATA)
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/home/sitesettings/{site.pk}/"
    form = {
        "tagline": "Short stories",
        "ask_prompt": "Ask",
        "footer_text": "",
        "time_zone": "Mars/Olympus",
    }
    refused = admin_client.post(url, form)
    assert "not a time zone name" in refused.content.decode()

    admin_client.post(url, {**form, "time_zone": "America/New_York"})

    tram = PostPage.objects.get(title="The Tram at Dawn")
    assert "August 27, 2014" in client.get(tram.url).content.decode()
    august = client.get(f"{blog.url}2014/08/").content.decode()
    assert "Half Past Midnight" in august


def test_unknown_time_zone_in_the_export_is_reported_and_ignored(blog, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(KOLKATA.read_text().replace(">Asia/Kolkata<", ">Middle/Earth<"))

    output = run_import(export)

    assert "time zone 'Middle/Earth' is unknown" in output
    assert SiteSettings.for_site(Site.objects.get()).time_zone == ""


def counts() -> dict:
    return {
        "pages": Page.objects.count(),
        "comments": Comment.objects.count(),
        "site_name": Site.objects.get(is_default_site=True).site_name,
        "tags": list(PostPage.tags.through.tag_model().objects.values_list("name")),
    }


def test_remove_demo_content_removes_exactly_what_the_demo_made():
    home = HomePage.objects.get()
    ensure_ask_page(home)
    home.add_child(instance=StandardPage(title="Mine", slug="mine"))
    before = counts()
    load_demo_content(timezone.now())
    assert counts() != before

    out = io.StringIO()
    call_command("remove_demo_content", stdout=out)

    assert "Removed the demo" in out.getvalue()
    assert counts() == before
    assert not PostIndexPage.objects.exists()


def test_importing_into_the_demo_site_replaces_the_demo(client):
    load_demo_content(timezone.now())
    demo_posts = list(PostPage.objects.values_list("title", flat=True))
    assert demo_posts

    output = run_import(SEED_CLASSIC)

    assert "the demo content was removed first" in output
    assert not PostPage.objects.filter(title__in=demo_posts).exists()
    items = menu(client.get("/").content.decode())
    assert items.count("About the Korean") == 1
    assert Site.objects.get(is_default_site=True).site_name == "Ask A Korean!"


def make_setup(*args) -> str:
    """The commands `make setup` runs (the manage.py calls echoed, not run)."""
    command = ["make", "-s", "setup", "MANAGE=echo manage", "STAMP=", *args]
    root = Path(__file__).parent.parent
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_run_with_demo_0_loads_no_demo():
    assert "manage load_demo_content" in make_setup()
    without = make_setup("DEMO=0")
    assert "manage migrate" in without
    assert "load_demo_content" not in without
