"""Blogger pictures copied into the image library, against a local image host.

The tests drive the importer's image seam (`posts.blogger.library`) the way
the import does: a FigureBlock value that points at Blogger goes in, one that
points at a library image comes out, or the value stays remote and the report
says why. Blogger's host names resolve to a server on 127.0.0.1 started here;
nothing else can be reached, and each test checks nothing else was tried.
"""

import shutil

import pytest
from wagtail.images import get_image_model

from posts.blogger.fetch import ImageFetcher, candidate_urls, original_url, source_key
from posts.blogger.library import BloggerImages, LibraryImages
from posts.models import ImportedImage
from tests.imageserver import FIXTURES, FakeNetwork, ImageServer

Image = get_image_model()
BP_PATH = "/-AbC/VxY/AAAAAAAAAQ/zZz"
BP = f"http://1.bp.blogspot.com{BP_PATH}"


@pytest.fixture
def server():
    with ImageServer() as server:
        yield server


@pytest.fixture
def network(server, monkeypatch, settings):
    settings.BLOGGER_IMAGES_ALLOW_PRIVATE_HOSTS = ["127.0.0.1/32"]
    settings.BLOGGER_IMAGES_TIMEOUT = 0.5
    settings.BLOGGER_IMAGES_RETRIES = 1
    settings.BLOGGER_IMAGES_BACKOFF = 0.01
    settings.BLOGGER_IMAGES_MAX_BYTES = 20_000
    settings.BLOGGER_IMAGES_FILE_DEADLINE = 1
    network = FakeNetwork(server).install(monkeypatch)
    yield network
    assert network.outside_connections() == []


def figure(src, link="", alt="", caption=""):
    return {
        "image": None,
        "remote_url": src,
        "alt_text": alt,
        "caption": caption,
        "credit": "",
        "link_url": link,
    }


def localise(*values, post_title="A post", **options):
    with BloggerImages(**options) as images:
        for value in values:
            images.want(value["remote_url"], value["link_url"])
        out = [images.localise_figure(v, post_title=post_title)[0] for v in values]
        return out, images.summary()


@pytest.mark.django_db
def test_picture_is_downloaded_stored_and_linked(network, server):
    value = figure(
        f"{BP}/s320/harbour.jpg",
        link=f"{BP}/s1600/harbour.jpg",
        alt="The harbour at dusk",
        caption="Busan, 2012",
    )
    [out], report = localise(value)

    image = Image.objects.get()
    assert out["image"] == image.pk
    assert out["remote_url"] == ""
    assert out["link_url"] == ""  # the library image is the full-size copy now
    assert out["alt_text"] == "The harbour at dusk"
    assert image.description == "The harbour at dusk"
    assert image.title == "The harbour at dusk"
    assert image.collection.name == "Imported from Blogger"
    assert image.file.name.endswith(".jpg")
    assert report["downloaded"] == 1 and report["failed"] == []
    recorded = ImportedImage.objects.get()
    assert recorded.image == image
    assert "bp.blogspot.com" in recorded.source_url
    assert set(network.lookups) == {"1.bp.blogspot.com", "127.0.0.1"}


@pytest.mark.django_db
def test_thumbnail_is_replaced_by_the_original(network, server):
    [out], _ = localise(figure(f"{BP}/s320/harbour.jpg", alt="Harbour"))

    image = Image.objects.get(pk=out["image"])
    assert (image.width, image.height) == (320, 240)  # the thumbnail is 160x120
    assert [path for _, path in server.requests] == [f"{BP_PATH}/s0/harbour.jpg"]


@pytest.mark.django_db
def test_googleusercontent_size_suffix_is_upsized(network, server):
    src = "http://blogger.googleusercontent.com/img/b/R29v/AVvXsE/w400-h300/market.jpg"
    [out], _ = localise(figure(src, alt="Market"))
    assert out["image"] is not None
    assert server.requests[0][1].endswith("/s0/market.jpg")


@pytest.mark.django_db
def test_second_run_fetches_and_stores_nothing(network, server):
    value = figure(f"{BP}/s320/harbour.jpg", alt="Harbour")
    [first], _ = localise(value)
    requests = len(server.requests)

    # Another shard, https, another size: the same picture.
    again = figure(
        "https://3.bp.blogspot.com/-AbC/VxY/AAAAAAAAAQ/zZz/s640/harbour.jpg", alt="H"
    )
    [second, third], report = localise(value, again)

    assert second["image"] == third["image"] == first["image"]
    assert len(server.requests) == requests
    assert Image.objects.count() == 1
    assert report["in_library"] == 1 and report["downloaded"] == 0
    assert report["requests"] == 0


