"""Streaming reader for Blogger exports.

One pass over the file with lxml's ``iterparse``: each ``<entry>`` becomes an
:class:`Entry` and is then cleared, so memory stays flat however large the
export is. The parser never loads a DTD, never resolves an entity and never
touches the network; a file that declares a DTD is refused outright (Blogger
never writes one, and it is how entity bombs and external entities arrive).

The two formats are told apart by content, see :mod:`posts.blogger.formats`.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from lxml import etree

from . import formats
from .formats import ATOM, BLOGGER_2018, GD, THR, ImportRefused


@dataclass(slots=True)
class Entry:
    """One entry of an export, in the same shape whichever format it came from."""

    kind: str  # post, page, comment, settings, template, unknown
    source_id: str
    title: str = ""
    content: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    old_path: str = ""
    labels: list[str] = field(default_factory=list)
    author_name: str = ""
    author_uri: str = ""
    draft: bool = False
    trashed: bool = False
    removed: bool = False  # a comment deleted: it keeps only its place
    spam: bool = False  # a comment Blogger marked as spam: kept, never shown
    post_ref: str = ""  # a comment's post (normalised id)
    post_path: str = ""  # a comment's post address, when no id names it
    parent_ref: str = ""  # a comment's parent comment (normalised id)


@dataclass(slots=True)
class FeedInfo:
    """What the export says about the blog itself."""

    format: str = ""
    title: str = ""
    blog_url: str = ""
    blog_id: str = ""
    description: str = ""  # the BLOG_DESCRIPTION setting
    time_zone: str = ""  # the BLOG_TIME_ZONE setting, e.g. "Asia/Kolkata"


class _CountingReader:
    """A file wrapper that counts the bytes the parser has read."""

    def __init__(self, fileobj, on_read: Callable[[int], None] | None):
        self._f = fileobj
        self._on_read = on_read
        self.bytes_read = 0
        self.at_end = False
        self.lines = 1  # lines read so far
        self.last_line = 0  # characters read on the last of them

    def read(self, size: int = -1) -> bytes:
        chunk = self._f.read(size)
        self.bytes_read += len(chunk)
        if not chunk:
            self.at_end = True
        newlines = chunk.count(b"\n")
        if newlines:
            self.lines += newlines
            self.last_line = 0
            chunk_tail = chunk.rsplit(b"\n", 1)[1]
        else:
            chunk_tail = chunk
        # Characters, not bytes: UTF-8 continuation bytes start no character.
        continuation = sum(chunk_tail.count(bytes([b])) for b in range(0x80, 0xC0))
        self.last_line += len(chunk_tail) - continuation
        if self._on_read is not None:
            self._on_read(self.bytes_read)
        return chunk

    def stops_at(self, line: int, column: int) -> bool:
        """Whether the input ended at (or just after) this position."""
        if not self.at_end or line < self.lines:
            return False
        return column >= self.last_line - 2


def _parse_time(text: str | None) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise ImportRefused(f"an entry has an unreadable date: {text[:40]!r}") from exc


_A = f"{{{ATOM}}}"
_B = f"{{{BLOGGER_2018}}}"
A_ID, A_TITLE, A_CONTENT = _A + "id", _A + "title", _A + "content"
A_PUBLISHED, A_UPDATED, A_AUTHOR = _A + "published", _A + "updated", _A + "author"
A_CATEGORY, A_LINK, A_NAME, A_URI = (
    _A + "category",
    _A + "link",
    _A + "name",
    _A + "uri",
)
THR_REPLY = f"{{{THR}}}in-reply-to"
GD_PROPERTY = f"{{{GD}}}extendedProperty"
APP_CONTROLS = {f"{{{ns}}}control": f"{{{ns}}}draft" for ns in formats.APP_NAMESPACES}


_COMMENT_FEED = re.compile(r"/feeds/\d+/(\d+)/comments/default/\d+")
_POSITION = re.compile(r"(, line \d+, column \d+)?( \([^()]*, line \d+\))?$")


def _children(elem) -> dict:
    """An entry's child elements by tag, in one pass (faster than find())."""
    kids: dict = {}
    for child in elem:
        kids.setdefault(child.tag, []).append(child)
    return kids


def _first(kids: dict, tag: str) -> str:
    found = kids.get(tag)
    if not found:
        return ""
    return found[0].text or ""


