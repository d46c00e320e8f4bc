"""Dates an export cannot mean, replaced as an entry is read, and reported.

A hand-edited or damaged export may date an entry in year 1 or 9999: stored as
it is, the conversion to the site's time zone overflows and every listing and
the sitemap answer 500. A date outside the years a blog can have is replaced
by the entry's other date when that one is possible, else by the nearest
possible date (the same on every run, so a re-import still changes nothing).
"""

from __future__ import annotations

from datetime import UTC, datetime

from .parse import Entry
from .report import Report

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # before any weblog
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
LAST = datetime(2099, 12, 31, tzinfo=UTC)


def possible(value: datetime | None) -> bool:
    try:
        return value is None or EARLIEST <= value < LATEST
    except OverflowError:  # so far out that UTC cannot hold it
        return False


def _nearest(value: datetime) -> datetime:
    return EARLIEST if value.year < EARLIEST.year else LAST


def check_dates(entry: Entry, report: Report) -> None:
    """Replace an impossible ``published`` or ``updated`` date, with a warning."""
    published_ok, updated_ok = possible(entry.published), possible(entry.updated)
    if published_ok and updated_ok:
        return
    name = entry.old_path or entry.title or entry.source_id
    if not published_ok:
        was = entry.published
        entry.published = (
            entry.updated if updated_ok and entry.updated else _nearest(was)
        )
        report.warn(
            f"{name}: impossible date {was.isoformat()}; "
            f"dated {entry.published.isoformat()}"
        )
    if not updated_ok:
        was = entry.updated
        entry.updated = entry.published if possible(entry.published) else _nearest(was)
        report.warn(
            f"{name}: impossible date of update {was.isoformat()}; "
            f"now {entry.updated.isoformat()}"
        )
