"""Running the project as production does, in processes of its own: management
commands and `manage.py shell` with production settings, and a fresh PostgreSQL
database beside DATABASE_URL's. Used by the tests that start real servers or
workers (test_two_servers, test_shared_cache, security/test_task_worker)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def manage(env: dict, *args: str) -> str:
    """`manage.py <args>` in its own process; fails the test if the command does."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def shell(env: dict, code: str) -> list[list[str]]:
    """Run Python in `manage.py shell`; the lines it prints after "=>"."""
    out = manage(env, "shell", "-v0", "-c", code)
    return [line.split()[1:] for line in out.splitlines() if line.startswith("=>")]


def production_env(database_url: str, static_root: Path, **extra: str) -> dict:
    """This process's environment with production settings on `database_url`,
    without Redis unless `extra` names it, and nothing of DJANGO_* or GUNICORN_*
    inherited."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "GUNICORN_")) and k != "REDIS_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_INSECURE_LOCAL="1",
        DJANGO_SECRET_KEY="production-test-only-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        # Each test speaks for its own reader address, through the proxy header.
        CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        WAGTAILADMIN_BASE_URL="http://127.0.0.1",
    )
    env.update(extra)
    return env


@contextmanager
def fresh_postgres_database(name: str) -> Iterator[str]:
    """A database of its own beside DATABASE_URL's (PostgreSQL): its URL, dropped
    afterwards."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
