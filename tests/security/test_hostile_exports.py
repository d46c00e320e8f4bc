"""Hostile and broken Blogger exports: each is refused with a one-line reason and
nothing written, or imported within its limits.

Big files are generated in a temporary directory at test time.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from posts.models import PostPage
from readers.models import Comment
from tests.import_support import snapshot
from tests.security import exports
from tests.security.support import assert_inert

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed-classic.xml"
TRAP_PORT = 8391  # our range is 8380-8399


def run(path) -> str:
    out = io.StringIO()
    call_command("import_blogger", str(path), stdout=out)
    return out.getvalue()


def assert_refused(path, *, mentions: tuple[str, ...] = ()) -> str:
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        run(path)
    message = str(refused.value)
    assert "\n" not in message.strip(), message
    assert len(message) < 400, message
    assert message.startswith(("Import refused:", "Cannot read the export")), message
    if mentions:
        assert any(word in message.lower() for word in mentions), message
    assert snapshot() == before
    return message


@pytest.fixture
def trap():
    """A listener on 127.0.0.1 that counts every connection made to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", TRAP_PORT))
    server.listen(8)
    server.settimeout(0.2)
    hits = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield hits
    stop.set()
    thread.join(2)
    server.close()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def with_doctype(doctype: str, body_text: str) -> str:
    text = exports.export([exports.post(1, "Laughs", "<p>placeholder</p>")]).replace(
        "<?xml version='1.0' encoding='UTF-8'?>", ""
    )
    return doctype + text.replace("&lt;p&gt;placeholder&lt;/p&gt;", body_text)


@pytest.mark.parametrize(
    ("doctype", "body"),
    [
        (BILLION_LAUGHS, "&lol9;"),
        (
            '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            "&b;" * 2000,
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM '
            '"file:///etc/passwd">]>',
            "&x;",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM '
            f'"http://127.0.0.1:{TRAP_PORT}/secret">]>',
            "&x;",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY % p SYSTEM '
            f'"http://127.0.0.1:{TRAP_PORT}/evil.dtd"> %p;]>',
            "text",
        ),
        (
            f'<?xml version="1.0"?><!DOCTYPE feed SYSTEM "http://127.0.0.1:{TRAP_PORT}/x.dtd">',
            "text",
        ),
        ('<?xml version="1.0"?><!DOCTYPE feed SYSTEM "file:///etc/passwd">', "text"),
    ],
    ids=[
        "billion-laughs",
        "quadratic-blowup",
        "external-file",
        "external-http",
        "parameter-entity",
        "external-dtd-http",
        "external-dtd-file",
    ],
)
def test_entity_tricks_are_refused_without_touching_files_or_network(
    blog, tmp_path, trap, doctype, body
):
    path = tmp_path / "export.xml"
    path.write_text(with_doctype(doctype, body), encoding="utf-8")
    started = time.monotonic()
    message = assert_refused(path, mentions=("dtd", "doctype", "entity"))
    assert time.monotonic() - started < 10
    assert not trap, "the importer connected to the network"
    assert "root:" not in message


def test_xinclude_is_not_followed(blog, tmp_path, trap):
    html = "<p>An innocent post.</p>"
    text = exports.export([exports.post(1, "XInclude", html)]).replace(
        "<title type='text'>XInclude</title>",
        "<title type='text'>XInclude</title>"
        "<xi:include xmlns:xi='http://www.w3.org/2001/XInclude' "
        f"href='http://127.0.0.1:{TRAP_PORT}/x' parse='text'/>"
        "<xi:include xmlns:xi='http://www.w3.org/2001/XInclude' "
        "href='file:///etc/passwd' parse='text'/>",
    )
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    run(path)
    assert not trap
    page = PostPage.objects.get(title="XInclude")
    assert "root:" not in str(page.body.raw_data)


