"""Fuzzing the Blogger HTML -> StreamField conversion with hypothesis.

Whatever tag soup an export carries, `convert_body` never raises, and the
blocks it produces, rendered through the real block templates, never contain a
<script> element, an on*= event handler or a javascript: URL.
"""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posts.blogger.convert import comment_text, convert_body
from posts.models import PostPage
from tests.security.support import executable_bits

TAGS = [
    "p", "div", "span", "b", "i", "em", "strong", "a", "img", "br", "h1", "h2",
    "h3", "blockquote", "ul", "ol", "li", "table", "tr", "td", "iframe", "script",
    "style", "svg", "math", "object", "embed", "form", "input", "button",
    "textarea", "noscript", "template", "base", "meta", "link", "video", "audio",
    "source", "details", "marquee", "center", "font", "pre", "code", "sup",
    "title", "xmp", "plaintext", "select", "option", "frameset", "body", "html",
]  # fmt: skip
ATTRIBUTES = [
    "href", "src", "style", "class", "id", "onerror", "onload", "onclick",
    "onmouseover", "ONFOCUS", "formaction", "action", "srcdoc", "data", "xlink:href",
    "width", "title", "alt", "name", "background", "dynsrc", "lowsrc", "poster",
]  # fmt: skip
VALUES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java&#x09;script:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "alert(1)",
    'x" onerror="alert(1)',
    "x' onload='alert(1)",
    "https://example.org/a.jpg",
    "http://askakorean.blogspot.com/2012/03/post.html?m=1",
    "https://1.bp.blogspot.com/-x/s320/photo.jpg",
    "https://www.youtube.com/embed/abcdefgh",
    "expression(alert(1))",
    "url(javascript:alert(1))",
    "",
]
TEXT = st.one_of(
    st.sampled_from(
        [
            "Dear Korean,",
            "*   *   *",
            '"원제" [Dong-A Ilbo]',
            "Narendra's question is good.",
            "<!-- more -->",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&#60;script&#62;alert(1)",
            "]]>",
            "<![CDATA[<script>alert(1)</script>]]>",
            "<!--<script>alert(1)</script>-->",
            "</textarea><script>alert(1)</script>",
            "<br /><br />",
            "\u202e\u200b\x00\x07",
        ]
    ),
    st.text(max_size=30),
)


@st.composite
def attribute(draw):
    name = draw(st.sampled_from(ATTRIBUTES))
    value = draw(st.sampled_from(VALUES) | st.text(max_size=20))
    quote = draw(st.sampled_from(['"', "'", ""]))
    if not quote:
        value = re.sub(r"[\s>\"']", "", value) or "x"
    return f" {name}={quote}{value.replace(quote, '') if quote else value}{quote}"


def element(children):
    @st.composite
    def build(draw):
        tag = draw(st.sampled_from(TAGS))
        attrs = "".join(draw(st.lists(attribute(), max_size=3)))
        inner = "".join(draw(st.lists(children, max_size=4)))
        closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag} >"]))
        return f"<{tag}{attrs}>{inner}{closing}"

    return build()


HTML = st.recursive(TEXT, element, max_leaves=25)
DOCUMENT = st.lists(HTML, min_size=1, max_size=6).map("".join)

stream_block = PostPage._meta.get_field("body").stream_block
SCRIPT = re.compile(r"<\s*script", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(
    r"<[^>]*\s(?:href|src|action|formaction)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)


def render(html: str) -> str:
    body = convert_body(html)
    value = stream_block.to_python(body.stream_data())
    rendered = value.render_as_block(context={})
    # The excerpt is plain text: templates print it auto-escaped.
    return str(rendered) + body.question_html + escape(body.excerpt)


def assert_safe(html: str) -> None:
    out = render(html)
    assert not SCRIPT.search(out), out
    assert not HANDLER.search(out), out
    assert not JS_URL.search(out), out
    assert not executable_bits("<html><body>" + out + "</body></html>"), out


@pytest.mark.django_db
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(html=DOCUMENT)
def test_conversion_never_raises_and_never_lets_script_through(html):
    assert_safe(html)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(html=DOCUMENT, opening=st.sampled_from(["Dear Korean,", "", "<b>"]))
def test_question_detection_on_fuzzed_bodies_stays_safe(html, opening):
    body = convert_body(opening + html, question_opening="Dear Korean,")
    assert not SCRIPT.search(body.question_html)
    assert not HANDLER.search(body.question_html)


@settings(max_examples=100, deadline=None)
@given(html=DOCUMENT)
def test_imported_comments_render_as_escaped_text(html):
    from readers.templatetags.readers_tags import comment_body

    shown = str(comment_body(comment_text(html)))
    assert not SCRIPT.search(shown), shown
    assert not HANDLER.search(shown), shown
    assert not executable_bits("<html><body>" + shown + "</body></html>"), shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    "html",
    [
        "<b>" * 5000 + "deep" + "</b>" * 5000,
        "<div>" * 5000 + "deep" + "</div>" * 5000,
        "<ul><li>" * 2000 + "deep",
        "<table><tr><td>" * 1000 + "x",
        "<a href='javascript:alert(1)'>" * 500,
        "<p>" + "x" * 2_000_000 + "</p>",
        "<br />" * 20_000,
        "*   *   *<br /><br />" * 2000,
        "<p>escape \x1b bell \x07 nul \x00</p>",
        "<p>references &#27; &#7; &#0; &#x1b;</p>",
    ],
    ids=[
        "deep-b",
        "deep-div",
        "deep-list",
        "deep-table",
        "many-links",
        "2mb",
        "br",
        "breaks",
        "controls",
        "control-refs",
    ],
)
def test_pathological_bodies_convert_without_error(html):
    assert_safe(html)
