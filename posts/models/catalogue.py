"""Every readable post's place in the blog, read once per site version.

Under each post the page links its related posts (most shared labels first) and
its older and newer neighbours. Asked of the database per post view, that is the
costliest query of a cold post page (a ranking over every post that shares a
label, two date walks, the privacy rule); yet it changes only when a post is
published, unpublished, moved or relabelled, or privacy changes, and each of
those changes the `site` version (plumbing.cache). So the catalogue reads the
readable posts and their labels once per site version (two queries) and answers
every post's surroundings from memory: a crawler reading the whole blog, one
post at a time, pays for it once.

It holds plain rows (small to keep in the shared cache) and hands out light
links (title, address, date), not page objects: a post's address is its blog's
followed by its slug, as the blog routes it.
"""

from __future__ import annotations

import bisect
import datetime
import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings

from plumbing import cache as page_cache

_SLASH = "/" if getattr(settings, "WAGTAIL_APPEND_SLASH", True) else ""


class Row(NamedTuple):
    """What the catalogue keeps of a readable post."""

    title: str
    slug: str
    path: str
    depth: int
    date: datetime.datetime
    content_type_id: int

    @property
    def parent_path(self) -> str:
        return self.path[: -(len(self.path) // self.depth)]


# Part of the shared cache key: a catalogue kept by an older release of this code
# (other fields) is never read back after a deploy.
FORMAT = 2


@dataclass(frozen=True)
class PostLink:
    """A post as a link under another shows it: its title, address and date."""

    pk: int
    title: str
    url: str
    date: datetime.datetime

    @property
    def display_date(self) -> datetime.datetime:
        return self.date


@dataclass
class Surroundings:
    """The posts linked under a post: related ones, then its neighbours."""

    related: list = field(default_factory=list)
    older: object = None
    newer: object = None


@dataclass
class Catalogue:
    rows: dict[int, Row]  # post id -> what links to it show
    labels: dict[int, frozenset[int]]  # post id -> its label ids
    by_label: dict[int, tuple[int, ...]]  # label id -> ids of the posts carrying it
    siblings: dict[str, list[tuple]]  # parent's path -> [(date, id)], in order
    parent_urls: dict[str, str]  # parent's path -> its address (a post's is below)
    addresses: dict[tuple[str, str], int]  # (parent's path, slug) -> post id

    @classmethod
    def read(cls, published, through, page_model) -> Catalogue:
        """From `published()` (the readable posts), the labels' through model
        and the page model (for the addresses of the posts' parents)."""
        rows = {
            pk: Row(*values)
            for pk, *values in published().values_list("pk", *Row._fields)
        }
        labels: dict[int, set[int]] = {}
        by_label: dict[int, list[int]] = {}
        for post_id, tag_id in through.objects.values_list(
            "content_object_id", "tag_id"
        ):
            if post_id in rows:
                labels.setdefault(post_id, set()).add(tag_id)
                by_label.setdefault(tag_id, []).append(post_id)
        siblings: dict[str, list[tuple]] = {}
        for post_id, row in rows.items():
            siblings.setdefault(row.parent_path, []).append((row.date, post_id))
        for entries in siblings.values():
            entries.sort()
        # A post's address is its parent's (a blog's) plus its slug, as Wagtail
        # routes it (PostIndexPage.route): one URL to work out per blog.
        parent_urls = {
            parent.path: parent.get_url()
            for parent in page_model.objects.filter(path__in=list(siblings))
        }
        return cls(
            rows=rows,
            labels={k: frozenset(v) for k, v in labels.items()},
            by_label={k: tuple(v) for k, v in by_label.items()},
            siblings=siblings,
            parent_urls={k: v for k, v in parent_urls.items() if v},
            addresses={(row.parent_path, row.slug): pk for pk, row in rows.items()},
        )

    def post_at(self, parent_path: str, slug: str) -> tuple[int, int] | None:
        """The id and content type of the readable post at `slug` under the page
        at `parent_path`, or None (no such post, or not one anyone may read)."""
        pk = self.addresses.get((parent_path, slug))
        return None if pk is None else (pk, self.rows[pk].content_type_id)

    def knows(self, post, label_ids) -> bool:
        """Whether the catalogue holds `post` as it is shown (a preview of a
        changed date or labels is asked of the database instead)."""
        row = self.rows.get(post.pk)
        return (
            row is not None
            and row.date == post.date
            and row.parent_path in self.parent_urls
            and self.labels.get(post.pk, frozenset()) == frozenset(label_ids)
        )

    def surroundings(self, post, limit: int) -> Surroundings:
        found = Surroundings()
        shared = Counter()
        for label in self.labels.get(post.pk, ()):
            shared.update(self.by_label[label])
        shared.pop(post.pk, None)
        rows = self.rows

        def rank(post_id):
            # Most shared labels first, then the newer post, then the later id.
            return (-shared[post_id], -rows[post_id].date.timestamp(), -post_id)

        found.related = [self._link(pk) for pk in heapq.nsmallest(limit, shared, rank)]
        entries = self.siblings[rows[post.pk].parent_path]
        at = bisect.bisect_left(entries, (post.date, post.pk))
        if at > 0:
            found.older = self._link(entries[at - 1][1])
        if at + 1 < len(entries):
            found.newer = self._link(entries[at + 1][1])
        return found

    def _link(self, post_id: int) -> PostLink:
        row = self.rows[post_id]
        base = self.parent_urls[row.parent_path]
        url = base + ("" if base.endswith("/") else "/") + row.slug + _SLASH
        return PostLink(pk=post_id, title=row.title, url=url, date=row.date)


def catalogue(published: Callable, through, page_model) -> Catalogue:
    """The catalogue of the current site version (made on first use)."""
    return page_cache.site_value(
        f"posts-catalogue:{FORMAT}",
        lambda: Catalogue.read(published, through, page_model),
    )
