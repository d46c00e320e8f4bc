"""Cleaning of HTML that came from outside (imported Blogger markup).

Everything that can run script is removed: elements such as <script>, every
event-handler attribute, and any URL whose scheme is not on the allow-list.
No ``style`` attribute survives (the site's CSP refuses them); the meaning of
the few safe properties travels as the stylesheet's classes (posts/styles.py),
the only classes kept.
"""

import nh3

from .styles import STYLE_CLASSES

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href", "name", "id"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
ALLOWED_CLASSES = {
    tag: set(STYLE_CLASSES)
    for tag in ("p", "div", "span", "table", "tr", "td", "th", "li", "blockquote")
} | {"img": {"inline-image"}}


def clean_html(html: str) -> str:
    """Return `html` with only harmless markup left."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
