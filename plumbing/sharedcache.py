"""The cache every worker and process shares when there is no Redis.

Production without `REDIS_URL` uses Django's database cache: unlike a per-process
memory cache it is one cache for every gunicorn worker, the task worker, cron and
management commands (and, on PostgreSQL, for every machine), so page versions,
rate limits and the login throttle are right out of the box. Its `add` is an
INSERT on a primary key, so "only the first claims it" holds across processes,
which a file-based cache cannot promise.

On SQLite the cache lives in a database file of its own (`CacheRouter`): a page
stored on a miss then never waits for, nor holds, the site's write lock.
`manage.py migrate` creates the cache table (`create_cache_tables`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command

CACHE_APP_LABEL = "django_cache"  # the app label of Django's cache entry model
CACHE_DATABASE = "cache"


class CacheRouter:
    """Sends Django's database cache to the `cache` database, and nothing else."""

    def _route(self, model, **hints):
        return CACHE_DATABASE if model._meta.app_label == CACHE_APP_LABEL else None

    db_for_read = _route
    db_for_write = _route

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == CACHE_APP_LABEL:
            return db == CACHE_DATABASE
        return False if db == CACHE_DATABASE else None


def create_cache_tables(using: str = "default", **kwargs) -> None:
    """Before `migrate` (whose post-migrate steps may already save and so bump
    versions): the database cache's table, where the router puts it."""
    backends = [c["BACKEND"] for c in settings.CACHES.values()]
    if not any(b.endswith("DatabaseCache") for b in backends):
        return
    for alias in settings.DATABASES:
        call_command("createcachetable", database=alias, verbosity=0)
