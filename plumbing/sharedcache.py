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

`SharedDatabaseCache` is Django's database cache with one fix that counting
needs: Django's `incr` reads, then writes the value again with the *default*
timeout, so two workers counting at once could both read 3 and write 4, and a
15-minute login window became 5 minutes. Here `incr` locks the row (SQLite: the
IMMEDIATE transaction holds the write lock) and changes the value alone.

It can also say whether anyone has written to it since a moment it names
(`change_marker`): on SQLite the file counts commits made by other connections
(`PRAGMA data_version`), so a page hit can skip reading version tokens that
cannot have changed (plumbing/cache.py, which counts its own token writes).
"""

from __future__ import annotations

import base64
import pickle

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now

CACHE_APP_LABEL = "django_cache"  # the app label of Django's cache entry model
CACHE_DATABASE = "cache"


class SharedDatabaseCache(DatabaseCache):
    """Django's database cache, with an `incr` that counts every hit once."""

    _clears = 0  # clear() empties the version tokens too

    def clear(self):
        SharedDatabaseCache._clears += 1
        try:
            return super().clear()
        finally:
            SharedDatabaseCache._clears += 1

    def change_marker(self):
        """A value that equals one returned earlier only if no other connection
        has written to this cache in between and it was not cleared; None when
        that cannot be told cheaply (not SQLite). This connection's own writes
        do not move it: whoever writes knows what it wrote."""
        connection = connections[router.db_for_read(self.cache_model_class)]
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return None
        connection.ensure_connection()
        raw = connection.connection
        (counter,) = raw.execute("PRAGMA data_version").fetchone()
        # The connection object itself: a reopened connection counts afresh.
        return (raw, counter, SharedDatabaseCache._clears)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, cache_key = quote(self._table), quote("cache_key")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = tz_now().replace(microsecond=0, tzinfo=None)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "  # noqa: S608  quoted names
                f"WHERE {cache_key} = %s AND {quote('expires')} > %s{lock}",
                [key, connection.ops.adapt_datetimefield_value(now)],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta  # noqa: S301  our own rows
            pickled = pickle.dumps(value, self.pickle_protocol)
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608
                f"WHERE {cache_key} = %s",
                [base64.b64encode(pickled).decode("latin1"), key],
            )
        return value


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
