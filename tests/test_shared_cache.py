"""The shared database cache production uses without Redis (plumbing/sharedcache.py).

A warm page hit checks the page's version tokens on every request, so that a change
made through any worker, server or command shows on the next one. On SQLite the
cache file says whether anyone has written to it since the tokens were last read
(`PRAGMA data_version`): while nobody has, the check reads nothing from the cache
table; as soon as another process, or this one, writes, it reads the tokens again.

Run as production runs: production settings on a fresh SQLite database, in a
process of its own, with a second process changing the site in between.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.production_support import manage, production_env, shell

SCRIPT = textwrap.dedent(
    """
    import subprocess, sys, os
    from django.db import connections
    from django.test.utils import CaptureQueriesContext
    from plumbing import cache as versions

    def reads(fn):
        with CaptureQueriesContext(connections["cache"]) as seen:
            result = fn()
        table = [q for q in seen.captured_queries if "django_cache" in q["sql"]]
        return result, len(table)

    def elsewhere(code):
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-v0", "-c", code],
            check=True, env=os.environ,
        )

    versions.versions(["site", "page:1"])  # made on first use: a write
    first, n = reads(lambda: versions.versions(["site", "page:1"]))
    print("=> first", n)
    again, n = reads(lambda: versions.versions(["site", "page:1"]))
    print("=> unchanged", n, again == first)
    elsewhere("from plumbing.cache import site_changed; site_changed()")
    after, n = reads(lambda: versions.versions(["site", "page:1"]))
    print("=> other-process", n, after["site"] != first["site"],
          after["page:1"] == first["page:1"])
    settled, n = reads(lambda: versions.versions(["site", "page:1"]))
    print("=> settled", n, settled == after)
    versions.comments_changed(1)
    mine, n = reads(lambda: versions.versions(["site", "page:1"]))
    print("=> this-process", n, mine["page:1"] != after["page:1"])
    connections["cache"].close()
    reopened, n = reads(lambda: versions.versions(["site", "page:1"]))
    print("=> reopened", n, reopened == mine)
    """
)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    work = tmp_path_factory.mktemp("shared-cache")
    env = production_env(f"sqlite:///{work / 'db.sqlite3'}", work)
    manage(env, "migrate", "--noinput", "-v0")
    return env


def test_version_checks_read_the_cache_only_after_someone_wrote_to_it(env):
    seen = {row[0]: row[1:] for row in shell(env, SCRIPT)}
    assert int(seen["first"][0]) >= 1  # written since: read them
    assert seen["unchanged"] == ["0", "True"]  # nobody wrote: nothing read
    # Another process bumped the site: read again, and see its new token.
    assert int(seen["other-process"][0]) >= 1
    assert seen["other-process"][1:] == ["True", "True"]
    assert seen["settled"] == ["0", "True"]
    # This process's own write is seen too (SQLite's counter ignores it).
    assert int(seen["this-process"][0]) >= 1
    assert seen["this-process"][1] == "True"
    # A new connection cannot compare with the old one's counter: read again.
    assert int(seen["reopened"][0]) >= 1
    assert seen["reopened"][1] == "True"
