"""After an import commits, the database's planner statistics cover what it wrote."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from posts.models import PostPage
from readers.models import Comment

SEED = Path(__file__).parent / "fixtures" / "seed-classic.xml"


def run_import(*args):
    call_command("import_blogger", str(SEED), *args, stdout=io.StringIO())


def sqlite_row_estimate(table: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        rows = cursor.fetchall()
    return int(rows[0][0].split()[0]) if rows else None


def postgres_row_estimate(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_statistics_are_refreshed_for_the_tables_the_import_wrote(blog):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's statistics table")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the site keeps statistics: they must not go stale
    posts_before = sqlite_row_estimate("posts_postpage")

    run_import()

    assert PostPage.objects.count() > (posts_before or 0)
    assert sqlite_row_estimate("posts_postpage") == PostPage.objects.count()
    assert sqlite_row_estimate("readers_comment") == Comment.objects.count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_without_statistics_gets_none_from_an_import(blog):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's statistics table")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    run_import()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone() is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dry_run_analyses_nothing(blog):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's statistics table")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    before = sqlite_row_estimate("wagtailcore_page")
    run_import("--dry-run")
    assert sqlite_row_estimate("wagtailcore_page") == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_planner_statistics_cover_the_imported_rows(blog):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    run_import()
    assert postgres_row_estimate("posts_postpage") == PostPage.objects.count()
    assert postgres_row_estimate("readers_comment") == Comment.objects.count()
