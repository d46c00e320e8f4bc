"""Load and faults against the production stack (gunicorn, 2 workers), 127.0.0.1 only.

Scenarios, each bounded in time, results printed as a table (docs/reliability.md):

1. mixed load for BENCH_SECONDS (30 s): 16 readers, 4 commenters, 1 editor
   approving through the admin's bulk action; on SQLite, then on PostgreSQL
   (database `h_reliab`). Goal: 0 responses 5xx, every acknowledged comment
   stored exactly once.
2. the same load on PostgreSQL while one gunicorn worker is killed (SIGKILL, by
   PID): the master starts a new one, no acknowledged comment is lost.
3. the same load while PostgreSQL is stopped for a few seconds and started again
   (pg_ctlcluster): answers are 503 (never 500) while it is down, 200 again after,
   with the same gunicorn workers.
4. an import killed mid-way (SIGKILL), then run again: complete, no duplicates,
   and a third run changes nothing; on SQLite and on PostgreSQL.
5. one address floods the comment form while three others comment normally:
   only the flooder gets 429.

PostgreSQL is started again at the end whatever happens (try/finally).

    .venv/bin/python tests/bench/bench_reliability.py            # everything
    BENCH_SECONDS=10 .venv/bin/python tests/bench/bench_reliability.py load
"""

from __future__ import annotations

import collections
import http.client
import json
import os
import random
import re
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
sys.path.insert(0, str(ROOT))
PY = sys.executable
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
READERS, COMMENTERS = 16, 4
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "h_reliab"
PG_VERSION = (sorted(os.listdir("/etc/postgresql")) or ["15"])[-1]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PORTS = iter(range(8380, 8400))
EDITOR = ("reliab-editor", "reliab-editor-password-1")

SETUP = """
import datetime, json
from django.contrib.auth import get_user_model
from django.utils import timezone
from home.models import HomePage
from posts.models import PostIndexPage, PostPage
home = HomePage.objects.first()
blog = PostIndexPage.objects.first()
if blog is None:
    blog = home.add_child(instance=PostIndexPage(title="Blog", slug="blog"))
    blog.save_revision().publish()
posts = []
for n in range(4):
    slug = f"reliability-{n}"
    post = PostPage.objects.filter(slug=slug).first()
    if post is None:
        post = blog.add_child(instance=PostPage(
            title=f"Reliability post {n}", slug=slug, comment_policy="open",
            date=timezone.now() - datetime.timedelta(days=1),
            excerpt="A post readers comment on under load."))
        post.tags.add("load")
        post.save_revision().publish()
    posts.append({"id": post.pk, "url": post.url})
User = get_user_model()
user = User.objects.filter(username=%(user)r).first() or User(username=%(user)r)
user.is_superuser = user.is_staff = True
user.set_password(%(password)r)
user.save()
print(json.dumps(posts))
""" % {"user": EDITOR[0], "password": EDITOR[1]}  # noqa: UP031


# -- processes -------------------------------------------------------------


def env_for(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="reliability_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests" / "bench")]),
        REDIS_URL=REDIS_URL,
        DJANGO_CACHE_PREFIX=f"reliab{int(time.time() * 1000)}",
        GUNICORN_WORKERS="2",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
        DJANGO_CONN_MAX_AGE="60",
    )
    return env


