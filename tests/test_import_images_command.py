"""`manage.py import_blogger --download-images`, end to end.

The export (written by `tests.blogger_image_export`) keeps real Blogger
picture URLs; the fake network routes Blogger's host names to a local image
server and refuses everything else.
"""

import json
import shutil

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex

from posts.models import ImportedImage, PostPage
from tests.blogger_image_export import Picture, write_export
from tests.imageserver import FIXTURES, FakeNetwork, ImageServer

Image = get_image_model()
BP = "http://1.bp.blogspot.com/-AbC/VxY/AAAAAAAAAQ/zZz"
GUC = "http://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEh"

POSTS = [
    (
        "The harbour at night",
        [
            Picture(f"{BP}/s320/harbour.jpg", alt="The harbour at dusk"),
            Picture(f"{BP}/s320/lantern.png", caption="A paper lantern"),
        ],
    ),
    ("Market day", [Picture(f"{GUC}/w400-h300/market.jpg", alt="Market stalls")]),
    # The first picture again, from another of Blogger's hosts.
    (
        "Back to the harbour",
        [Picture("http://3.bp.blogspot.com/-AbC/VxY/AAAAAAAAAQ/zZz/s320/harbour.jpg")],
    ),
]


@pytest.fixture
def server():
    with ImageServer() as server:
        yield server


@pytest.fixture
def network(server, monkeypatch, settings):
    settings.BLOGGER_IMAGES_ALLOW_PRIVATE_HOSTS = ["127.0.0.1/32"]
    settings.BLOGGER_IMAGES_TIMEOUT = 0.5
    settings.BLOGGER_IMAGES_RETRIES = 0
    network = FakeNetwork(server).install(monkeypatch)
    yield network
    assert network.outside_connections() == []


def run_import(path, tmp_path, *args):
    report = tmp_path / "report.json"
    call_command("import_blogger", str(path), "--report", str(report), *args)
    return json.loads(report.read_text())


def bodies():
    return json.dumps([list(p.body.raw_data) for p in PostPage.objects.all()])


@pytest.mark.django_db
def test_every_picture_comes_home_and_a_second_import_fetches_nothing(
    blog, network, server, tmp_path, client
):
    export = tmp_path / "blog.xml"
    write_export(export, POSTS)

    report = run_import(export, tmp_path, "--download-images")

    assert PostPage.objects.count() == 3
    assert "blogspot" not in bodies() and "googleusercontent" not in bodies()
    assert Image.objects.count() == 3  # the harbour twice is one image
    assert all(image.description for image in Image.objects.all())
    assert sorted(Image.objects.values_list("description", flat=True)) == [
        "A paper lantern",
        "Market stalls",
        "The harbour at dusk",
    ]
    harbour = Image.objects.get(description="The harbour at dusk")
    assert (harbour.width, harbour.height) == (320, 240)  # the original
    assert ImportedImage.objects.count() == 3
    assert report["images"]["failed"] == []
    assert len(server.requests) == 3

    post = PostPage.objects.get(title="The harbour at night")
    html = client.get(post.url).content.decode()
    # A 320 px original gets one rendition, not a srcset repeating it.
    assert 'src="/media/images/' in html and "blogspot" not in html
    assert post.listing_image == harbour
    # The image library finds it, and shows where it is used.
    assert list(Image.objects.search("harbour")) == [harbour]
    usage = ReferenceIndex.get_references_to(harbour).group_by_source_object()
    assert {obj.pk for obj, _ in usage} == {
        p.pk for p in PostPage.objects.filter(title__contains="harbour")
    }

    again = run_import(export, tmp_path, "--download-images")

    assert len(server.requests) == 3
    assert again["images"]["requests"] == 0
    assert Image.objects.count() == 3
    assert again["counts"]["posts"]["unchanged"] == 3


