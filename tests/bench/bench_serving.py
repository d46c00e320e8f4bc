"""Serving the public site: anonymous readers against gunicorn (2 workers).

Content: 2,000 posts with 20,000 comments made by `make_export.py` and loaded by
`manage.py import_blogger`, then one post topped up to 200 approved comments
(a third of them replies). Each page is measured with `wrk` (8 connections, 20 s)
cold (page cache off: every request renders) and warm (page cache on), beside
the floor: a static file of the same size served by the same gunicorn through
WhiteNoise, measured just before and just after the warm run (the mean of the
two; the machine's load drifts). "Rebuild" is the page cache off with the
fragment cache warm: what a page costs right after a change purged it. Once on
SQLite without Redis (production's shared database cache, in its own SQLite
file), once on PostgreSQL (database `h_serving_bench`) with Redis (db 8). Then a
profile of the cold post page.

    .venv/bin/python tests/bench/run_all.py serving
    BENCH_SECONDS=5 .venv/bin/python tests/bench/bench_serving.py sqlite  # quicker

The built databases are kept in $TMPDIR/bench_serving and reused while the
export's size is unchanged (BENCH_REBUILD=1 builds them again).

Crawl mode (`bench_serving.py crawl-sqlite crawl-postgres`): a crawler reading
the long tail. Each run builds its database afresh and imports the export (on
PostgreSQL the crawl starts as the import ends: no manual ANALYZE), tops up
CRAWL_HOT posts to 200 comments, then, on production settings (page cache on,
nothing of these posts cached yet), fetches CRAWL_POSTS distinct posts of about
10 comments and the 200-comment posts once each with 2 clients. Beside it, in
the same run and interleaved in small rounds, the home page of a `wagtail start`
project (generated into a temporary folder, migrated onto the same database
server) is served uncached by the same gunicorn configuration (2 workers) on
the next port; the result is printed as ratios of p50s. PostgreSQL:
BENCH_CRAWL_PG_URL (its `public` schema is emptied; the starter project uses a
`starter` schema) and BENCH_CRAWL_REDIS_URL.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PY = sys.executable
POSTS = int(os.environ.get("BENCH_POSTS", "2000"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "20000"))
HOT_COMMENTS = 200
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
PORT = int(os.environ.get("BENCH_PORT", "8362"))
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "h_serving_bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
WORK = Path(tempfile.gettempdir()) / "bench_serving"
STATIC_ROOT = WORK / "static"
SECRET = "bench-serving-only-" + "x" * 40

HOT_POST = f"""
import random
from django.db.models import Count, Q
from posts.models import PostPage
from readers.models import Comment
posts = PostPage.objects.live().filter(date__isnull=False)
post = (posts.annotate(n=Count("reader_comments", filter=Q(
    reader_comments__status="approved"))).filter(tags__isnull=False)
    .order_by("-n", "pk").first())
have = Comment.objects.filter(page=post, status="approved").count()
rng = random.Random(8)
made = Comment.objects.bulk_create(
    Comment(page=post, author_name=f"Bench reader {{n}}",
            author_email=f"r{{n}}@example.org",
            body=" ".join(rng.choice(["kimchi", "seoul", "grammar", "winter",
                 "https://example.org/a", "thanks", "question"]) for _ in range(40)),
            status="approved")
    for n in range(max(0, {HOT_COMMENTS} - have)))
replies = made[1::3]
for reply, parent in zip(replies, made[::3]):
    reply.parent = parent
Comment.objects.bulk_update(replies, ["parent"])
post = post.specific
tag = post.tags.order_by("name").first()
blog = post.get_parent().specific
print("POST", post.url)
print("LABEL", blog.url + blog.reverse_subpage("label", args=[tag.slug]))
print("COUNT", Comment.objects.filter(page=post, status="approved").count())
# PostgreSQL needs fresh planner statistics after a bulk import (see
# docs/deployment.md): without them each listing query took a second. SQLite is
# the other way round: with ANALYZE's statistics its listing queries took 10x
# longer, so the SQLite file keeps none.
from django.db import connection
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("ANALYZE")
    else:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat4")
