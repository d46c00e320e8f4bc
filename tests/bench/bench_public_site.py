"""The public site: do reading pages stay cheap as the blog grows?

In-process (Django test client, test settings, fresh SQLite files): the demo
blog (3 posts) is the baseline; the same blog with 600 more posts over twelve
years and 40 labels is the figure. For each page: median time and SQL queries.

    .venv/bin/python tests/bench/run_all.py public_site
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
EXTRA_POSTS = int(os.environ.get("BENCH_POSTS", "600"))
PAGES = [
    ("home", "/"),
    ("blog index", "/blog/"),
    ("label page", "/blog/label/culture/"),
    ("month archive", "/blog/{month}/"),
    ("post page", "/blog/do-koreans-really-count-their-age-differently/"),
    ("search", "/search/?q=contract"),
    ("atom feed", "/blog/feed/atom/"),
    ("sitemap", "/sitemap.xml"),
]


def setup_django(db_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()


def build(extra: int) -> str:
    from django.core.management import call_command
    from django.utils import timezone

    from home.demo import load_demo_content
    from posts.models import PostIndexPage, PostPage

    call_command("migrate", verbosity=0)
    now = timezone.now()
    load_demo_content(now)
    blog = PostIndexPage.objects.get()
    labels = [f"topic-{n}" for n in range(40)]
    for n in range(extra):
        date = now - datetime.timedelta(days=7 * (n + 1))
        post = PostPage(
            title=f"Post {n} about Korea",
            slug=f"post-{n}",
            date=date,
            excerpt="An excerpt.",
            last_published_at=date,
            first_published_at=date,
            body='[{"type": "paragraph", "value": "<p>Words about Korea.</p>"}]',
        )
        blog.add_child(instance=post)
        post.tags.add("culture" if n % 5 == 0 else labels[n % 40], labels[n % 7])
    # The demo question post's month: in both runs it holds posts.
    return timezone.localtime(now - datetime.timedelta(days=3)).strftime("%Y/%m")


def measure(client, url):
    from django.db import connection

    def fetch():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    fetch()  # warm caches (site root paths, templates)
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: (
            queries.append(sql),
            execute(sql, params, many, context),
        )[1]
    ):
        fetch()
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(queries)


def run(extra: int) -> dict:
    from django.db import connections
    from django.test import Client

    month = build(extra)
    client = Client()
    results = {}
    for name, url in PAGES:
        results[name] = measure(client, url.format(month=month))
    connections.close_all()
    return results


def child(extra: int, out: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        results = run(extra)
    Path(out).write_text(repr(results))


def main() -> int:
    import ast
    import subprocess

    if len(sys.argv) == 3:
        child(int(sys.argv[1]), sys.argv[2])
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        outputs = {}
        for extra in (0, EXTRA_POSTS):
            out = str(Path(tmp) / f"{extra}.txt")
            subprocess.run(  # noqa: S603
                [sys.executable, __file__, str(extra), out], check=True, cwd=ROOT
            )
            outputs[extra] = ast.literal_eval(Path(out).read_text())
    base, big = outputs[0], outputs[EXTRA_POSTS]
    print(
        f"{'page':16}{'ms, ' + str(EXTRA_POSTS + 3) + ' posts':>16}"
        f"{'ms, 3 posts':>14}{'ratio':>8}{'queries':>10}{'baseline':>10}"
    )
    for name, _url in PAGES:
        (ms, queries), (base_ms, base_queries) = big[name], base[name]
        print(
            f"{name:16}{ms:16.1f}{base_ms:14.1f}{ms / base_ms:8.2f}"
            f"{queries:10d}{base_queries:10d}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