def _path_of(url: str) -> str:
    if not url:
        return ""
    return urlsplit(url).path or ""


def _classic_entry(elem) -> Entry:
    kids = _children(elem)
    kind = "unknown"
    labels = []
    for cat in kids.get(A_CATEGORY, ()):
        scheme = cat.get("scheme", "")
        term = cat.get("term", "")
        if scheme == formats.CLASSIC_KIND_SCHEME:
            kind = term.rsplit("#", 1)[-1]
        elif scheme == formats.CLASSIC_LABEL_SCHEME and term:
            labels.append(term)
    entry = Entry(kind=kind, source_id=formats.normalise_id(_first(kids, A_ID), kind))
    if kind in ("settings", "template", "unknown"):
        return entry  # never keep what these carry (e-mail addresses, markup)
    entry.labels = labels
    # Classic titles are escaped twice: "I&amp;#39;m" arrives here as "I&#39;m".
    entry.title = html.unescape(_first(kids, A_TITLE)).strip()
    entry.content = _first(kids, A_CONTENT)
    entry.published = _parse_time(_first(kids, A_PUBLISHED))
    entry.updated = _parse_time(_first(kids, A_UPDATED))
    feed_post = ""
    for link in kids.get(A_LINK, ()):
        rel = link.get("rel")
        href = link.get("href", "")
        if rel == "alternate" and kind != "comment":
            entry.old_path = _path_of(href)
        elif rel == "alternate":
            entry.post_path = _path_of(href)
        elif rel == "related" and kind == "comment":
            number = href.rstrip("/").rsplit("/", 1)[-1]
            if number.isdigit():
                entry.parent_ref = number
        elif kind == "comment" and not feed_post:
            match = _COMMENT_FEED.search(href)
            feed_post = match.group(1) if match else ""
    authors = kids.get(A_AUTHOR)
    if authors:
        author = _children(authors[0])
        entry.author_name = _first(author, A_NAME).strip()
        entry.author_uri = _first(author, A_URI).strip()
    for control_tag, draft_tag in APP_CONTROLS.items():
        for control in kids.get(control_tag, ()):
            if _first(_children(control), draft_tag).strip() == "yes":
                entry.draft = True
    replies = kids.get(THR_REPLY)
    if replies:
        entry.post_ref = formats.normalise_id(replies[0].get("ref", ""), "post")
    elif feed_post:
        # Comments from before 2006 lack thr:in-reply-to: their own feed
        # address (/feeds/BLOG/POST/comments/default/ID) names the post.
        entry.post_ref = formats.sibling_id(entry.source_id, feed_post, "post")
    for prop in kids.get(GD_PROPERTY, ()):
        if prop.get("name") == "blogger.contentRemoved" and prop.get("value") == "true":
            entry.removed = True
    if entry.parent_ref:
        entry.parent_ref = formats.sibling_id(entry.source_id, entry.parent_ref)
    return entry


def _takeout_entry(elem) -> Entry:
    kids = _children(elem)
    kind = formats.TAKEOUT_KINDS.get(_first(kids, _B + "type").strip(), "unknown")
    entry = Entry(kind=kind, source_id=formats.normalise_id(_first(kids, A_ID), kind))
    if kind == "unknown":
        return entry
    status = _first(kids, _B + "status").strip()
    trashed = bool(_first(kids, _B + "trashed").strip()) or status in (
        "SOFT_TRASHED",
        "DELETED",
    )
    entry.title = _first(kids, A_TITLE).strip()
    entry.content = _first(kids, A_CONTENT)
    entry.published = _parse_time(_first(kids, A_PUBLISHED))
    entry.updated = _parse_time(_first(kids, A_UPDATED))
    entry.old_path = _path_of(_first(kids, _B + "filename").strip())
    entry.labels = [
        cat.get("term") for cat in kids.get(A_CATEGORY, ()) if cat.get("term")
    ]
    authors = kids.get(A_AUTHOR)
    if authors:
        author = _children(authors[0])
        entry.author_name = _first(author, A_NAME).strip()
        entry.author_uri = _first(author, A_URI).strip()
        if _first(author, _B + "type").strip() == "ANONYMOUS":
            entry.author_name = entry.author_name or "Anonymous"
    entry.draft = status == "DRAFT"
    if kind == "comment":
        # A removed (or deleted: "ghosted") comment keeps its place in its
        # thread; spam stays spam.
        entry.removed = trashed or status == "GHOSTED_COMMENT"
        entry.spam = status == "SPAM_COMMENT"
        # Takeout numbers posts and pages apart: keep which one it names.
        entry.post_ref = formats.normalise_id(_first(kids, _B + "parent"), "")
        parent = _first(kids, _B + "inReplyTo").strip()
        if parent:
            entry.parent_ref = formats.normalise_id(parent, "comment")
    else:
        entry.trashed = trashed
    return entry


