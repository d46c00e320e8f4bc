"""Comment posting under load: 8 clients for 20 s against gunicorn (2 workers).

Runs on SQLite (WAL, immediate transactions), then on PostgreSQL (database
`h_comments_bench` on BENCH_PG_SERVER) with a connection per request (Django's
default) and with persistent connections (DJANGO_CONN_MAX_AGE=60), each on a
fresh database.
Every client loads the post (CSRF cookie and form token), then posts new
comments as fast as the server answers. Reported: accepted comments/s, every
response that is not 2xx/3xx, and whether every acknowledged comment (a 302)
is in the database. The baseline is one client for 5 s on the same server.

    .venv/bin/python tests/bench/run_all.py comments
    BENCH_SECONDS=5 .venv/bin/python tests/bench/bench_comments.py   # quicker
"""

from __future__ import annotations

import collections
import http.client
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PY = sys.executable
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
BASELINE_SECONDS = float(os.environ.get("BENCH_BASELINE_SECONDS", "5"))
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "h_comments_bench"
PORTS = {"sqlite": 8310, "postgres": 8311, "postgres-persistent": 8312}

SETUP = """
from home.models import HomePage
from posts.models import PostIndexPage, PostPage
home = HomePage.objects.first()
blog = PostIndexPage.objects.first()
if blog is None:
    blog = home.add_child(instance=PostIndexPage(title="Blog", slug="blog"))
post = blog.add_child(instance=PostPage(
    title="Bench post", slug="bench-comments", comment_policy="open"))
print(post.pk, post.url_path[len(home.url_path) - 1:])
"""


def env_for(database_url: str, persistent: bool = False) -> dict:
    env = dict(os.environ)
    # Django's default opens a database connection per request; production
    # sets DJANGO_CONN_MAX_AGE to keep them.
    env["DJANGO_CONN_MAX_AGE"] = "60" if persistent else "0"
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="comments_bench_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests" / "bench")]),
        DJANGO_SECRET_KEY="bench-only-secret",
    )
    env.pop("REDIS_URL", None)
    return env


def manage(env, *args) -> str:
    result = subprocess.run(  # noqa: S603
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def start_gunicorn(env, port):
    genv = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
    )
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", delete=False)
    proc = subprocess.Popen(  # noqa: S603
        [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=genv,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            return proc, log
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError(f"gunicorn did not start; see {log.name}")


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


class Reader(threading.Thread):
    """One client: load the form once, then post new comments until time's up."""

    def __init__(self, number, port, page_id, path, until):
        super().__init__(daemon=True)
        self.number, self.port, self.page_id = number, port, page_id
        self.path, self.until = path, until
        self.accepted: list[str] = []
        self.statuses: collections.Counter = collections.Counter()
        self.failures: list[str] = []

    def request(self, method, url, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request(method, url, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response, data

    def run(self):
        address = f"10.8.{self.number // 250}.{self.number % 250 + 1}"
        response, html = self.request("GET", self.path)
        cookie = response.getheader("Set-Cookie", "")
        csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
        page = html.decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        token = re.search(r'name="token" value="([^"]+)"', page)[1]
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "X-Forwarded-For": address,
        }
        sent = 0
        while time.monotonic() < self.until:
            sent += 1
            text = f"Bench comment {self.number}-{sent} at {time.time_ns()}"
            form = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": csrf,
                    "token": token,
                    "name": f"Bench reader {self.number}",
                    "email": f"bench{self.number}@example.org",
                    "website": "",
                    "body": text,
                    "parent": "",
                    "subject": "",
                }
            )
            try:
                response, data = self.request(
                    "POST", f"/comments/{self.page_id}/post/", form, headers
                )
            except OSError as error:
                self.statuses["connection error"] += 1
                self.failures.append(repr(error))
                continue
            self.statuses[response.status] += 1
            if response.status == 302:
                self.accepted.append(text)
            elif not 200 <= response.status < 400:
                self.failures.append(f"{response.status}: {data[:200]!r}")


def load(port, page_id, path, clients, seconds):
    until = time.monotonic() + seconds
    readers = [Reader(n, port, page_id, path, until) for n in range(clients)]
    started = time.monotonic()
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    elapsed = time.monotonic() - started
    accepted = [text for reader in readers for text in reader.accepted]
    statuses = sum((reader.statuses for reader in readers), collections.Counter())
    failures = [f for reader in readers for f in reader.failures]
    return accepted, statuses, failures, elapsed


def stored_bodies(kind, location) -> set[str]:
    query = "SELECT body FROM readers_comment"
    if kind == "sqlite":
        with sqlite3.connect(location) as conn:
            return {row[0] for row in conn.execute(query)}
    import psycopg

    with psycopg.connect(location) as conn:
        return {row[0] for row in conn.execute(query)}


def prepare(kind, workdir):
    if kind == "sqlite":
        path = Path(workdir) / "comments.sqlite3"
        return f"sqlite:///{path}", str(path)
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    url = f"{PG_SERVER}/{PG_NAME}"
    return url, url


def run_one(kind, workdir):
    url, location = prepare(kind, workdir)
    env = env_for(url, persistent=kind.endswith("-persistent"))
    manage(env, "migrate", "--noinput", "-v0")
    page_id, path = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1].split()
    proc, log = start_gunicorn(env, PORTS[kind])
    try:
        base, _, base_failures, base_time = load(
            PORTS[kind], page_id, path, 1, BASELINE_SECONDS
        )
        accepted, statuses, failures, elapsed = load(
            PORTS[kind], page_id, path, CLIENTS, SECONDS
        )
    finally:
        stop(proc)
    stored = stored_bodies(kind, location)
    lost = [text for text in accepted if text not in stored]
    errors = sum(
        count
        for status, count in statuses.items()
        if not (isinstance(status, int) and 200 <= status < 400)
    )
    log.seek(0)
    server_log = log.read()
    return {
        "db": kind,
        "rate": len(accepted) / elapsed,
        "baseline": len(base) / base_time,
        "accepted": len(accepted),
        "errors": errors + len(base_failures),
        "statuses": dict(statuses),
        "lost": len(lost),
        "failures": failures[:5],
        "log_errors": [line for line in server_log.splitlines() if "Error" in line][:5],
    }


def main() -> int:
    kinds = os.environ.get(
        "BENCH_DATABASES", "sqlite,postgres,postgres-persistent"
    ).split(",")
    workdir = tempfile.mkdtemp(prefix="bench-comments-")
    results = []
    try:
        for kind in kinds:
            results.append(run_one(kind, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"Comments: {CLIENTS} clients x {SECONDS:.0f} s, gunicorn 2 workers; "
        f"baseline: 1 client x {BASELINE_SECONDS:.0f} s; "
        f"{os.cpu_count()} CPUs, load average after "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    print(
        "| database | accepted/s | baseline/s (1 client) | ratio | accepted "
        "| non-2xx/3xx | lost |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        ratio = r["rate"] / r["baseline"] if r["baseline"] else float("nan")
        print(
            f"| {r['db']} | {r['rate']:.1f} | {r['baseline']:.1f} | {ratio:.2f} "
            f"| {r['accepted']} | {r['errors']} | {r['lost']} |"
        )
    failed = False
    for r in results:
        print(f"{r['db']}: responses {r['statuses']}")
        for failure in r["failures"] + r["log_errors"]:
            print(f"  {failure}")
        failed |= bool(r["errors"] or r["lost"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
