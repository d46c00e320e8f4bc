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

It holds plain named tuples (small to keep in the shared cache); the few posts a page
links become page objects only when asked for.
"""

from __future__ import annotations

import bisect
import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from plumbing import cache as page_cache


class Link(NamedTuple):
    """What a link to a post needs (a readable post's `display_date` is its date)."""

    title: str
    slug: str
    url_path: str
    path: str
    depth: int
    locale_id: int
    date: datetime.datetime

    @property
    def parent_path(self) -> str:
        return self.path[: -(len(self.path) // self.depth)]


LINK_FIELDS = Link._fields


@dataclass
class Surroundings:
    """The posts linked under a post: related ones, then its neighbours."""

    related: list = field(default_factory=list)
    older: object = None
    newer: object = None


@dataclass
class Catalogue:
    rows: dict[int, Link]  # post id -> what links to it show
    labels: dict[int, frozenset[int]]  # post id -> its label ids
    by_label: dict[int, tuple[int, ...]]  # label id -> ids of the posts carrying it
    siblings: dict[str, list[tuple]]  # parent's path -> [(date, id)], in order

    @classmethod
    def read(cls, published, through) -> Catalogue:
        """From `published` (the readable posts) and the labels' through model."""
        rows = {
            row[0]: Link(*row[1:]) for row in published.values_list("pk", *LINK_FIELDS)
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
        for post_id, link in rows.items():
            siblings.setdefault(link.parent_path, []).append((link.date, post_id))
        for entries in siblings.values():
            entries.sort()
        return cls(
            rows=rows,
            labels={k: frozenset(v) for k, v in labels.items()},
            by_label={k: tuple(v) for k, v in by_label.items()},
            siblings=siblings,
        )

    def knows(self, post, label_ids) -> bool:
        """Whether the catalogue holds `post` as it is shown (a preview of a
        changed date or labels is asked of the database instead)."""
        row = self.rows.get(post.pk)
        return (
            row is not None
            and row.date == post.date
            and self.labels.get(post.pk, frozenset()) == frozenset(label_ids)
        )

    def surroundings(self, post, model, limit: int) -> Surroundings:
        found = Surroundings()
        shared = Counter()
        for label in self.labels.get(post.pk, ()):
            shared.update(self.by_label[label])
        shared.pop(post.pk, None)
        date_at = LINK_FIELDS.index("date")

        def rank(post_id):
            return (
                -shared[post_id],
                -self.rows[post_id][date_at].timestamp(),
                -post_id,
            )

        best = sorted(shared, key=rank)[:limit]
        found.related = [self._page(model, post_id) for post_id in best]
        row = self.rows[post.pk]
        path = row[LINK_FIELDS.index("path")]
        entries = self.siblings[
            path[: -_steplen(path, row[LINK_FIELDS.index("depth")])]
        ]
        at = bisect.bisect_left(entries, (post.date, post.pk))
        if at > 0:
            found.older = self._page(model, entries[at - 1][1])
        if at + 1 < len(entries):
            found.newer = self._page(model, entries[at + 1][1])
        return found

    def _page(self, model, post_id: int):
        """A page object with what a link shows, as if read with `.only()`."""
        return model(
            pk=post_id, **dict(zip(LINK_FIELDS, self.rows[post_id], strict=True))
        )


def _steplen(path: str, depth: int) -> int:
    return len(path) // depth


def catalogue(published, through) -> Catalogue:
    """The catalogue of the current site version (made on first use)."""
    return page_cache.site_value(
        "posts-catalogue", lambda: Catalogue.read(published, through)
    )