def manage(env, *args, timeout=900) -> str:
    result = subprocess.run(  # noqa: S603
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def fresh_postgres() -> str:
    base = f"{PG_SERVER}/postgres"
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [PG_NAME],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    return f"{PG_SERVER}/{PG_NAME}"


def prepare(database_url: str) -> tuple[dict, list[dict]]:
    env = env_for(database_url)
    manage(env, "migrate", "--noinput", "-v0")
    posts = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
    return env, posts


class Server:
    """gunicorn -c gunicorn.conf.py, 2 workers, on 127.0.0.1:port."""

    def __init__(self, env: dict, port: int):
        self.port = port
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(  # noqa: S603
            [str(Path(PY).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/")
                if conn.getresponse().status == 200 and len(self.workers()) == 2:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn did not start in 90 s")

    def workers(self) -> list[int]:
        try:
            path = f"/proc/{self.proc.pid}/task/{self.proc.pid}/children"
            return [int(pid) for pid in Path(path).read_text().split()]
        except OSError:
            return []

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


# -- clients ---------------------------------------------------------------


class Session:
    """One simulated browser: keep-alive connection and cookies."""

    def __init__(self, port: int, address: str = ""):
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}
        self.conn = None

    def request(self, method, path, fields=None, address=None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if address or self.address:
            headers["X-Forwarded-For"] = address or self.address
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30
                )
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn = None
            return None, b""
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn = None
        return response.status, content


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: collections.Counter = collections.Counter()
        self.timeline: list[tuple[float, int | None]] = []
        self.acked: list[str] = []
        self.approved = 0
        self.errors_5xx: list[str] = []

    def note(self, status, what=""):
        with self.lock:
            self.statuses[status if status is not None else "conn-error"] += 1
            self.timeline.append((time.monotonic(), status))
            if status is not None and status >= 500 and len(self.errors_5xx) < 20:
                self.errors_5xx.append(f"{status} {what}")


def hidden(html: bytes, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"'.encode(), html)
    return found.group(1).decode() if found else ""


def reader(stop, port, urls, tally):
    session = Session(port, f"10.1.{random.randint(0, 255)}.{random.randint(1, 254)}")
    while not stop.is_set():
        url = random.choice(urls)
        status, _ = session.request("GET", url)
        tally.note(status, url)


def commenter(
    stop, port, posts, tally, tag, index, *, address=None, pause=0.0, limit=None
):
    session = Session(port)
    sent = 0
    while not stop.is_set() and (limit is None or sent < limit):
        post = random.choice(posts)
        ip = address or f"10.{20 + index}.{random.randint(0, 255)}.{sent % 250 + 1}"
        status, page = session.request("GET", post["url"], address=ip)
        tally.note(status, post["url"])
        if status != 200:
            time.sleep(0.2)
            continue
        body = f"{tag}-{index}-{sent} A reader's thought under load, number {sent}."
        fields = {
            "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
            "token": hidden(page, "token"),
            "name": f"Reader {index}",
            "email": f"reader{index}@example.org",
            "website": "",
            "body": body,
            "parent": "",
            "subject": "",
        }
        status, _ = session.request(
            "POST", f"/comments/{post['id']}/post/", fields, address=ip
        )
        tally.note(status, "comment POST")
        sent += 1
        if status == 302:
            with tally.lock:
                tally.acked.append(body)
        if pause:
            stop.wait(pause)


def editor(stop, port, tally):
    session = Session(port, "10.3.0.1")
    logged_in = False
    while not stop.is_set():
        if not logged_in:
            status, page = session.request("GET", "/admin/login/")
            tally.note(status, "admin login GET")
            if status != 200:
                stop.wait(0.5)
                continue
            status, _ = session.request(
                "POST",
                "/admin/login/",
                {
                    "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
                    "username": EDITOR[0],
                    "password": EDITOR[1],
                },
            )
            tally.note(status, "admin login POST")
            logged_in = status == 302
            continue
        status, page = session.request("GET", "/admin/readers/comment/?status=pending")
        tally.note(status, "admin pending list")
        ids = re.findall(rb'name="comment" value="(\d+)"', page or b"")
        if status == 200 and ids:
            status, _ = session.request(
                "POST",
                "/admin/readers/comment/bulk/",
                {
                    "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
                    "action": "approve",
                    "comment": [i.decode() for i in ids],
                },
            )
            tally.note(status, "admin bulk approve")
            if status == 302:
                with tally.lock:
                    tally.approved += len(ids)
        elif status in (302, 403):
            logged_in = False
        stop.wait(0.5)


def reader_urls(posts) -> list[str]:
    year = time.gmtime().tm_year
    return [
        "/",
        "/blog/",
        *[p["url"] for p in posts],
        *[p["url"] + "?replyto=1" for p in posts[:1]],
        "/search/?q=reliability",
        "/search/?q=reader+load&page=2",
        "/blog/label/load/",
        f"/blog/{year}/",
        "/blog/feed/",
        "/comments/feed/",
        f"/comments/{posts[0]['id']}/feed/",
        "/sitemap.xml",
        "/no-such-page/",
    ]


# -- checks ----------------------------------------------------------------


def query(database_url: str, sql: str, params=()) -> list[tuple]:
    if database_url.startswith("sqlite"):
        path = database_url.split("sqlite:///", 1)[1]
        with sqlite3.connect(path, timeout=30) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, params).fetchall()


def stored_once(database_url: str, tag: str, acked: list[str]) -> dict:
    rows = query(
        database_url,
        "SELECT body FROM readers_comment WHERE body LIKE %s",
        [f"{tag}-%"],
    )
    counts = collections.Counter(body for (body,) in rows)
    lost = [body for body in acked if counts[body] == 0]
    doubled = [body for body, n in counts.items() if n > 1]
    return {
        "acknowledged": len(acked),
        "stored": sum(counts.values()),
        "lost": len(lost),
        "duplicates": len(doubled),
    }


def run_load(name, database_url, env, posts, seconds, fault=None) -> dict:
    port = next(PORTS)
    server = Server(env, port)
    tally = Tally()
    stop = threading.Event()
    tag = f"rel{int(time.time())}{name.replace(' ', '')}"
    threads = [
        threading.Thread(target=reader, args=(stop, port, reader_urls(posts), tally))
        for _ in range(READERS)
    ]
    threads += [
        threading.Thread(target=commenter, args=(stop, port, posts, tally, tag, i))
        for i in range(COMMENTERS)
    ]
    threads.append(threading.Thread(target=editor, args=(stop, port, tally)))
    result: dict = {"scenario": name, "seconds": seconds}
    started = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        if fault is not None:
            result.update(fault(server, stop, started))
        stop.wait(max(0.0, seconds - (time.monotonic() - started)))
    finally:
        stop.set()
        for thread in threads:
            thread.join(40)
        elapsed = time.monotonic() - started
        workers_after = server.workers()
        server.stop()
    statuses = tally.statuses
    total = sum(v for k, v in statuses.items() if k != "conn-error")
    result.update(
        requests=total,
        per_second=round(total / elapsed, 1),
        status_5xx=sum(
            v for k, v in statuses.items() if isinstance(k, int) and k >= 500
        ),
        status_500=statuses.get(500, 0),
        status_503=statuses.get(503, 0),
        conn_errors=statuses.get("conn-error", 0),
        status_429=statuses.get(429, 0),
        approved_by_editor=tally.approved,
        workers_after=len(workers_after),
        first_5xx=tally.errors_5xx[:5],
        timeline=tally.timeline,
        server_log_tracebacks=server.output().count("Traceback"),
    )
    result.update(stored_once(database_url, tag, tally.acked))
    return result


# -- faults ----------------------------------------------------------------


def kill_a_worker(at: float):
    def fault(server, stop, started):
        stop.wait(at)
        before = server.workers()
        victim = before[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        replaced_after = None
        while time.monotonic() < deadline:
            now = server.workers()
            if victim not in now and len(now) == 2:
                replaced_after = round(time.monotonic() - started - at, 2)
                break
            time.sleep(0.1)
        return {"killed_worker": victim, "replaced_after_s": replaced_after}

    return fault


def pg_ctl(action: str) -> None:
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", action]
        + (["-m", "fast"] if action == "stop" else []),
        check=True,
        capture_output=True,
        timeout=120,
    )


def pg_ready() -> bool:
    return (
        subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"],  # noqa: S607
            check=False,
        ).returncode
        == 0
    )


def ensure_postgres_running() -> None:
    if not pg_ready():
        subprocess.run(  # noqa: S603
            ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", "start"],
            check=False,
            capture_output=True,
            timeout=120,
        )
    for _ in range(60):
        if pg_ready():
            return
        time.sleep(1)


def restart_postgres(at: float, down_for: float):
    def fault(server, stop, started):
        stop.wait(at)
        stopped_at = time.monotonic()
        try:
            pg_ctl("stop")
            time.sleep(down_for)
        finally:
            pg_ctl("start")
            ensure_postgres_running()
        back_at = time.monotonic()
        return {
            "pg_down_from_s": round(stopped_at - started, 1),
            "pg_back_at_s": round(back_at - started, 1),
            "_window": (stopped_at, back_at),
        }

    return fault


def outage_summary(result: dict) -> dict:
    stopped_at, back_at = result.pop("_window")
    during = [s for t, s in result["timeline"] if stopped_at <= t <= back_at + 1]
    after = [s for t, s in result["timeline"] if t > back_at + 3]
    return {
        "during_outage": dict(collections.Counter(during)),
        "after_ok": sum(1 for s in after if s is not None and s < 500),
        "after_5xx": sum(1 for s in after if s is not None and s >= 500),
    }


# -- the import, killed and re-run ------------------------------------------


def write_export(path: Path, posts: int, comments: int) -> None:
    from tests.security import exports

    with path.open("w", encoding="utf-8") as f:
        f.write(exports.HEADER)
        for n in range(posts):
            html = (
                f"<p>Post {n} has a paragraph.</p><p>And a second one about Korea.</p>"
            )
            month = f"{n % 12 + 1:02d}"
            f.write(exports.post(10_000 + n, f"Imported post {n}", html, month=month))
        for n in range(comments):
            f.write(exports.comment(900_000 + n, 10_000 + n % posts, f"Comment {n}"))
        f.write(exports.FOOTER)


def import_counts(database_url: str) -> dict:
    blog = "blog-7777777777777777777"
    return {
        "legacy": query(
            database_url,
            "SELECT count(*) FROM posts_legacyentry WHERE source_id LIKE %s",
            [f"{blog}%"],
        )[0][0],
        "comments": query(
            database_url,
            "SELECT count(*) FROM readers_comment WHERE source_id LIKE %s",
            [f"{blog}%"],
        )[0][0],
        "distinct_comments": query(
            database_url,
            "SELECT count(DISTINCT source_id) FROM readers_comment "
            "WHERE source_id LIKE %s",
            [f"{blog}%"],
        )[0][0],
        "pages": query(database_url, "SELECT count(*) FROM wagtailcore_page")[0][0],
    }


def kill_import(name: str, database_url: str, env: dict, export: Path, wanted: dict):
    before = import_counts(database_url)
    proc = subprocess.Popen(  # noqa: S603
        [PY, "manage.py", "import_blogger", str(export)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    killed_at = ""
    deadline = time.monotonic() + 300
    for line in proc.stdout:
        match = re.match(r"progress (\d+)%", line)
        if match and int(match.group(1)) >= 40:
            proc.kill()
            killed_at = f"{match.group(1)}% of the file read"
            break
        if time.monotonic() > deadline:
            proc.kill()
            killed_at = "timeout"
            break
    proc.wait(60)
    if not killed_at:
        killed_at = f"finished before the kill (exit {proc.returncode})"
    after_kill = import_counts(database_url)
    started = time.monotonic()
    manage(env, "import_blogger", str(export), timeout=900)
    rerun_seconds = round(time.monotonic() - started, 1)
    complete = import_counts(database_url)
    manage(env, "import_blogger", str(export), timeout=900)
    again = import_counts(database_url)
    return {
        "scenario": f"import killed, re-run ({name})",
        "killed": killed_at,
        "written_by_killed_run": {k: after_kill[k] - before[k] for k in before},
        "rerun_seconds": rerun_seconds,
        "posts": complete["legacy"] - before["legacy"],
        "comments": complete["comments"] - before["comments"],
        "expected": wanted,
        "duplicates": complete["comments"] - complete["distinct_comments"],
        "third_run_changed": {k: again[k] - complete[k] for k in again},
    }


# -- the flood --------------------------------------------------------------


def flood(database_url, env, posts) -> dict:
    port = next(PORTS)
    env = {**env, "DJANGO_CACHE_PREFIX": f"flood{int(time.time() * 1000)}"}
    server = Server(env, port)
    stop = threading.Event()
    flooder, others = Tally(), Tally()
    tag = f"flood{int(time.time())}"
    threads = [
        threading.Thread(
            target=commenter,
            args=(stop, port, posts, flooder, tag, 9),
            kwargs={"address": "198.51.100.66", "limit": 20},
        )
    ]
    threads += [
        threading.Thread(
            target=commenter,
            args=(stop, port, posts, others, tag, i),
            kwargs={"address": f"198.51.100.{10 + i}", "pause": 2.0, "limit": 4},
        )
        for i in range(3)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        stop.set()
        server.stop()
    return {
        "scenario": "comment flood from one address",
        "flooder_posts": 20,
        "flooder_accepted": len(flooder.acked),
        "flooder_429": flooder.statuses.get(429, 0),
        "others_posts": 12,
        "others_accepted": len(others.acked),
        "others_429": others.statuses.get(429, 0),
        "5xx": sum(
            v
            for t in (flooder, others)
            for k, v in t.statuses.items()
            if isinstance(k, int) and k >= 500
        ),
    }


# -- main -------------------------------------------------------------------


def show(result: dict) -> None:
    shown = {k: v for k, v in result.items() if k != "timeline"}
    print(json.dumps(shown, ensure_ascii=False, default=str), flush=True)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    wanted = set(argv) or {"load", "faults", "import", "flood"}
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="reliability-"))
    try:
        sqlite_url = f"sqlite:///{workdir / 'reliab.sqlite3'}"
        if "load" in wanted or "import" in wanted:
            env_sqlite, posts_sqlite = prepare(sqlite_url)
        if wanted & {"load", "faults", "import", "flood"}:
            pg_url = fresh_postgres()
            env_pg, posts_pg = prepare(pg_url)
        if "load" in wanted:
            for name, url, env, posts in (
                ("mixed load SQLite", sqlite_url, env_sqlite, posts_sqlite),
                ("mixed load PostgreSQL", pg_url, env_pg, posts_pg),
            ):
                result = run_load(name, url, env, posts, SECONDS)
                results.append(result)
                show(result)
        if "faults" in wanted:
            result = run_load(
                "worker killed (PostgreSQL)",
                pg_url,
                env_pg,
                posts_pg,
                SECONDS,
                fault=kill_a_worker(SECONDS / 3),
            )
            results.append(result)
            show(result)
            try:
                result = run_load(
                    "PostgreSQL restarted",
                    pg_url,
                    env_pg,
                    posts_pg,
                    SECONDS,
                    fault=restart_postgres(SECONDS / 3, 4.0),
                )
            finally:
                ensure_postgres_running()
            result.update(outage_summary(result))
            results.append(result)
            show(result)
        if "import" in wanted:
            export = workdir / "export.xml"
            write_export(export, 1500, 6000)
            for name, url, env in (
                ("SQLite", sqlite_url, env_sqlite),
                ("PostgreSQL", pg_url, env_pg),
            ):
                result = kill_import(
                    name, url, env, export, {"posts": 1500, "comments": 6000}
                )
                results.append(result)
                show(result)
        if "flood" in wanted:
            result = flood(pg_url, env_pg, posts_pg)
            results.append(result)
            show(result)
    finally:
        ensure_postgres_running()
    failures = check(results)
    for failure in failures:
        print("FAIL:", failure, flush=True)
    print("OK" if not failures else f"{len(failures)} checks failed", flush=True)
    return 1 if failures else 0


def check(results: list[dict]) -> list[str]:
    problems = []
    for r in results:
        name = r["scenario"]
        if "requests" in r:
            if r["lost"] or r["duplicates"]:
                problems.append(
                    f"{name}: lost {r['lost']}, duplicates {r['duplicates']}"
                )
            if r["status_500"]:
                problems.append(f"{name}: {r['status_500']} responses 500")
            if "during_outage" not in r and r["status_5xx"]:
                problems.append(f"{name}: {r['status_5xx']} responses 5xx")
            if "during_outage" in r and (r["after_5xx"] or not r["after_ok"]):
                problems.append(f"{name}: not recovered after the restart")
            if r["workers_after"] != 2:
                problems.append(f"{name}: {r['workers_after']} workers at the end")
        if "killed_worker" in r and r["replaced_after_s"] is None:
            problems.append(f"{name}: worker not replaced")
        if name.startswith("import"):
            if any(r["written_by_killed_run"].values()):
                problems.append(f"{name}: the killed run left rows")
            if r["posts"] != r["expected"]["posts"] or r["duplicates"]:
                problems.append(f"{name}: incomplete or duplicated")
            if r["comments"] != r["expected"]["comments"]:
                problems.append(f"{name}: {r['comments']} comments")
            if any(r["third_run_changed"].values()):
                problems.append(f"{name}: a third run changed rows")
        if name.startswith("comment flood"):
            if r["others_429"] or r["others_accepted"] != r["others_posts"]:
                problems.append(f"{name}: a normal reader was throttled")
            if not r["flooder_429"] or r["flooder_accepted"] > 5:
                problems.append(f"{name}: the flooder was not throttled")
            if r["5xx"]:
                problems.append(f"{name}: 5xx answers")
    return problems


if __name__ == "__main__":
    sys.exit(main())