@pytest.mark.django_db
def test_same_picture_in_two_posts_is_fetched_once(network, server):
    a = figure(f"{BP}/s320/lantern.png", alt="Lantern")
    b = figure(f"{BP}/s400/lantern.png", alt="Lantern again")
    [out_a, out_b], _ = localise(a, b)
    assert out_a["image"] == out_b["image"]
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("missing-photo.jpg", "HTTP 404"),
        ("slow-harbour.jpg", "timed out"),
        ("drip-harbour.jpg", "timed out (whole file over 1 s)"),
        ("error-page.jpg", "an HTML page, not an image"),
        ("noise.png", "file larger than 20000 bytes"),
        ("nolength-noise.png", "file larger than 20000 bytes"),
        ("bomb.png", "decompression bomb refused"),
    ],
)
@pytest.mark.django_db
def test_a_bad_picture_stays_remote_and_is_reported(network, server, name, reason):
    src = f"http://127.0.0.1:{server.port}/img/{name}"
    value = figure(src, alt="Something")
    good = figure(f"{BP}/s320/lantern.png", alt="Lantern")

    [out, good_out], report = localise(value, good)

    assert out == value  # still remote, nothing lost
    assert good_out["image"] is not None  # the import went on
    [failure] = report["failed"]
    assert failure["url"] == src
    assert reason in failure["reason"]
    assert failure["post"] == "A post"
    assert Image.objects.count() == 1
    assert not ImportedImage.objects.filter(source_url__contains=name).exists()


@pytest.mark.django_db
def test_failed_picture_is_fetched_again_on_the_next_run(network, server):
    value = figure(f"{BP}/s320/flaky-market.jpg", alt="Market")
    [failed], report = localise(value, retries=0)
    assert failed["image"] is None
    assert "HTTP 503" in report["failed"][0]["reason"]

    [retried], report = localise(value, retries=0)
    assert retried["image"] is not None and report["failed"] == []


@pytest.mark.django_db
def test_busy_host_is_retried_with_back_off(network, server):
    [out], report = localise(figure(f"{BP}/s320/flaky-harbour.jpg", alt="H"))
    assert out["image"] is not None
    assert report["requests"] == 2


@pytest.mark.django_db
def test_tracking_pixel_is_skipped(network, server):
    value = figure(f"http://127.0.0.1:{server.port}/pixel.gif")
    [out], report = localise(value)
    assert out == value
    assert report["skipped"][0]["reason"] == "1x1 tracking pixel"
    assert report["failed"] == [] and Image.objects.count() == 0


@pytest.mark.django_db
def test_tracking_pixel_is_dropped_from_the_body_and_never_fetched_again(
    network, server
):
    blocks = [
        ("paragraph", "<p>Hello</p>"),
        ("image", figure(f"http://127.0.0.1:{server.port}/pixel.gif")),
    ]
    with LibraryImages() as images:
        assert images.localise_blocks(blocks) == [("paragraph", "<p>Hello</p>")]
    requests = len(server.requests)
    with LibraryImages() as images:
        assert images.localise_blocks(blocks) == [("paragraph", "<p>Hello</p>")]
    assert len(server.requests) == requests


@pytest.mark.django_db
def test_prefetch_starts_downloads_before_the_body_is_converted(network, server):
    html = (
        f'<div class="separator"><a href="{BP}/s1600/harbour.jpg">'
        f'<img border="0" src="{BP}/s320/harbour.jpg" /></a></div>'
        f"<p>Text</p><img src='{BP}/s200/lantern.png'>"
    )

    class Entry:
        source_id = "post-1"
        content = html

    with LibraryImages() as images:
        assert images.prefetch(Entry) == 2
        assert images.needs_update(Entry)
        images.fetcher.close(wait=True)  # the downloads finish on their own
        assert len(server.requests) == 2
        blocks = [
            {"type": "image", "value": figure(f"{BP}/s1600/harbour.jpg", alt="H")},
            {"type": "image", "value": figure(f"{BP}/s200/lantern.png", alt="L")},
        ]
        out = images.localise_blocks(blocks, post_title="P")
    assert all(b["value"]["image"] for b in out)
    assert len(server.requests) == 2

    with LibraryImages() as images:
        assert images.prefetch(Entry) == 0
        assert not images.needs_update(Entry)


@pytest.mark.django_db
def test_prefetch_runs_at_most_a_window_ahead(network, server):
    values = [
        figure(f"{BP}/s320/{name}", alt=name)
        for name in ("harbour.jpg", "lantern.png", "market.jpg")
    ]
    with LibraryImages(window=1) as images:
        for value in values:
            images.want(value["remote_url"])
        images.fetcher.close(wait=True)
        assert len(server.requests) == 1  # the others wait their turn
    server.requests.clear()
    with LibraryImages(window=1) as images:
        for value in values:
            images.want(value["remote_url"])
        out = [images.localise_figure(v)[0] for v in values]
    assert all(v["image"] for v in out)
    assert len(server.requests) == 3


@pytest.mark.django_db
def test_alt_text_comes_from_title_caption_or_the_post(network, server):
    [from_caption, from_post], report = localise(
        figure(f"{BP}/s320/harbour.jpg", caption="Busan harbour"),
        figure(f"{BP}/s320/market.jpg"),
        post_title="Going to market",
    )
    assert Image.objects.get(pk=from_caption["image"]).description == "Busan harbour"
    assert from_caption["alt_text"] == "Busan harbour"
    image = Image.objects.get(pk=from_post["image"])
    assert image.description == "Picture from “Going to market”"
    assert report["alt_text_from_post_title"] == 1


