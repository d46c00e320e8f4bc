"""IPv6 addresses that carry an IPv4 address inside (issue #13, point 8).

A picture on Blogger's host that redirects to one of them must be refused like
the IPv4 address it embeds: NAT64 (64:ff9b::/96 and the local-use
64:ff9b:1::/48), IPv4-mapped, IPv4-translated, IPv4-compatible and 6to4.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from tests.blogger_image_export import Picture, write_export
from tests.imageserver import FakeNetwork, ImageServer

EMBEDDING_LOOPBACK = [
    "64:ff9b::7f00:1",
    "64:ff9b:1::7f00:1",
    "::ffff:127.0.0.1",
    "::ffff:0:7f00:1",
    "::127.0.0.1",
    "2002:7f00:1::1",
    "2002:a9fe:a9fe::1",  # 169.254.169.254, the cloud metadata service
]


@pytest.fixture
def network(monkeypatch, settings):
    settings.BLOGGER_IMAGES_ALLOW_PRIVATE_HOSTS = ["127.0.0.1/32"]
    settings.BLOGGER_IMAGES_TIMEOUT = 0.5
    settings.BLOGGER_IMAGES_RETRIES = 0
    with ImageServer() as server:
        network = FakeNetwork(server).install(monkeypatch)
        yield network


@pytest.mark.parametrize("address", EMBEDDING_LOOPBACK)
@pytest.mark.django_db
def test_a_redirect_to_an_ipv6_form_of_a_private_address_is_refused(
    blog, network, tmp_path, address
):
    network.server.redirects["inside.jpg"] = f"http://[{address}]/inside.jpg"
    export = tmp_path / "blog.xml"
    write_export(
        export,
        [("Inside", [Picture("http://1.bp.blogspot.com/go/inside.jpg", alt="In")])],
    )
    report_path = tmp_path / "report.json"

    call_command(
        "import_blogger", str(export), "--download-images", "--report", report_path
    )

    report = json.loads(report_path.read_text())
    reasons = [failure["reason"] for failure in report["images"]["failed"]]
    assert reasons and all("private or reserved address" in r for r in reasons)
    assert network.outside_connections() == []