@pytest.mark.django_db
def test_failed_picture_stays_remote_is_reported_and_retried_alone(
    blog, network, server, tmp_path
):
    export = tmp_path / "blog.xml"
    write_export(
        export,
        [
            (
                "Lost and found",
                [
                    Picture(f"{BP}/s320/lantern.png", alt="Lantern"),
                    Picture(f"{BP}/s320/missing-photo.jpg", alt="Gone"),
                ],
            )
        ],
    )

    report = run_import(export, tmp_path, "--download-images")

    [failure] = report["images"]["failed"]
    assert failure["url"].endswith("missing-photo.jpg")
    assert failure["reason"] == "HTTP 404"
    assert failure["post"] == "Lost and found"
    assert "missing-photo.jpg" in bodies()  # still shown from Blogger
    assert Image.objects.count() == 1
    first_requests = len(server.requests)

    run_import(export, tmp_path, "--download-images")

    retried = [path for _, path in server.requests[first_requests:]]
    assert retried and all("missing-photo" in path for path in retried)
    assert Image.objects.count() == 1


@pytest.mark.django_db
def test_without_the_option_nothing_is_fetched(blog, network, server, tmp_path):
    export = tmp_path / "blog.xml"
    write_export(export, POSTS)

    run_import(export, tmp_path)

    assert server.requests == [] and network.connections == []
    assert "blogspot" in bodies() and Image.objects.count() == 0


@pytest.mark.django_db
def test_local_folder_is_used_before_downloading(blog, network, server, tmp_path):
    folder = tmp_path / "pictures"
    folder.mkdir()
    shutil.copy(FIXTURES / "harbour.jpg", folder / "harbour.jpg")
    export = tmp_path / "blog.xml"
    write_export(export, POSTS[:1])

    run_import(export, tmp_path, "--download-images", "--images", str(folder))

    assert [path for _, path in server.requests] == [
        "/-AbC/VxY/AAAAAAAAAQ/zZz/s0/lantern.png"
    ]
    assert Image.objects.count() == 2
    assert "blogspot" not in bodies()


@pytest.mark.django_db
def test_dry_run_with_downloads_fetches_and_writes_nothing(
    blog, network, server, tmp_path
):
    export = tmp_path / "blog.xml"
    write_export(export, POSTS)

    report = run_import(export, tmp_path, "--download-images", "--dry-run")

    assert report["images"]["would_fetch"] == 3
    assert server.requests == []
    assert Image.objects.count() == 0 and PostPage.objects.count() == 0


@pytest.mark.django_db
def test_admin_import_with_the_download_box_ticked(
    blog, network, server, tmp_path, admin_client, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.blogger_image_export import export_xml

    posts = [*POSTS, ("Gone", [Picture(f"{BP}/s320/missing-photo.jpg", alt="Gone")])]
    form = admin_client.get("/admin/blogger-import/").content.decode()
    assert 'name="download_images"' in form

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/blogger-import/",
            {
                "export_file": SimpleUploadedFile(
                    "blog.xml", export_xml(posts).encode()
                ),
                "question_opening": "Dear Korean,",
                "download_images": "on",
            },
        )

    assert Image.objects.count() == 3
    assert "googleusercontent" not in bodies()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Stored in the image library: 3 downloaded" in page
    assert "missing-photo.jpg: HTTP 404 (in “Gone”)" in page


@pytest.mark.django_db
def test_folder_without_downloads_copies_what_it_has_and_fetches_nothing(
    blog, network, server, tmp_path
):
    folder = tmp_path / "pictures"
    folder.mkdir()
    shutil.copy(FIXTURES / "lantern.png", folder / "lantern.png")
    export = tmp_path / "blog.xml"
    write_export(export, POSTS[:1])

    report = run_import(export, tmp_path, "--images", str(folder))

    assert server.requests == [] and network.connections == []
    assert Image.objects.count() == 1 and report["images"]["from_folder"] == 1
    assert "harbour.jpg" in bodies() and "lantern.png" not in bodies()


def test_takeout_albums_folder_is_found_beside_the_feed(tmp_path):
    from posts.blogger.fetch import takeout_albums

    blog = tmp_path / "Takeout" / "Blogger" / "Blogs" / "My blog"
    blog.mkdir(parents=True)
    albums = tmp_path / "Takeout" / "Blogger" / "Albums"
    albums.mkdir()
    (blog / "feed.atom").write_text("<feed/>")
    (blog / "backup.xml").write_text("<feed/>")

    assert takeout_albums(blog / "feed.atom") == str(albums)
    assert takeout_albums(blog / "backup.xml") == ""  # a classic backup has none
