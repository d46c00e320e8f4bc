"""The last stage: planner statistics for the tables an import wrote.

PostgreSQL plans each query from table statistics that autovacuum refreshes
only some time later. Right after a bulk import the new rows have none, and the
first readers met listing queries planned for empty tables (a crawl of the
imported blog ran at 3 pages a second; docs/benchmarks.md). So the import runs
``ANALYZE`` on what it wrote, once its transaction has committed.

SQLite keeps statistics only when someone ran ``ANALYZE``; then the import
refreshes them (stale ones mislead its planner), otherwise it adds none.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Model
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.models import IndexEntry

from home.models import StandardPage
from posts.models import (
    ImportedImage,
    Label,
    LegacyEntry,
    PostPage,
    PostPageTag,
    Publication,
    QuestionPostPage,
)
from readers.models import Comment


def written_models() -> list[type[Model]]:
    """Every model whose table an import writes rows into."""
    return [
        Page,
        PostPage,
        QuestionPostPage,
        StandardPage,
        Revision,
        PageLogEntry,
        ReferenceIndex,
        IndexEntry,
        PostPageTag,
        Label,
        LegacyEntry,
        Publication,
        Comment,
        Redirect,
        get_image_model(),
        ImportedImage,
    ]


def refresh_planner_statistics(models: Iterable[type[Model]]) -> list[str]:
    """``ANALYZE`` the tables of ``models``; the names of the tables analysed."""
    tables = sorted({model._meta.db_table for model in models})
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(quote(t) for t in tables))
            return tables
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                "AND name = 'sqlite_stat1'"
            )
            if cursor.fetchone() is None:
                return []
            for table in tables:
                cursor.execute(f"ANALYZE {quote(table)}")
            return tables
    return []