def test_a_50_mb_single_line_body_is_refused_or_imported_within_limits(blog, tmp_path):
    path = tmp_path / "huge.xml"
    chunk = "All work and no play makes a dull boy. " * 1000
    with path.open("w", encoding="utf-8") as f:
        f.write(exports.HEADER)
        f.write(exports.post(1, "Small neighbour", "<p>Before the big one.</p>"))
        head = exports.post(2, "Huge", "@@BODY@@")
        before, after = head.split("@@BODY@@")
        f.write(before)
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
        f.write(after + exports.FOOTER)
    assert b"\n" not in path.read_bytes()[:1_000_000]
    before = snapshot()
    started = time.monotonic()
    try:
        run(path)
    except CommandError as refused:
        message = str(refused)
        assert "\n" not in message.strip() and len(message) < 400
        assert "too large" in message, message
        assert snapshot() == before, "a refused file left rows behind"
    else:
        page = PostPage.objects.get(title="Huge")
        assert len(str(page.body.raw_data)) < 60 * 1024 * 1024
    assert time.monotonic() - started < 120


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.97])
def test_a_truncated_export_is_refused_and_writes_nothing(blog, tmp_path, fraction):
    data = SEED.read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(data[: int(len(data) * fraction)])
    assert_refused(path, mentions=("truncated", "broken", "not xml"))


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("empty", b""),
        ("whitespace", b"   \n\t  "),
        ("gzip", b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4),
        ("html", b"<!DOCTYPE html><html><body><script>alert(1)</script></html>"),
        ("json", b'{"feed": {"entry": []}}'),
        ("nul", b"\x00" * 4096),
        ("rss", b"<?xml version='1.0'?><rss><channel></channel></rss>"),
        ("deep-xml", b"<feed xmlns='http://www.w3.org/2005/Atom'>" + b"<a>" * 5000),
    ],
)
def test_files_that_are_not_exports_are_refused(blog, tmp_path, name, payload):
    path = tmp_path / f"{name}.xml"
    path.write_bytes(payload)
    assert_refused(path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_declared_as_utf8_is_read_right_or_refused(
    blog, tmp_path, codec
):
    """The XML parser recognises UTF-16 from the first bytes ("<?" as two-byte
    characters, XML 1.0 appendix F) whatever the declaration says: the text
    must then arrive intact, never as mojibake; otherwise the file is refused."""
    text = exports.export([exports.post(1, "Encoded 안녕", "<p>Hello 안녕</p>")])
    path = tmp_path / "utf16.xml"
    path.write_bytes(text.encode(codec))
    before = snapshot()
    try:
        run(path)
    except CommandError as refused:
        assert "\n" not in str(refused).strip()
        assert snapshot() == before
    else:
        post = PostPage.objects.get()
        assert post.title == "Encoded 안녕"
        assert "Hello 안녕" in str(post.body.raw_data)


def test_utf16_text_cut_at_an_odd_byte_is_refused(blog, tmp_path):
    text = exports.export([exports.post(1, "Encoded", "<p>Hello 안녕</p>")])
    path = tmp_path / "utf16-odd.xml"
    path.write_bytes(text.encode("utf-16-le")[:-1])
    assert_refused(path)


def test_latin1_bytes_declared_as_utf8_are_refused(blog, tmp_path):
    text = exports.export([exports.post(1, "Café crème", "<p>Déjà vu à Séoul</p>")])
    path = tmp_path / "latin1.xml"
    path.write_bytes(text.encode("latin-1"))
    assert_refused(path, mentions=("utf-8", "encoding", "broken", "not xml"))


def test_utf16_with_its_bom_is_either_read_right_or_refused(blog, tmp_path):
    text = exports.export([exports.post(1, "Encoded 안녕", "<p>Hello 안녕</p>")])
    text = text.replace("encoding='UTF-8'", "encoding='UTF-16'")
    path = tmp_path / "utf16bom.xml"
    path.write_bytes(text.encode("utf-16"))
    before = snapshot()
    try:
        run(path)
    except CommandError:
        assert snapshot() == before
    else:
        assert PostPage.objects.filter(title="Encoded 안녕").exists()


def test_an_export_with_10000_comments_on_one_post_imports_them_all_once(
    blog, tmp_path, client
):
    path = tmp_path / "many.xml"
    entries = [exports.post(1, "Popular", "<p>Everyone has an opinion.</p>")]
    entries += [
        exports.comment(100_000 + n, 1, f"Comment number {n} <b>bold</b>")
        for n in range(10_000)
    ]
    path.write_text(exports.export(entries), encoding="utf-8")

    started = time.monotonic()
    run(path)
    first = time.monotonic() - started
    post = PostPage.objects.get(title="Popular")
    assert Comment.objects.filter(page=post).count() == 10_000
    assert Comment.objects.values("source_id").distinct().count() == 10_000
    assert first < 120

    before = snapshot()
    run(path)
    assert snapshot() == before  # a re-run changes nothing

    response = client.get(post.url)
    assert response.status_code == 200
    assert response.content.decode().count('class="comment') >= 10_000


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script><p>After the script.</p>",
        '<img src=x onerror="alert(1)"><p>Picture.</p>',
        '<a href="javascript:alert(1)">click</a>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="javascript:alert(1)"></iframe>',
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<div style="background:url(javascript:alert(1))">styled</div>',
        '<form action="javascript:alert(1)"><button>go</button></form>',
        "<b>" * 3000 + "deep" + "</b>" * 3000,
        "<div>" * 3000 + "deep" + "</div>" * 3000,
        "<table><tr><td>" * 500 + "cells" + "</td></tr></table>" * 500,
    ],
    ids=[
        "script",
        "onerror",
        "js-link",
        "svg-script",
        "iframe-js",
        "iframe-srcdoc",
        "style-url",
        "form-action",
        "deep-inline",
        "deep-blocks",
        "deep-tables",
    ],
)
def test_hostile_post_html_imports_inert_or_is_refused(blog, tmp_path, client, html):
    path = tmp_path / "post.xml"
    entries = [
        exports.post(1, "Hostile <b>title</b> <script>alert(1)</script>", html),
        exports.comment(2, 1, "<script>alert(2)</script> nice post"),
    ]
    path.write_text(exports.export(entries), encoding="utf-8")
    before = snapshot()
    try:
        run(path)
    except CommandError as refused:
        assert "\n" not in str(refused).strip()
        assert snapshot() == before
        return
    post = PostPage.objects.get()
    Comment.objects.update(status=Comment.Status.APPROVED)
    response = client.get(post.url)
    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_control_characters_in_imported_text_do_not_break_the_feeds(
    blog, tmp_path, client
):
    path = tmp_path / "controls.xml"
    entries = [
        exports.post(1, "Bell &#7; title", "<p>Bell &#7; in &#27; the body</p>"),
        exports.comment(2, 1, "A bell &#7; and an escape &#27; in a comment"),
    ]
    path.write_text(exports.export(entries), encoding="utf-8")
    run(path)
    post = PostPage.objects.get()
    for url in (
        post.url,
        "/blog/",
        "/blog/feed/",
        "/blog/feed/atom/",
        "/comments/feed/",
    ):
        assert client.get(url).status_code == 200, url
    assert Client().get(f"/comments/{post.pk}/feed/").status_code == 200
