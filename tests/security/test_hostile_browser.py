"""In a real Chromium: hostile comments and an imported hostile post open no
dialog, run no payload and leave no injected element on the page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from readers.models import Comment
from tests.factories import PostPageFactory, publish
from tests.security import exports

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Every payload calls alert() and sets window.__pwned: either is a failure.
RUN = "alert(1);window.__pwned=1"
PAYLOADS = [
    f"<script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f"<svg/onload={RUN}>",
    f'"><script>{RUN}</script>',
    "<iframe srcdoc='<script>parent.__pwned=1;alert(1)</script>'></iframe>",
    f'<a href="javascript:{RUN}" id="pwn-link">click me</a>',
    f"<details open ontoggle={RUN}>",
    f"<body onload={RUN}>",
    "javascript:alert(1)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]

INSPECT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(el.tagName + ' ' + name);
      if (['href', 'src', 'action', 'formaction', 'srcdoc'].includes(name)
          && (value.startsWith('javascript:') || name === 'srcdoc'))
        found.push(el.tagName + ' ' + name + '=' + value.slice(0, 40));
    }
    if (el.tagName === 'SCRIPT' && el.type === 'application/ld+json') {
      // Data, not code, as long as it parses as one JSON value.
      try { JSON.parse(el.textContent); } catch (e) { found.push('broken JSON-LD'); }
    } else if (el.tagName === 'SCRIPT' && /alert|pwned/.test(el.textContent || ''))
      found.push('inline script with a payload');
    if (['SVG', 'OBJECT', 'EMBED', 'BASE'].includes(el.tagName.toUpperCase()))
      found.push('injected ' + el.tagName);
  }
  if (document.getElementById('pwn-link')) found.push('injected link');
  if (window.__pwned) found.push('a payload ran');
  return found;
}"""


@pytest.fixture
def blog(transactional_db):
    from tests.factories import build_site

    return build_site()[1]


def visit(chromium, url: str) -> tuple[list[str], list[str]]:
    context = chromium.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    found = page.evaluate(INSPECT)
    context.close()
    return dialogs, found


def hostile_comments_run_nothing(live_server, chromium, blog):
    post = publish(PostPageFactory(parent=blog, title="A post readers attack"))
    for n, payload in enumerate(PAYLOADS):
        Comment.objects.create(
            page=post,
            author_name=payload[:100],
            author_email=f"attacker{n}@example.org",
            author_url="javascript:alert(1)" if n % 2 else f"https://e.org/{payload}",
            body=f"Comment {n}: {payload}",
            status=Comment.Status.APPROVED,
        )
    dialogs, found = visit(chromium, live_server.url + post.url)
    assert dialogs == []
    assert found == []
    dialogs, found = visit(chromium, live_server.url + post.url + "?replyto=1")
    assert (dialogs, found) == ([], [])


def imported_hostile_post_runs_nothing(live_server, chromium, tmp_path):
    html = "".join(f"<p>{payload}</p>" for payload in PAYLOADS)
    entries = [
        exports.post(1, f"Imported <script>{RUN}</script> title", html),
        exports.comment(2, 1, f"<script>{RUN}</script><img src=x onerror={RUN}>"),
    ]
    path = tmp_path / "hostile.xml"
    path.write_text(exports.export(entries), encoding="utf-8")
    call_command("import_blogger", str(path), stdout=io.StringIO())
    from posts.models import PostPage

    post = PostPage.objects.get(title__startswith="Imported")
    for url in (post.url, "/blog/", "/search/?q=imported", "/comments/feed/"):
        dialogs, found = visit(chromium, live_server.url + url)
        assert dialogs == [], url
        assert found == [], (url, found)


def hostile_search_runs_nothing(live_server, chromium):
    query = f"<script>{RUN}</script><img src=x onerror={RUN}>"
    from urllib.parse import quote

    dialogs, found = visit(chromium, f"{live_server.url}/search/?q={quote(query)}")
    assert (dialogs, found) == ([], [])


def test_hostile_comments_posts_and_queries_run_nothing_in_the_browser(
    blog, live_server, chromium, tmp_path
):
    """One test: the transactional database is set up once for all three."""
    hostile_comments_run_nothing(live_server, chromium, blog)
    imported_hostile_post_runs_nothing(live_server, chromium, tmp_path)
    hostile_search_runs_nothing(live_server, chromium)
