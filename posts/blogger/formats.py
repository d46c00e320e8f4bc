"""What tells the Blogger export formats apart, and their namespaces.

- The classic "Back up content" file: every entry carries a kind category
  (``...kind#post``, ``#comment``, ``#page``, ``#settings``, ``#template``).
- The Google Takeout ``feed.atom``: entries carry ``blogger:type`` in the 2018
  namespace (POST, PAGE, COMMENT) and ``blogger:status``.
- A public feed (``/feeds/posts/default``) has neither: it lacks comments,
  drafts and pages, so importing it would lose them. It is refused.
"""

from __future__ import annotations

import re

ATOM = "http://www.w3.org/2005/Atom"
BLOGGER_2018 = "http://schemas.google.com/blogger/2018"
GD = "http://schemas.google.com/g/2005"
THR = "http://purl.org/syndication/thread/1.0"
APP_NAMESPACES = ("http://purl.org/atom/app#", "http://www.w3.org/2007/app")
CLASSIC_KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
CLASSIC_LABEL_SCHEME = "http://www.blogger.com/atom/ns#"

CLASSIC = "classic"
TAKEOUT = "takeout"
TAKEOUT_KINDS = {"POST": "post", "PAGE": "page", "COMMENT": "comment"}

_ID = re.compile(r"blog-(\d+)\.(post|page|comment)-(\d+)\s*$")


class ImportRefused(Exception):
    """The file cannot be imported; the message says why, in one line."""


def normalise_id(raw: str, kind: str) -> str:
    """Blogger's id for an entry, the same in both formats.

    Classic exports give comments ``.post-N`` ids; Takeout gives them
    ``.comment-N``. Both become ``blog-B.comment-N`` so that a blog imported
    from one format and re-imported from the other is recognised.
    """
    raw = (raw or "").strip()
    match = _ID.search(raw)
    if not match:
        return raw
    blog, found_kind, number = match.groups()
    if kind in ("post", "page", "comment"):
        found_kind = kind
    return f"blog-{blog}.{found_kind}-{number}"


def sibling_id(known: str, number: str, kind: str = "comment") -> str:
    """The id of entry ``number`` (a comment unless ``kind`` says otherwise) of
    the same blog as the id ``known``."""
    match = _ID.search(known)
    if not match:
        return number
    return f"blog-{match.group(1)}.{kind}-{number}"


def number_of(source_id: str) -> str:
    """The numeric part of a normalised id: posts and pages share one space."""
    match = _ID.search(source_id)
    return match.group(3) if match else source_id


def check_root(elem) -> None:
    tree = elem.getroottree()
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ImportRefused(
            "the file declares a DTD (entity definitions), which Blogger exports "
            "never do: refused to protect the server"
        )
    if docinfo.doctype:
        raise ImportRefused("the file has a DOCTYPE, which Blogger exports never do")
    if elem.tag != f"{{{ATOM}}}feed":
        local = etree_localname(elem.tag)
        raise ImportRefused(
            f"not a Blogger export: the document is <{local}>, not an Atom feed"
        )


def etree_localname(tag) -> str:
    if not isinstance(tag, str):
        return "?"
    return tag.rsplit("}", 1)[-1]


def read_feed_header(elem, info) -> None:
    """Pick up the blog's title, address and id from the feed's own elements."""
    if elem.tag == f"{{{ATOM}}}title":
        info.title = (elem.text or "").strip()
    elif elem.tag == f"{{{ATOM}}}link" and elem.get("rel") == "alternate":
        info.blog_url = elem.get("href", "")
    elif elem.tag == f"{{{ATOM}}}id":
        match = re.search(r"blog-(\d+)", elem.text or "")
        if match:
            info.blog_id = match.group(1)


def detect(entry, hint: str) -> str:
    """The format of the export whose first entry is ``entry``."""
    if hint == TAKEOUT or entry.find(f"{{{BLOGGER_2018}}}type") is not None:
        return TAKEOUT
    for cat in entry.iterfind(f"{{{ATOM}}}category"):
        if cat.get("scheme") == CLASSIC_KIND_SCHEME:
            return CLASSIC
    for child in entry.iter():
        tag = child.tag if isinstance(child.tag, str) else ""
        if ":" in tag and not tag.startswith("{"):
            # libxml2 keeps an undeclared prefix in the name (and complains
            # only at the end): a hand-edited file that lost its xmlns line.
            raise ImportRefused(
                "the file is not well-formed XML: the namespace prefix "
                f"{tag.split(':')[0]!r} is used but never declared (an xmlns "
                "attribute is missing from <feed>)"
            )
    raise ImportRefused(
        "this is a public feed (/feeds/posts/default), not a backup: it has no "
        "comments, drafts or pages. Export with Blogger's Settings > Back up "
        "content, or Google Takeout"
    )