"""


def env_for(
    database_url: str, *, redis: bool, page_cache: int, fragments: int = 0
) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_INSECURE_LOCAL="1",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_STATIC_ROOT=str(STATIC_ROOT),
        DJANGO_PAGE_CACHE_SECONDS=str(page_cache),
        DJANGO_FRAGMENT_CACHE_SECONDS=str(fragments),
        DJANGO_LOG_LEVEL="WARNING",
    )
    if redis:
        env["REDIS_URL"] = REDIS_URL
    return env


def manage(env, *args, stdin=None) -> str:
    result = subprocess.run(  # noqa: S603
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {args[0]} failed")
    return result.stdout


def build(env) -> None:
    """Migrate, the demo site (home, blog), the synthetic export, the hot post."""
    export = WORK / f"export-{POSTS}-{COMMENTS}.xml"
    if not export.exists():
        subprocess.run(  # noqa: S603
            [
                PY,
                str(ROOT / "tests/bench/make_export.py"),
                str(export),
                "--posts",
                str(POSTS),
                "--comments",
                str(COMMENTS),
            ],
            check=True,
        )
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_content")
    manage(env, "import_blogger", str(export))
    print(f"  built in {time.monotonic() - started:.0f} s", flush=True)


def content(env) -> dict[str, str]:
    out = manage(env, "shell", stdin=HOT_POST)
    found = dict(re.findall(r"^(POST|LABEL|COUNT) (.+)$", out, re.M))
    return {"post": found["POST"], "home": "/", "label": found["LABEL"]}


def sqlite_database() -> str:
    path = WORK / f"serving-{POSTS}-{COMMENTS}.sqlite3"
    url = f"sqlite:///{path}"
    if os.environ.get("BENCH_REBUILD") or not path.exists():
        for old in WORK.glob(path.name + "*"):
            old.unlink()
        print(f"Building {path.name}", flush=True)
        build(env_for(url, redis=False, page_cache=0))
    return url


def postgres_database() -> str:
    url = f"{PG_SERVER}/{PG_NAME}"
    ready = subprocess.run(  # noqa: S603
        [
            "psql",
            f"{PG_SERVER}/{PG_NAME}",
            "-tAc",
            "select count(*) from posts_postpage",
        ],
        capture_output=True,
        text=True,
    )
    have = int(ready.stdout.strip() or 0) if ready.returncode == 0 else 0
    if os.environ.get("BENCH_REBUILD") or have < POSTS:
        print(f"Building PostgreSQL database {PG_NAME}", flush=True)
        subprocess.run(
            [
                "dropdb",
                "--if-exists",
                f"--maintenance-db={PG_SERVER}/postgres",
                PG_NAME,
            ],
            check=True,
        )  # noqa: E501, S603
        subprocess.run(
            ["createdb", f"--maintenance-db={PG_SERVER}/postgres", PG_NAME], check=True
        )  # noqa: E501, S603
        build(env_for(url, redis=True, page_cache=0))
    return url


def start(env, *, port: int = PORT, cwd: Path = ROOT, app: str = "", probe: str = ""):
    """gunicorn with our gunicorn.conf.py and 2 workers (another app if given)."""
    genv = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        GUNICORN_ACCESS_LOG="",
    )
    command = [str(Path(PY).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
    proc = subprocess.Popen(  # noqa: S603
        [*command, app] if app else command,
        cwd=cwd,
        env=genv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            fetch(probe or "/static/css/site.css", port=port)
            return proc
        except OSError:
            time.sleep(0.25)
    stop(proc)
    raise SystemExit("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])


def stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def fetch(path: str, port: int = PORT):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:  # noqa: S310
        return r.status, r.headers, r.read()


def wrk(path: str, connections: int = CONNECTIONS, seconds: int = SECONDS) -> dict:
    out = subprocess.run(  # noqa: S603
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "30s",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: (.+)"):
        match = re.search(pattern, out)
        if match:
            errors += sum(int(n) for n in re.findall(r"\d+", match.group(1)))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms(50),
        "p99": ms(99),
        "errors": errors,
    }


def floors(sizes: dict[str, int]) -> dict[str, str]:
    """Static files of the same sizes as the pages, inside STATIC_ROOT."""
    folder = STATIC_ROOT / "bench-floor"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, size in sizes.items():
        target = folder / f"{name}.html"
        target.write_bytes((b"<p>floor</p>\n" * (size // 13 + 1))[:size])
        paths[name] = f"/static/bench-floor/{name}.html"
    return paths


MODES = {
    # name: (page cache seconds, fragment cache seconds)
    "cold": (0, 0),
    "rebuild": (0, 600),
    "warm": (600, 600),
}


def run(kind: str, database_url: str, redis: bool) -> list[str]:
    envs = {
        mode: env_for(database_url, redis=redis, page_cache=p, fragments=f)
        for mode, (p, f) in MODES.items()
    }
    # A database built before the shared cache existed gets its table here.
    manage(envs["cold"], "migrate", "--noinput", "-v0")
    pages = content(envs["cold"])
    # Every run: a manifest from an older checkout lacks newer files (a 500).
    manage(envs["cold"], "collectstatic", "--noinput", "-v0")

    server = start(envs["cold"])
    try:
        sizes = {name: len(fetch(path)[2]) for name, path in pages.items()}
    finally:
        stop(server)
    floor_paths = floors(sizes)

    results: dict[str, dict] = {name: {} for name in pages}
    for mode, env in envs.items():
        if redis:
            subprocess.run(  # noqa: S603
                ["redis-cli", "-u", REDIS_URL, "flushdb"],  # noqa: S607
                check=True,
                capture_output=True,
            )
        else:
            manage(
                env, "shell", "-c", "from django.core.cache import cache; cache.clear()"
            )
        server = start(env)
        try:
            for name, path in pages.items():
                if mode != "cold":
                    for _ in range(6):  # each worker fills its local memory
                        fetch(path)
                if mode == "warm":
                    assert fetch(path)[1]["X-Page-Cache"] == "hit", path
                    # The floor right before and right after, on the same server:
                    # the machine's load drifts during a run.
                    before = wrk(floor_paths[name], seconds=max(1, SECONDS // 2))
                results[name][mode] = wrk(path)
                if mode == "warm":
                    after = wrk(floor_paths[name], seconds=max(1, SECONDS // 2))
                    results[name]["floor"] = {
                        "rps": (before["rps"] + after["rps"]) / 2,
                        "errors": before["errors"] + after["errors"],
                    }
                if mode == "cold" and name == "post":
                    # One connection: the time to render, without queueing.
                    results[name]["alone"] = wrk(path, connections=1)
        finally:
            stop(server)

    lines = [
        f"### {kind}",
        "",
        "| page | bytes | floor req/s | cold req/s, p50 / p99 ms "
        "| rebuild req/s, p50 / p99 ms | warm req/s, p50 / p99 ms "
        "| warm / floor | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def cell(r):
        return f"{r['rps']:,.0f}, {r['p50']:.1f} / {r['p99']:.1f}"

    for name, row in results.items():
        errors = " / ".join(str(row[m]["errors"]) for m in ("floor", *MODES))
        lines.append(
            f"| {name} | {sizes[name]:,} | {row['floor']['rps']:,.0f} "
            f"| {cell(row['cold'])} | {cell(row['rebuild'])} | {cell(row['warm'])} "
            f"| {row['warm']['rps'] / row['floor']['rps']:.0%} | {errors} |"
        )
    post = results["post"]
    lines += [
        "",
        "Errors are floor / cold / rebuild / warm. Goals: warm ≥ 50% of the floor: "
        + ", ".join(
            f"{n} {r['warm']['rps'] / r['floor']['rps']:.0%}"
            for n, r in results.items()
        )
        + f"; cold post p50 < 50 ms: {post['cold']['p50']:.1f} ms "
        + f"(rebuild {post['rebuild']['p50']:.1f} ms; one connection at a time "
        + f"{post['alone']['p50']:.1f} ms); errors: "
        + str(sum(r[m]["errors"] for r in results.values() for m in r)),
        "",
    ]
    print("\n".join(lines), flush=True)
    return lines


PROFILE = """
import cProfile, pstats, io
from django.test import Client
client = Client()
for _ in range(5):
    client.get({path!r})
