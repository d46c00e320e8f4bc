"""Two app servers on one database, as production runs them.

Two gunicorn processes on two ports, two workers each, production settings,
one database: what goes through either server (or a management command) shows
on the very next request to every worker of both, and the comment rate limit
and the admin login throttle count across both. Each server's access log names
the worker that answered each request (a probe header), so "every worker" is
checked, not hoped for.

Twice: on SQLite with no Redis (the database cache production falls back to),
and, marked `postgres`, on PostgreSQL + Redis from DATABASE_URL and REDIS_URL
(a database of its own is created next to DATABASE_URL's and dropped after).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.production_support import (
    ROOT,
    fresh_postgres_database,
    manage,
    production_env,
    shell,
)

SEED = ROOT / "tests" / "fixtures" / "seed-classic.xml"
SEED_SLUG = "what-about-those-who-are-left-behind"
PASSWORD = "two-servers-only-password"
WORKERS = 2
LOG_FORMAT = "%({x-probe}i)s %(p)s %({x-page-cache}o)s %(s)s"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    pid: str
    cache: str
    status: int
    text: str


class Server:
    """One gunicorn with production settings; its access log names the worker."""

    def __init__(self, env: dict, work: Path, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / f"{name}-access.log"
        self.log.touch()
        self.errors = work / f"{name}-error.log"
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--access-logfile",
                str(self.log),
                "--access-logformat",
                LOG_FORMAT,
                "--error-logfile",
                str(self.errors),
            ],
            cwd=ROOT,
            env={
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(WORKERS),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(self.url + "/", timeout=10).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert self.process.poll() is None, self.errors.read_text()
            assert time.monotonic() < deadline, self.errors.read_text()
            time.sleep(0.5)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def workers_of(self, probes: list[str]) -> dict[str, tuple[str, str]]:
        """probe -> (worker pid, X-Page-Cache), from the access log."""
        found: dict[str, tuple[str, str]] = {}
        deadline = time.monotonic() + 10
        while len(found) < len(probes) and time.monotonic() < deadline:
            for line in self.log.read_text().splitlines():
                probe, pid, cache, _status = (line.split() + ["-"] * 4)[:4]
                if probe in probes:
                    found[probe] = (pid, cache)
            time.sleep(0.05)
        assert len(found) == len(probes), "the access log lacks some requests"
        return found

    def every_worker(self, path: str, *, until_hits: bool = False) -> list[Answer]:
        """GET `path` four at a time until each worker has answered (with a
        cache hit, when `until_hits`)."""
        answers: list[Answer] = []

        def get(probe: str) -> requests.Response:
            return requests.get(self.url + path, headers={"X-Probe": probe}, timeout=60)

        for _ in range(40):
            probes = [uuid.uuid4().hex for _ in range(4)]
            with ThreadPoolExecutor(4) as pool:
                responses = list(pool.map(get, probes))
            workers = self.workers_of(probes)
            for probe, response in zip(probes, responses, strict=True):
                pid, _cache = workers[probe]
                answers.append(
                    Answer(
                        pid,
                        response.headers.get("X-Page-Cache", ""),
                        response.status_code,
                        response.text,
                    )
                )
            done = {a.pid for a in answers if a.cache == "hit" or not until_hits}
            if len(done) >= WORKERS:
                return answers
        raise AssertionError(f"not every worker of {self.url} answered {path}")


@dataclass
class Stack:
    env: dict
    servers: list[Server]
    blog: str
    post_id: int
    post: str
    old_post_id: int
    old_post: str

    def warm(self, *paths: str) -> None:
        """Every worker of every server answers these paths from its cache."""
        for server in self.servers:
            for path in paths:
                server.every_worker(path, until_hits=True)

    def everywhere(self, path: str) -> list[Answer]:
        """The next answers of every worker of both servers."""
        answers = []
        for server in self.servers:
            mine = server.every_worker(path)
            assert len({a.pid for a in mine}) == WORKERS
            answers += mine
        return answers


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static")
    env = production_env("sqlite:///" + str(root / "unused.sqlite3"), root)
    manage(env, "collectstatic", "--noinput", "-v0")
    return root


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def stack(request, tmp_path_factory, static_root):
    work = tmp_path_factory.mktemp(f"two-servers-{request.param}")
    with ExitStack() as cleanup:
        if request.param == "postgres":
            redis_url = os.environ.get("REDIS_URL", "")
            postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
            if not postgres or not redis_url:
                pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL")
            name = f"two_servers_{os.getpid()}"
            url = cleanup.enter_context(fresh_postgres_database(name))
            # A cache prefix of its own: nothing shared with other runs.
            env = production_env(
                url, static_root, REDIS_URL=redis_url, DJANGO_CACHE_PREFIX=name
            )
        else:
            env = production_env(f"sqlite:///{work / 'db.sqlite3'}", static_root)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo_content")
        manage(env, "ensure_admin", "--password", PASSWORD)
        rows = shell(
            env,
            "from posts.models import PostIndexPage, PostPage\n"
            "posts = PostPage.objects.live().order_by('-date')\n"
            "print('=>', PostIndexPage.objects.get().url)\n"
            "for post in (posts.first(), posts.last()):\n"
            "    print('=>', post.pk, post.url)\n",
        )
        (blog,), (post_id, post), (old_id, old) = rows
        servers = []
        cleanup.callback(lambda: [server.stop() for server in servers])
        servers += [Server(env, work, "a"), Server(env, work, "b")]
        yield Stack(env, servers, blog, int(post_id), post, int(old_id), old)


# Readers and editors, each at an address of their own ------------------------------


def comment_form(session: requests.Session, server: Server, post: str) -> dict:
    response = session.get(server.url + post, timeout=60)
    assert 'id="comment-form"' in response.text, (response.status_code, response.text)
    form = response.text.split('id="comment-form"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))


def reader(address: str) -> requests.Session:
    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    return session


def signed_in_editor(server: Server, address: str) -> requests.Session:
    session = reader(address)
    login = server.url + "/admin/login/"
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(login).text
    ).group(1)
    response = session.post(
        login,
        {"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def admin_post(session: requests.Session, server: Server, path: str, data: dict):
    data = {**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    return session.post(server.url + path, data, allow_redirects=False, timeout=60)


# What one server changes, every worker of both shows ----------------------------------


def test_a_comment_approved_through_one_server_shows_on_every_worker_of_both(stack):
    a, b = stack.servers
    text = f"Seen from both servers {uuid.uuid4().hex[:8]}"
    visitor = reader("10.20.0.1")
    values = comment_form(visitor, a, stack.post)
    time.sleep(3.2)  # the form token's minimum age
    sent = visitor.post(
        f"{a.url}/comments/{stack.post_id}/post/",
        {**values, "name": "Min-ji", "email": "minji@example.org", "body": text},
        allow_redirects=False,
    )
    assert sent.status_code == 302, sent.text[:500]
    stack.warm(stack.post, "/comments/feed/")
    assert all(text not in answer.text for answer in stack.everywhere(stack.post))
    ((pk,),) = shell(
        stack.env,
        "from readers.models import Comment\n"
        f"print('=>', Comment.objects.get(body={text!r}).pk)\n",
    )
    editor = signed_in_editor(b, "10.20.0.2")
    approved = admin_post(
        editor, b, "/admin/readers/comment/bulk/", {"action": "approve", "comment": pk}
    )
    assert approved.status_code == 302
    for path in (stack.post, "/comments/feed/"):
        for answer in stack.everywhere(path):
            assert text in answer.text, (path, answer.pid, answer.cache)


def test_a_post_published_by_a_command_shows_on_every_worker_of_both(stack):
    title = f"Scheduled on one machine {uuid.uuid4().hex[:8]}"
    shell(
        stack.env,
        "import datetime\n"
        "from django.utils import timezone\n"
        "from posts.models import PostIndexPage, PostPage\n"
        "soon = timezone.now() + datetime.timedelta(seconds=2)\n"
        f"post = PostPage(title={title!r}, date=timezone.now(), live=False,\n"
        "                go_live_at=soon)\n"
        "PostIndexPage.objects.get().add_child(instance=post)\n"
        "post.save_revision().publish()\n",
    )
    stack.warm("/", stack.blog)
    time.sleep(2)
    manage(stack.env, "publish_scheduled")
    for path in ("/", stack.blog):
        for answer in stack.everywhere(path):
            assert title in answer.text, (path, answer.pid, answer.cache)


def test_a_post_unpublished_through_one_server_is_gone_from_every_worker(stack):
    a, _b = stack.servers
    stack.warm(stack.old_post, "/sitemap.xml")
    editor = signed_in_editor(a, "10.20.0.3")
    done = admin_post(editor, a, f"/admin/pages/{stack.old_post_id}/unpublish/", {})
    assert done.status_code == 302, done.text[:500]
    assert {x.status for x in stack.everywhere(stack.old_post)} == {404}
    for answer in stack.everywhere("/sitemap.xml"):
        assert stack.old_post not in answer.text, (answer.pid, answer.cache)


# Limits count across both servers ----------------------------------------------------


def test_the_comment_rate_limit_counts_across_both_servers(stack):
    servers = stack.servers * 3
    visitors = [reader("10.20.0.4") for _ in servers]
    forms = [
        comment_form(visitor, server, stack.post)
        for visitor, server in zip(visitors, servers, strict=True)
    ]
    time.sleep(3.2)
    statuses = []
    for n, (visitor, server, values) in enumerate(
        zip(visitors, servers, forms, strict=True)
    ):
        response = visitor.post(
            f"{server.url}/comments/{stack.post_id}/post/",
            {**values, "name": "Jae", "email": "jae@example.org", "body": f"No. {n}"},
            allow_redirects=False,
        )
        statuses.append(response.status_code)
    # Five a minute from one address, wherever they land.
    assert statuses == [302] * 5 + [429]


def test_a_burst_of_comments_on_both_servers_gets_exactly_the_limit(stack):
    """Ten at once, from one address, over four workers: five pass."""
    servers = stack.servers * 5
    visitors = [reader("10.20.0.6") for _ in servers]
    forms = [
        comment_form(visitor, server, stack.post)
        for visitor, server in zip(visitors, servers, strict=True)
    ]
    time.sleep(3.2)

    def send(n: int) -> int:
        return (
            visitors[n]
            .post(
                f"{servers[n].url}/comments/{stack.post_id}/post/",
                {
                    **forms[n],
                    "name": "Soo",
                    "email": "soo@example.org",
                    "body": f"At once, no. {n}",
                },
                allow_redirects=False,
                timeout=60,
            )
            .status_code
        )

    with ThreadPoolExecutor(len(servers)) as pool:
        statuses = sorted(pool.map(send, range(len(servers))))
    assert statuses == [302] * 5 + [429] * 5


def test_the_login_throttle_counts_across_both_servers(stack):
    statuses = []
    for server in stack.servers * 3:
        visitor = reader("10.20.0.5")
        login = server.url + "/admin/login/"
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', visitor.get(login).text
        ).group(1)
        response = visitor.post(
            login,
            {"username": "admin", "password": "wrong", "csrfmiddlewaretoken": token},
            allow_redirects=False,
        )
        statuses.append(response.status_code)
    assert statuses == [200] * 5 + [429]


# Last: a real export replaces the demo content (the demo posts are deleted).


def test_an_import_by_command_shows_on_every_worker_of_both(stack):
    stack.warm("/sitemap.xml")
    manage(stack.env, "import_blogger", str(SEED))
    for answer in stack.everywhere("/sitemap.xml"):
        assert SEED_SLUG in answer.text, (answer.pid, answer.cache)
