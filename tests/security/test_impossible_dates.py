"""Impossible dates in an export (issue #13, point 7).

A post dated in year 1 made /blog/ and /sitemap.xml answer 500 (the time-zone
conversion overflowed). Such a date is replaced at import by the entry's other
date, or the time of the import, and the report says so.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from posts.models import PostPage
from readers.models import Comment
from tests.security.exports import comment, export, post

pytestmark = pytest.mark.django_db


def dated(entry: str, published: str, updated: str | None = None) -> str:
    entry = entry.replace(
        "<published>2012-03-05T06:27:00.000-05:00</published>",
        f"<published>{published}</published>",
    )
    if updated is not None:
        entry = entry.replace(
            "<updated>2012-03-06T09:12:31.482-05:00</updated>",
            f"<updated>{updated}</updated>",
        )
    return entry


@pytest.mark.parametrize(
    "published",
    ["0001-01-01T02:00:00Z", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+14:00"],
)
def test_an_impossible_date_is_replaced_reported_and_pages_answer(
    client, blog, tmp_path, settings, published
):
    settings.TIME_ZONE = "America/New_York"
    path = tmp_path / "dates.xml"
    path.write_text(
        export(
            [
                dated(post(1, "Year one", "<p>Old.</p>"), published),
                dated(
                    post(2, "Both dates wrong", "<p>Older.</p>"), published, published
                ),
                comment(11, 1, "A comment from nowhen.", published=published),
            ]
        ),
        encoding="utf-8",
    )
    report_path = tmp_path / "report.json"

    call_command("import_blogger", str(path), "--report", str(report_path))

    report = json.loads(report_path.read_text())
    warnings = " ".join(report["warnings"])
    assert "impossible date" in warnings
    assert PostPage.objects.get(title="Year one").date.year == 2012  # its update
    assert PostPage.objects.get(title="Both dates wrong").date.year in (1990, 2099)
    assert Comment.objects.get().created_at.year in (1990, 2099)
    for url in ("/blog/", "/sitemap.xml", "/blog/feed/", PostPage.objects.first().url):
        response = client.get(url)
        assert response.status_code == 200, url