profiler = cProfile.Profile()
profiler.enable()
for _ in range(20):
    assert client.get({path!r}).status_code == 200
profiler.disable()
out = io.StringIO()
stats = pstats.Stats(profiler, stream=out)
stats.sort_stats("tottime").print_stats(25)
print(out.getvalue())
"""


def profile(database_url: str) -> None:
    env = env_for(database_url, redis=False, page_cache=0)
    pages = content(env)
    print("### Profile: cold post page, 20 requests (cProfile, cumulative)\n")
    print(manage(env, "shell", stdin=PROFILE.format(path=pages["post"])))


# Breakdown: where a cold post's time goes, part by part -----------------------

BREAKDOWN = """
import collections, time
from django.core.cache import cache
from django.db import connection
from django.db.backends import utils
from django.db.models import Count, Q
from django.template import loader_tags
from django.template.library import InclusionNode, SimpleNode
from django.template.response import SimpleTemplateResponse
from django.test import Client
from wagtail.blocks import StreamValue
from wagtail.models import Page
from plumbing.cache import comments_changed
from plumbing.templatetags.page_cache import CachedFragmentNode
from posts.models import PostPage

cache.clear()
posts = list(PostPage.objects.live().annotate(n=Count("reader_comments",
    filter=Q(reader_comments__status="approved"))).filter(n__gte={low},
    n__lte={high}).order_by("pk"))