@pytest.mark.django_db
def test_folder_copy_is_used_before_downloading(network, server, tmp_path):
    album = tmp_path / "Albums" / "Trip"
    album.mkdir(parents=True)
    shutil.copy(FIXTURES / "harbour.jpg", album / "harbour.jpg")

    [local, fetched], report = localise(
        figure(f"{BP}/s320/harbour.jpg", alt="H"),
        figure(f"{BP}/s320/lantern.png", alt="L"),
        folders=[tmp_path / "Albums"],
    )
    assert local["image"] and fetched["image"]
    assert report["from_folder"] == 1 and report["downloaded"] == 1
    assert [p for _, p in server.requests] == [f"{BP_PATH}/s0/lantern.png"]


@pytest.mark.django_db
def test_private_addresses_are_refused_without_the_setting(network, server, settings):
    settings.BLOGGER_IMAGES_ALLOW_PRIVATE_HOSTS = False
    [out], report = localise(figure(f"{BP}/s320/harbour.jpg", alt="H"))
    assert out["image"] is None
    assert "private or reserved address" in report["failed"][0]["reason"]
    assert server.requests == [] and network.connections == []


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/x.jpg"],
)
@pytest.mark.django_db
def test_redirect_to_a_private_address_is_refused(network, server, target):
    server.redirects["cloud.jpg"] = target
    [out], report = localise(
        figure(f"http://127.0.0.1:{server.port}/go/cloud.jpg", alt="C")
    )
    assert out["image"] is None
    assert "private or reserved address" in report["failed"][0]["reason"]
    assert [host for host, _ in network.connections] == ["127.0.0.1"]


@pytest.mark.django_db
def test_redirect_to_another_picture_is_followed(network, server):
    server.redirects["moved.jpg"] = f"{BP}/s0/market.jpg"
    [out], _ = localise(figure(f"http://127.0.0.1:{server.port}/go/moved.jpg"))
    assert Image.objects.get(pk=out["image"]).width == 240


@pytest.mark.parametrize(
    "src", ["file:///etc/passwd", "ftp://1.bp.blogspot.com/x.jpg", "gopher://x/y"]
)
@pytest.mark.django_db
def test_only_http_and_https_are_fetched(network, server, src):
    [out], report = localise(figure(src, alt="X"))
    assert out["image"] is None
    assert "refused" in report["failed"][0]["reason"]
    assert network.connections == [] and network.lookups == []


@pytest.mark.django_db
def test_dry_run_fetches_and_stores_nothing(network, server):
    [out], _ = localise(figure(f"{BP}/s320/harbour.jpg", alt="H"), dry_run=True)
    assert out["image"] is None
    assert server.requests == [] and Image.objects.count() == 0


@pytest.mark.parametrize(
    ("thumbnail", "original"),
    [
        (f"{BP}/s320/a.jpg", f"{BP}/s0/a.jpg"),
        (f"{BP}/w400-h300/a.jpg", f"{BP}/s0/a.jpg"),
        (f"{BP}/s72-c/a.jpg", f"{BP}/s0/a.jpg"),
        (
            "https://blogger.googleusercontent.com/img/a/AVvXsEi=w640-h400-rw",
            "https://blogger.googleusercontent.com/img/a/AVvXsEi=s0",
        ),
        (
            "https://lh3.googleusercontent.com/abc=s320",
            "https://lh3.googleusercontent.com/abc=s0",
        ),
        # Not Blogger's: left alone.
        ("https://example.org/s320/a.jpg", "https://example.org/s320/a.jpg"),
    ],
)
def test_blogger_thumbnail_urls_are_upsized_to_the_original(thumbnail, original):
    assert original_url(thumbnail) == original
    assert source_key(thumbnail) == source_key(original)


def test_the_linked_original_is_tried_first_then_the_thumbnail():
    assert candidate_urls(f"{BP}/s320/a.jpg", f"{BP}/s1600/a.jpg") == [
        f"{BP}/s0/a.jpg",
        f"{BP}/s1600/a.jpg",
        f"{BP}/s320/a.jpg",
    ]
    # A link to a page, not a picture, is not a candidate.
    assert candidate_urls(f"{BP}/s320/a.jpg", "https://example.org/story") == [
        f"{BP}/s0/a.jpg",
        f"{BP}/s320/a.jpg",
    ]


@pytest.mark.parametrize(
    "addresses",
    [
        ["93.184.216.34", "10.0.0.5"],  # one public, one private: refused
        ["::ffff:127.0.0.1"],
        ["fd00::1"],
        ["100.64.0.1"],  # shared address space
    ],
)
def test_a_name_resolving_inside_the_network_is_refused(monkeypatch, addresses):
    import socket

    connections = []
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(None, None, None, "", (ip, 80)) for ip in addresses],
    )
    monkeypatch.setattr(
        socket.socket, "connect", lambda sock, addr: connections.append(addr)
    )
    with ImageFetcher(allow_private=False) as fetcher:
        result = fetcher.submit("http://pictures.example/a.jpg").result()
    assert not result.ok
    assert "private or reserved address" in result.reason
    assert connections == []