def _read_setting(elem, source_id: str, info: FeedInfo) -> None:
    """Keep the few blog settings the site uses; every other one (e-mail
    addresses, analytics numbers) is never read."""
    name = source_id.rsplit(".", 1)[-1]
    if name not in ("BLOG_NAME", "BLOG_DESCRIPTION", "BLOG_TIME_ZONE"):
        return
    value = " ".join(_first(_children(elem), A_CONTENT).split())[:500]
    if name == "BLOG_NAME" and not info.title:
        info.title = value
    elif name == "BLOG_DESCRIPTION":
        info.description = value
    elif name == "BLOG_TIME_ZONE":
        info.time_zone = value[:64]


def iter_entries(
    source,
    info: FeedInfo | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[Entry]:
    """Yield the entries of the export at ``source`` (a path or a binary file).

    ``info`` is filled in with the feed's format, title and address as soon as
    they are known. Raises :class:`ImportRefused` with a one-line reason for
    anything that is not a Blogger backup.
    """
    info = info if info is not None else FeedInfo()
    if isinstance(source, str | os.PathLike):
        if os.path.getsize(source) == 0:
            raise ImportRefused("the file is empty")
        with open(source, "rb") as fileobj:
            yield from _iter(fileobj, info, on_read)
    else:
        yield from _iter(source, info, on_read)


def _iter(fileobj, info: FeedInfo, on_read) -> Iterator[Entry]:
    reader = _CountingReader(fileobj, on_read)
    events = etree.iterparse(
        reader,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root = None
    depth = 0
    seen_entry = False
    entry_tag = f"{{{ATOM}}}entry"
    try:
        for event, elem in events:
            if event == "start":
                depth += 1
                if root is None:
                    root = elem
                    formats.check_root(elem)
                    if "blogger" in (elem.nsmap or {}) and (
                        elem.nsmap["blogger"] == BLOGGER_2018
                    ):
                        info.format = formats.TAKEOUT
                continue
            depth -= 1
            if depth == 1 and elem.tag != entry_tag:
                formats.read_feed_header(elem, info)
                elem.clear()
                continue
            if depth != 1:
                continue
            if not seen_entry:
                seen_entry = True
                info.format = formats.detect(elem, info.format)
            if info.format == formats.TAKEOUT:
                entry = _takeout_entry(elem)
            else:
                entry = _classic_entry(elem)
                if entry.kind == "settings":
                    _read_setting(elem, entry.source_id, info)
            elem.clear()
            while elem.getprevious() is not None:
                del root[0]
            yield entry
    except etree.XMLSyntaxError as exc:
        if reader.bytes_read == 0 or root is None:
            raise ImportRefused(f"the file is not XML ({_short(exc)})") from exc
        if "Resource limit exceeded" in str(exc):
            # libxml2's guard without huge_tree: 10 MB in one text node, or
            # nesting deeper than 256 elements. No real export comes near it.
            raise ImportRefused(
                "an entry is too large or too deeply nested (over 10 MB of text "
                "in one element, or 256 levels), a limit that protects the server"
            ) from exc
        line, column = exc.position or (exc.lineno or 0, 0)
        if reader.stops_at(line, column):
            raise ImportRefused(
                f"the file is truncated: it stops at line {line} in the middle "
                "of an entry"
            ) from exc
        raise ImportRefused(
            f"the file is not well-formed XML: {_short(exc)} (line {line}, "
            f"column {column})"
        ) from exc
    if root is None:
        raise ImportRefused("the file is empty")
    if not seen_entry:
        raise ImportRefused("the export holds no entries")


def _short(exc: Exception) -> str:
    """libxml2's message without the position it repeats (said once by the
    caller)."""
    text = getattr(exc, "msg", "") or str(exc) or exc.__class__.__name__
    text = _POSITION.sub("", text.splitlines()[0])
    return text[:160]