client = Client()
for post in posts[:4]:  # the site-wide parts, as on a site that served anything
    client.get(post.url)
parts, stack = collections.Counter(), []

def timed(owner, attr, name_of):
    original = getattr(owner, attr)
    def wrapper(self, *args, **kwargs):
        start = time.perf_counter()
        stack.append(0.0)
        try:
            return original(self, *args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            inner = stack.pop()
            parts[name_of(self, *args)] += spent - inner
            if stack:
                stack[-1] += spent
    setattr(owner, attr, wrapper)

timed(loader_tags.IncludeNode, "render",
      lambda node, ctx: "template " + str(node.template.var))
timed(SimpleNode, "render", lambda node, ctx: "tag " + node.func.__name__)
timed(InclusionNode, "render", lambda node, ctx: "tag " + node.func.__name__)
timed(CachedFragmentNode, "render",
      lambda node, ctx: "fragment " + str(node.args[0].var))
timed(utils.CursorWrapper, "execute", lambda cursor, *a: "SQL (executing)")
timed(StreamValue, "render_as_block", lambda *a: "post body (StreamField)")
original_route = Page.route_for_request
def route(request, path):
    start = time.perf_counter()
    stack.append(0.0)
    try:
        return original_route(request, path)
    finally:
        spent = time.perf_counter() - start
        parts["routing (site, home, blog, the post query)"] += spent - stack.pop()
        if stack:
            stack[-1] += spent
Page.route_for_request = staticmethod(route)
original_render = SimpleTemplateResponse.rendered_content.fget
def rendered(self):
    start = time.perf_counter()
    stack.append(0.0)
    try:
        return original_render(self)
    finally:
        spent = time.perf_counter() - start
        parts["page templates (base, post page, their own tags)"] += spent - stack.pop()
SimpleTemplateResponse.rendered_content = property(rendered)

sample = posts[4:4 + {count}] if {count} > 1 else posts[:1] * 20
start = time.perf_counter()
for post in sample:
    if {count} == 1:  # the same post again: its page and own fragments rebuilt
        comments_changed(post)
    assert client.get(post.url).status_code == 200
total = (time.perf_counter() - start) * 1000 / len(sample)
measured = sum(parts.values()) * 1000 / len(sample)
print(f"| part | ms per post | share |")
print("| --- | ---: | ---: |")
for name, spent in parts.most_common(16):
    ms = spent * 1000 / len(sample)
    print(f"| {{name}} | {{ms:.2f}} | {{ms / total:.0%}} |")
rest = total - measured
print("| everything else (middleware, Wagtail's serve, the page cache) "
      f"| {{rest:.2f}} | {{rest / total:.0%}} |")
print(f"| **a cold post, in process** | **{{total:.2f}}** | 100% |")
"""


def breakdown(database_url: str) -> None:
    """In process (Django's test client, production settings, page cache on,
    site-wide parts warm): where a never-read post's time goes."""
    env = env_for(database_url, redis=False, page_cache=600, fragments=600)
    content(env)
    for low, high, count, label in ((8, 12, 150, "about 10"), (150, 10**6, 1, "200")):
        print(f"### Breakdown: a cold post with {label} comments\n")
        code = BREAKDOWN.format(low=low, high=high, count=count)
        print(manage(env, "shell", "-v0", stdin=code), flush=True)


# Crawl mode ------------------------------------------------------------------

CRAWL_POSTS = int(os.environ.get("BENCH_CRAWL_POSTS", "400"))
CRAWL_HOT = int(os.environ.get("BENCH_CRAWL_HOT", "40"))
CRAWL_ROUNDS = 20
CRAWL_CLIENTS = 2
CRAWL_PG_URL = os.environ.get("BENCH_CRAWL_PG_URL", f"{PG_SERVER}/h_serving_crawl")
CRAWL_REDIS_URL = os.environ.get("BENCH_CRAWL_REDIS_URL", REDIS_URL)
STARTER_PORT = PORT + 1

CRAWL_CONTENT = """
import random
from django.db.models import Count, Q
from posts.models import PostPage
from readers.models import Comment
posts = list(PostPage.objects.live().annotate(n=Count("reader_comments",
    filter=Q(reader_comments__status="approved"))).order_by("pk"))
rng = random.Random(16)
rng.shuffle(posts)
hot, rest = posts[:{hot}], posts[{hot}:]
words = ["kimchi", "seoul", "grammar", "winter", "https://example.org/a",
         "thanks", "question"]
for post in hot:
    made = Comment.objects.bulk_create(
        Comment(page=post, author_name=f"Bench reader {{n}}",
                author_email=f"r{{n}}@example.org",
                body=" ".join(rng.choice(words) for _ in range(40)),
                status="approved")
        for n in range(max(0, 200 - post.n)))
    replies = made[1::3]
    for reply, parent in zip(replies, made[::3]):
        reply.parent = parent
    Comment.objects.bulk_update(replies, ["parent"])
    print("HOT", post.url)
for post in rest:
    if 8 <= post.n <= 12:
        print("POST", post.url)
"""

STARTER_LOCAL = """
import dj_database_url

SECRET_KEY = {secret!r}
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {{
    "default": dj_database_url.parse(
        {url!r}, conn_max_age=60, conn_health_checks=True
    )
}}
if {schema!r}:
    DATABASES["default"]["OPTIONS"] = {{"options": "-c search_path=" + {schema!r}}}
"""


def psql(url: str, sql: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", "-q", url, "-c", sql],  # noqa: S607
        check=True,
        capture_output=True,
    )


def starter_project(folder: Path, database_url: str) -> dict:
    """`wagtail start` into `folder`, migrated; the env its gunicorn runs with."""
    subprocess.run(  # noqa: S603
        [str(Path(PY).parent / "wagtail"), "start", "starter", str(folder)],
        check=True,
        capture_output=True,
    )
    schema = ""
    if database_url.startswith("postgres"):
        schema = "starter"
        psql(
            database_url, "DROP SCHEMA IF EXISTS starter CASCADE; CREATE SCHEMA starter"
        )
    else:
        database_url = f"sqlite:///{folder / 'db.sqlite3'}"
    (folder / "starter/settings/local.py").write_text(
        STARTER_LOCAL.format(secret=SECRET, url=database_url, schema=schema)
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "starter.settings.production"
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([PY, "manage.py", *command], cwd=folder, env=env, check=True)  # noqa: S603
    return env


def timed_fetch(path: str, port: int) -> tuple[float, str]:
    started = time.perf_counter()
    status, headers, _ = fetch(path, port=port)
    elapsed = (time.perf_counter() - started) * 1000
    assert status == 200, (path, status)
    return elapsed, headers.get("X-Page-Cache", "")


def fetch_all(paths: list[str], port: int) -> list[tuple[float, str]]:
    with ThreadPoolExecutor(CRAWL_CLIENTS) as pool:
        return list(pool.map(lambda p: timed_fetch(p, port), paths))


def crawl(kind: str, database_url: str, redis_url: str = "") -> list[str]:
    """Import, then crawl distinct posts beside the starter page; ratios."""
    print(f"\n### Crawl: {kind}\n", flush=True)
    if database_url.startswith("postgres"):
        server, name = database_url.rsplit("/", 1)
        subprocess.run(  # noqa: S603
            ["createdb", f"--maintenance-db={server}/postgres", name],  # noqa: S607
            capture_output=True,
        )  # fails harmlessly when it exists
        psql(database_url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        for old in WORK.glob(database_url.rsplit("/", 1)[1] + "*"):
            old.unlink()
    if redis_url:
        subprocess.run(  # noqa: S603
            ["redis-cli", "-u", redis_url, "flushdb"],  # noqa: S607
            check=True,
            capture_output=True,
        )
    env = env_for(database_url, redis=False, page_cache=600, fragments=600)
    if redis_url:
        env["REDIS_URL"] = redis_url
    started = time.monotonic()
    build(env)
    out = manage(env, "shell", stdin=CRAWL_CONTENT.format(hot=CRAWL_HOT))
    hot = re.findall(r"^HOT (\S+)$", out, re.M)
    posts = re.findall(r"^POST (\S+)$", out, re.M)
    print(f"  imported and topped up in {time.monotonic() - started:.0f} s", flush=True)
    manage(env, "collectstatic", "--noinput", "-v0")  # the templates' files, as now
    rng = random.Random(400)
    warmup, sample = posts[:4], rng.sample(posts[4:], CRAWL_POSTS)

    with tempfile.TemporaryDirectory(prefix="bench-starter-") as folder:
        starter_env = starter_project(Path(folder), database_url)
        ours = start(env)
        starter = start(
            starter_env,
            port=STARTER_PORT,
            cwd=Path(folder),
            app="starter.wsgi:application",
            probe="/",
        )
        try:
            # Per-process caches (site root paths, templates) and the site-wide
            # fragments, as on a site that has served anything at all.
            fetch_all(warmup * 3, PORT)
            fetch_all(["/"] * 20, STARTER_PORT)
            times = {"starter": [], "post": [], "hot": []}
            hits = 0
            per_round = CRAWL_POSTS // CRAWL_ROUNDS
            hot_per_round = max(1, CRAWL_HOT // CRAWL_ROUNDS)
            for n in range(CRAWL_ROUNDS):
                chunk = sample[n * per_round : (n + 1) * per_round]
                hot_chunk = hot[n * hot_per_round : (n + 1) * hot_per_round]
                times["starter"] += [
                    t for t, _ in fetch_all(["/"] * per_round, STARTER_PORT)
                ]
                for name, paths in (("post", chunk), ("hot", hot_chunk)):
                    for elapsed, cache in fetch_all(paths, PORT):
                        times[name].append(elapsed)
                        hits += cache == "hit"
        finally:
            stop(ours)
            stop(starter)

    def p(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))]

    base = statistics.median(times["starter"])
    lines = [
        f"#### {kind}",
        "",
        "| page | requests | p50 ms | p90 ms | p50 / starter p50 | goal |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        f"| `wagtail start` home page | {len(times['starter'])} | {base:.1f} "
        f"| {p(times['starter'], 0.9):.1f} | 1.0 | |",
    ]
    goals = {"post": ("post, ~10 comments", 2), "hot": ("post, 200 comments", 4)}
    for name, (label, goal) in goals.items():
        median = statistics.median(times[name])
        ratio = median / base
        lines.append(
            f"| {label} | {len(times[name])} | {median:.1f} "
            f"| {p(times[name], 0.9):.1f} | {ratio:.1f} "
            f"| ≤ {goal}: {'met' if ratio <= goal else 'not met'} |"
        )
    lines += ["", f"Page cache hits among the crawled posts: {hits} (must be 0).", ""]
    print("\n".join(lines), flush=True)
    return lines


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    WORK.mkdir(parents=True, exist_ok=True)
    which = argv or ["sqlite", "postgres", "profile", "crawl-sqlite", "crawl-postgres"]
    if {"sqlite", "postgres"} & set(which) and shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install -y wrk)")
        return 1
    print(
        f"Serving: {POSTS:,} posts, {COMMENTS:,} comments; hot post(s) with "
        f"{HOT_COMMENTS} comments; wrk {CONNECTIONS} connections {SECONDS} s; "
        f"crawl {CRAWL_POSTS} posts + {CRAWL_HOT} hot, {CRAWL_CLIENTS} clients; "
        "gunicorn 2 workers on 127.0.0.1\n",
        flush=True,
    )
    if "sqlite" in which:
        run("SQLite, database cache (no Redis)", sqlite_database(), redis=False)
    if "postgres" in which:
        run("PostgreSQL, Redis", postgres_database(), redis=True)
    if "profile" in which:
        profile(sqlite_database())
    if "breakdown" in which:
        breakdown(sqlite_database())
    if "crawl-sqlite" in which:
        sqlite_url = f"sqlite:///{WORK / 'crawl.sqlite3'}"
        crawl("SQLite, database cache (no Redis)", sqlite_url)
    if "crawl-postgres" in which:
        crawl("PostgreSQL, Redis", CRAWL_PG_URL, CRAWL_REDIS_URL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
