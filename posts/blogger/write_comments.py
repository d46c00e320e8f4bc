"""The write stage for comments.

Comments are matched to their post by Blogger id (see ``KnownPages``). A
comment met before its post waits in a small buffer that spills to a temporary
file, and replies are threaded at the end from a list of (reply, parent) ids
kept on disk, so memory does not grow with the number of comments.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from django.db import connection
from django.db.models import Q

from posts.models import LegacyEntry
from readers.models import Comment

from .bulk import insert_plain_rows
from .formats import normalise_id
from .mapping import comment_values
from .parse import Entry
from .report import Report
from .write_pages import KnownPages

BATCH = 2000
BUFFER_LIMIT = 5000
LOOP = "in a loop of replies: shown as a top-level comment"
ELSEWHERE = "answers a comment on another post: shown as a top-level comment"
_FIELDS = (
    "page_id",
    "author_name",
    "author_url",
    "body",
    "html",
    "status",
    "created_at",
)


class CommentStore:
    """Writes comments, holding back those whose post is not known yet."""

    def __init__(
        self,
        known: KnownPages,
        report: Report,
        workdir: Path,
        approved_status: str = Comment.Status.APPROVED,
    ):
        self.known = known
        self.pages_written: set[int] = set()  # posts with new or changed comments
        self.report = report
        # Pending, unless the importing user may moderate comments.
        self.approved_status = approved_status
        self.workdir = workdir
        self.waiting: list[Entry] = []
        self.waiting_files: list[Path] = []
        self.reply_file = open(workdir / "replies.tsv", "w+", encoding="utf-8")  # noqa: SIM115

    def write(self, batch: list[Entry]) -> None:
        """Write the comments whose post is known; keep the others waiting."""
        self._write(self._ready(batch, on_unknown=self._wait))

    def finish(self) -> None:
        """Write the comments that waited, then thread the replies."""

        def not_in_export(entry: Entry) -> None:
            self.report.skip("comments", "on a post not in the export")

        for batch in self._waiting_batches():
            self._write(self._ready(batch, on_unknown=not_in_export))
        self.waiting = []
        self._thread_replies()
        self.reply_file.close()

    # Internals -------------------------------------------------------------

    def _ready(self, batch, on_unknown: Callable[[Entry], None]) -> list[Entry]:
        """The comments of ``batch`` whose post is known; the others are skipped
        (their post was trashed) or handed to ``on_unknown``."""
        for entry in batch:
            if not entry.post_ref and entry.post_path:
                # Named only by its post's address (comments before 2006).
                entry.post_ref = self.known.id_for_path(entry.post_path)
        self._resolve_targets(batch)
        ready = []
        for entry in batch:
            if self.known.page_for(entry.post_ref) is not None:
                ready.append(entry)
            elif self.known.is_trashed(entry.post_ref):
                self.report.skip("comments", "on a post trashed or deleted")
            elif self.known.is_refused(entry.post_ref):
                self.report.skip("comments", "on a page the import was refused")
            else:
                on_unknown(entry)
        return ready

    def _resolve_targets(self, batch) -> None:
        """Look up posts imported by an earlier run."""
        missing = [e for e in batch if self.known.page_for(e.post_ref) is None]
        if not missing:
            return
        ids = set()
        for e in missing:
            if e.post_ref:
                ids.update(normalise_id(e.post_ref, kind) for kind in ("post", "page"))
        paths = {e.post_path for e in missing if not e.post_ref and e.post_path}
        for source_id, old_path, page_id in LegacyEntry.objects.filter(
            Q(source_id__in=ids) | Q(old_path__in=paths), page__isnull=False
        ).values_list("source_id", "old_path", "page_id"):
            self.known.add(source_id, page_id)
            self.known.note_path(source_id, old_path)
        for e in missing:
            if not e.post_ref and e.post_path:
                e.post_ref = self.known.id_for_path(e.post_path)

    def _wait(self, entry: Entry) -> None:
        self.waiting.append(entry)
        if len(self.waiting) >= BUFFER_LIMIT:
            path = self.workdir / f"waiting-{len(self.waiting_files)}.jsonl"
            with open(path, "w", encoding="utf-8") as f:
                for e in self.waiting:
                    f.write(json.dumps(_entry_to_json(e)) + "\n")
            self.waiting_files.append(path)
            self.waiting = []

    def _waiting_batches(self) -> Iterator[list[Entry]]:
        for path in self.waiting_files:
            chunk = []
            with open(path, encoding="utf-8") as f:
                for line in f:
                    chunk.append(_entry_from_json(json.loads(line)))
                    if len(chunk) >= BATCH:
                        yield chunk
                        chunk = []
            if chunk:
                yield chunk
        if self.waiting:
            yield self.waiting

    def _write(self, entries: list[Entry]) -> None:
        if not entries:
            return
        existing = {
            row["source_id"]: row
            for row in Comment.objects.filter(
                source_id__in=[e.source_id for e in entries]
            ).values("pk", "source_id", *_FIELDS)
        }
        new = []
        changed = []
        for entry in entries:
            values = comment_values(entry, self.known.page_for(entry.post_ref))
            if values["status"] == Comment.Status.APPROVED:
                values["status"] = self.approved_status
            row = existing.get(entry.source_id)
            if row is None:
                values["source_id"] = entry.source_id
                if values["status"] == Comment.Status.APPROVED:
                    values["approved_at"] = values["created_at"]
                new.append(values)
                if entry.parent_ref:
                    self.reply_file.write(f"{entry.source_id}\t{entry.parent_ref}\n")
                continue
            differs = {k: v for k, v in values.items() if row[k] != v}
            if (
                row["status"] in (Comment.Status.SPAM, Comment.Status.REMOVED)
                or self.approved_status != Comment.Status.APPROVED
            ):
                # A moderator's decision on this site wins over the export,
                # and only a moderator's import changes what readers see.
                differs.pop("status", None)
            if differs:
                comment = Comment(pk=row["pk"], **values)
                if "status" not in differs:
                    comment.status = row["status"]
                changed.append(comment)
                self.report.count("comments", "updated")
            else:
                self.report.count("comments", "unchanged")
        self.pages_written.update(c["page_id"] for c in new)
        self.pages_written.update(c.page_id for c in changed)
        if new:
            insert_plain_rows(Comment, new)
            self.report.count("comments", "created", len(new))
        if changed:
            Comment.objects.bulk_update(
                changed,
                [f.removesuffix("_id") for f in _FIELDS],
                batch_size=500,
            )

    def _reply_chunks(self) -> Iterator[list[tuple[str, str]]]:
        self.reply_file.flush()
        self.reply_file.seek(0)
        chunk = []
        for line in self.reply_file:
            child, parent = line.rstrip("\n").split("\t")
            chunk.append((child, parent))
            if len(chunk) >= BATCH:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _thread_replies(self) -> None:
        table = connection.ops.quote_name(Comment._meta.db_table)
        threaded_pages: set[int] = set()
        for chunk in self._reply_chunks():
            ids = {c for pair in chunk for c in pair}
            rows = {
                source_id: (pk, page_id)
                for source_id, pk, page_id in Comment.objects.filter(
                    source_id__in=ids
                ).values_list("source_id", "pk", "page_id")
            }
            updates = []
            for child, parent in chunk:
                if child not in rows:
                    continue
                if parent not in rows:
                    self.report.warn(
                        f"reply {child} answers a comment missing from the export"
                    )
                    continue
                (child_pk, page_id), (parent_pk, parent_page_id) = (
                    rows[child],
                    rows[parent],
                )
                if child_pk == parent_pk:
                    self.report.skip("replies", LOOP)
                elif parent_page_id != page_id:
                    self.report.skip("replies", ELSEWHERE)
                else:
                    updates.append((parent_pk, child_pk))
                    threaded_pages.add(page_id)
            if updates:
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"UPDATE {table} SET parent_id = %s WHERE id = %s",  # noqa: S608
                        updates,
                    )
            self.report.count("replies", "created", len(updates))
        self._break_loops(sorted(threaded_pages))

    def _break_loops(self, page_ids: list[int]) -> None:
        """Replies that answer each other in a circle: the earliest of each
        circle becomes a top-level comment, so every thread has a top."""
        for start in range(0, len(page_ids), 200):
            parents = dict(
                Comment.objects.filter(
                    page_id__in=page_ids[start : start + 200], parent__isnull=False
                ).values_list("pk", "parent_id")
            )
            tops = loop_breakers(parents)
            if tops:
                Comment.objects.filter(pk__in=tops).update(parent=None)
                # Counted as threaded above; they are top-level after all.
                self.report.count("replies", "created", -len(tops))
                for _ in tops:
                    self.report.skip("replies", LOOP)


def loop_breakers(parents: dict[int, int]) -> set[int]:
    """The earliest (lowest id) comment of every circle in ``parents``
    (reply id -> parent id)."""
    walked: dict[int, int] = {}  # comment id -> the walk that met it first
    tops = set()
    for start in parents:
        node, path = start, []
        while node is not None and node not in walked:
            walked[node] = start
            path.append(node)
            node = parents.get(node)
        if node is not None and walked[node] == start:  # back on this walk
            tops.add(min(path[path.index(node) :]))
    return tops


def _entry_to_json(entry: Entry) -> dict:
    return {
        "source_id": entry.source_id,
        "content": entry.content,
        "published": entry.published.isoformat() if entry.published else "",
        "updated": entry.updated.isoformat() if entry.updated else "",
        "author_name": entry.author_name,
        "author_uri": entry.author_uri,
        "removed": entry.removed,
        "spam": entry.spam,
        "post_ref": entry.post_ref,
        "post_path": entry.post_path,
        "parent_ref": entry.parent_ref,
    }


def _entry_from_json(data: dict) -> Entry:
    return Entry(
        kind="comment",
        source_id=data["source_id"],
        content=data["content"],
        published=datetime.fromisoformat(data["published"])
        if data["published"]
        else None,
        updated=datetime.fromisoformat(data["updated"]) if data["updated"] else None,
        author_name=data["author_name"],
        author_uri=data["author_uri"],
        removed=data["removed"],
        spam=data["spam"],
        post_ref=data["post_ref"],
        post_path=data["post_path"],
        parent_ref=data["parent_ref"],
    )
