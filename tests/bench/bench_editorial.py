"""The editors' dashboard: does /admin/ stay quick as the blog grows?

In-process (Django test client, test settings, a fresh SQLite file): an Editor
opens /admin/ (Wagtail's panels, "Scheduled posts", "Comments closing in the
next 7 days", the readers' panels). Median time and SQL queries per request
with 20 posts (baseline), then with 1,500 posts: one a day back four years,
of which 40 are scheduled to go live and 10 posts in review.

    .venv/bin/python tests/bench/run_all.py editorial
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

from support import median_ms, setup_django

BIG = int(os.environ.get("BENCH_EDITORIAL_POSTS", "1500"))


def add_posts(blog, count, start_day, scheduled=0, in_review=0, author=None):
    """Live posts one a day back from `start_day`; the first few scheduled or
    in review. Plain live posts skip revisions: the dashboard never reads them."""
    from django.utils import timezone

    from posts.models import PostPage

    now = timezone.now()
    for n in range(count):
        day = start_day + n
        moment = now - datetime.timedelta(days=day)
        waiting = n < scheduled + in_review
        post = PostPage(
            title=f"Post {day}",
            slug=f"post-{day}",
            date=moment,
            first_published_at=None if waiting else moment,
            live=not waiting,
            excerpt="An excerpt.",
            owner=author,
        )
        blog.add_child(instance=post)
        if n < scheduled:
            post.go_live_at = now + datetime.timedelta(days=n + 1)
            post.save_revision().publish()
        elif waiting:
            post.save_revision(user=author)
            post.get_workflow().start(post, author)


def dashboard(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get("/admin/")
        assert response.status_code == 200

    get()  # warm up
    with CaptureQueriesContext(connection) as queries:
        get()
    count = len(queries)  # read now: the next request clears the query log
    return median_ms(get), count


def panels(user):
    """Only this project's two panels, rendered directly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from posts.editorial_hooks import CommentsClosingPanel, ScheduledPostsPanel

    def render():
        html = ScheduledPostsPanel(user).render_html({})
        html += CommentsClosingPanel(user).render_html({})
        assert "Scheduled posts" in html

    render()
    with CaptureQueriesContext(connection) as queries:
        render()
    count = len(queries)
    return median_ms(render), count


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from django.contrib.auth.models import Group
        from django.test import Client

        from posts import editorial
        from tests.factories import UserFactory, build_site

        _, blog = build_site()
        editor = UserFactory(username="editor")
        editor.groups.add(Group.objects.get(name=editorial.EDITORS))
        author = UserFactory(username="author")
        author.groups.add(Group.objects.get(name=editorial.AUTHORS))
        client = Client()
        client.force_login(editor)

        add_posts(blog, 20, start_day=0, scheduled=2, in_review=1, author=author)
        base_ms, base_queries = dashboard(client)
        base_panels_ms, base_panels_queries = panels(editor)

        started = time.perf_counter()
        add_posts(
            blog, BIG - 20, start_day=20, scheduled=38, in_review=9, author=author
        )
        build_s = time.perf_counter() - started
        big_ms, big_queries = dashboard(client)
        big_panels_ms, big_panels_queries = panels(editor)

    print(f"(built {BIG - 20} more posts in {build_s:.0f} s)")
    print(f"{'editor dashboard /admin/':<34}{'median ms':>10}{'queries':>9}")
    print(f"{'  20 posts (baseline)':<34}{base_ms:>10.1f}{base_queries:>9}")
    print(f"{f'  {BIG} posts':<34}{big_ms:>10.1f}{big_queries:>9}")
    print(f"{'  ratio':<34}{big_ms / base_ms:>10.2f}{big_queries / base_queries:>9.2f}")
    print(f"{'our two panels only':<34}{'median ms':>10}{'queries':>9}")
    print(
        f"{'  20 posts (baseline)':<34}{base_panels_ms:>10.1f}{base_panels_queries:>9}"
    )
    print(f"{f'  {BIG} posts':<34}{big_panels_ms:>10.1f}{big_panels_queries:>9}")
    ratio_ms = big_panels_ms / base_panels_ms
    ratio_q = big_panels_queries / base_panels_queries
    print(f"{'  ratio':<34}{ratio_ms:>10.2f}{ratio_q:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
