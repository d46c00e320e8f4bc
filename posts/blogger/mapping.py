"""The map stage: each entry read from the export becomes a plan of what we store.

A :class:`PagePlan` carries a post's or page's converted body and the page
fields it gets; :func:`comment_values` gives a comment's row. Nothing here
writes to the database except through the ``publication_for`` callback the
converter uses for a translation's source.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from readers.models import Comment

from .authors import Authors
from .convert import (
    Body,
    comment_text,
    convert_body,
    old_link_rewriter,
    plain_text,
)
from .convert import comment_html as blogger_comment_html
from .images import ImageSource
from .parse import Entry
from .report import ImportOptions

_OLD_POST_PATH = re.compile(r"^/(\d{4})/(\d{2})/[^/]+\.html$")


def entry_hash(entry: Entry, options: ImportOptions) -> str:
    """A fingerprint of what the export says about an entry: equal means a
    re-import has nothing to change."""
    data = [
        entry.kind,
        entry.title,
        entry.content,
        _utc(entry.published),
        _utc(entry.updated),
        entry.old_path,
        sorted(entry.labels),
        entry.author_name,
        entry.author_uri,
        entry.draft,
        options.question_opening,
    ]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def _utc(value) -> str:
    return value.astimezone(UTC).isoformat() if value else ""


def title_from(html_text: str, words: int = 8) -> str:
    """A title for a post that has none: its first words, as Blogger listed it."""
    text = plain_text(html_text).split()
    if not text:
        return "(untitled)"
    title = " ".join(text[:words])
    if len(title) > 70:
        title = title[:70].rsplit(" ", 1)[0] or title[:70]
    return title + (
        "…" if len(text) > words or len(title) < len(" ".join(text)) else ""
    )


def web_address(url: str, max_length: int) -> str:
    """``url`` if it is a web address that fits, else nothing."""
    url = (url or "").strip()
    if url.startswith(("http://", "https://")) and len(url) <= max_length:
        return url
    return ""


def old_month(old_path: str) -> tuple[str, str] | None:
    """(year, month) of an old post address such as ``/2014/08/name.html``."""
    match = _OLD_POST_PATH.match(old_path)
    return match.groups() if match else None


@dataclass
class PagePlan:
    """One post or page of the export, as it is to be stored."""

    entry: Entry
    digest: str
    body: Body
    title: str
    owner_id: int | None
    author_name: str  # the Blogger byline, kept as the post's
    author_url: str
    live: bool
    first_published_at: datetime | None
    last_published_at: datetime | None
    revision_created_at: datetime | None
    links_to_old_pages: bool  # has links to old addresses, rewritten at the end

    @property
    def is_post(self) -> bool:
        return self.entry.kind != "page"

    @property
    def slug_source(self) -> str:
        return Path(self.entry.old_path).stem if self.entry.old_path else ""

    @property
    def name(self) -> str:
        """How warnings name the entry."""
        return self.entry.old_path or self.entry.title


class PageMapper:
    """Converts posts and pages into :class:`PagePlan` values."""

    def __init__(
        self,
        options: ImportOptions,
        authors: Authors,
        image_source: ImageSource,
        publication_for: Callable[[str], int | None],
    ):
        self.options = options
        self.authors = authors
        self.image_source = image_source
        self.publication_for = publication_for
        self.rewrite_link = old_link_rewriter(set(), "")

    def use_blog_address(self, blog_url: str) -> None:
        """Rewrite links to the old blog (known once the feed header is read)."""
        hosts = set()
        name = ""
        host = (urlsplit(blog_url).hostname or "").lower() if blog_url else ""
        if host and host != "www.blogger.com":
            hosts.add(host.removeprefix("www."))
            if ".blogspot." in host:
                name = host.split(".blogspot.")[0].removeprefix("www.")
        self.rewrite_link = old_link_rewriter(hosts, name)

    def plan(self, entry: Entry, digest: str) -> PagePlan:
        body, links_to_old_pages = self._convert(entry)
        live = not entry.draft
        published = entry.published or entry.updated
        return PagePlan(
            entry=entry,
            digest=digest,
            body=body,
            title=entry.title[:255] or title_from(entry.content),
            owner_id=self.authors.user_for(entry),
            author_name=entry.author_name[:255],
            author_url=web_address(entry.author_uri, 500),
            live=live,
            first_published_at=published if live else None,
            last_published_at=(entry.updated or published) if live else None,
            revision_created_at=entry.updated or published,
            links_to_old_pages=links_to_old_pages,
        )

    def _convert(self, entry: Entry) -> tuple[Body, bool]:
        before = self.rewrite_link
        marker = {"old": False}

        def rewrite(url: str) -> str:
            new = before(url)
            if new != url and (
                _OLD_POST_PATH.match(new.split("#")[0]) or new.startswith("/p/")
            ):
                marker["old"] = True
            return new

        body = convert_body(
            entry.content,
            question_opening=self.options.question_opening,
            rewrite_link=rewrite,
            image_source=self.image_source,
            publication_for=self.publication_for,
        )
        body.blocks = self.image_source.localise_blocks(
            body.blocks, post_title=entry.title
        )
        return body, marker["old"]


def comment_values(entry: Entry, page_id: int) -> dict:
    """The row a comment becomes (without its id and thread)."""
    published = entry.published or entry.updated
    if entry.removed:
        status = Comment.Status.REMOVED
    elif entry.spam:
        status = Comment.Status.SPAM  # kept, never shown
    else:
        status = Comment.Status.APPROVED
    body = "" if entry.removed else comment_text(entry.content)
    return {
        "page_id": page_id,
        "author_name": (entry.author_name or "Anonymous")[:100],
        "author_url": web_address(entry.author_uri, 500),
        "body": body,
        "html": "" if entry.removed else blogger_comment_html(entry.content),
        "status": status,
        "created_at": published,
    }
