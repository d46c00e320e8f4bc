"""The blog's archive: years and months with post counts, labels with counts.

Blogger showed both in a sidebar widget; the site footer shows them here.
Each function is one aggregate query.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.db.models.functions import TruncMonth

from .queries import published_posts


@dataclass
class ArchiveMonth:
    start: datetime
    count: int

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def month(self) -> int:
        return self.start.month


@dataclass
class ArchiveYear:
    year: int
    count: int = 0
    months: list[ArchiveMonth] = field(default_factory=list)


def archive_years(blog=None) -> list[ArchiveYear]:
    """Years (newest first), each with its months (newest first) and counts."""
    rows = (
        published_posts(blog)
        .annotate(month_start=TruncMonth("date"))
        .values("month_start")
        .annotate(count=Count("pk"))
        .order_by("-month_start")
    )
    years: list[ArchiveYear] = []
    for row in rows:
        start = row["month_start"]
        if not years or years[-1].year != start.year:
            years.append(ArchiveYear(year=start.year))
        years[-1].months.append(ArchiveMonth(start=start, count=row["count"]))
        years[-1].count += row["count"]
    return years


def labels_with_counts(blog=None):
    """Labels used on readable posts, by name, each with ``post_count``."""
    return published_posts(blog).labels()
