"""The Blogger import service, used by ``manage.py import_blogger`` and the admin.

One pass over the export, inside one transaction: a broken file, a hostile
one or an interrupted run writes nothing, and ``--dry-run`` rolls back at the
end so that its report is exactly what a real run would do.

- Posts and pages are converted and written in batches (see
  :mod:`posts.blogger.bulk`); each remembers its Blogger id in a
  ``LegacyEntry`` with a hash of what the export said, so a re-run skips what
  did not change and updates (as a new revision) what did.
- Comments are matched to their post by Blogger id. A comment met before its
  post waits in a small buffer that spills to a temporary file, and replies are
  threaded at the end from a list of (reply, parent) ids kept on disk, so memory
  does not grow with the number of comments.
- Every old address becomes a permanent redirect; links inside posts that
  point at the old blog are rewritten to the new pages.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries, transaction
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from home.models import StandardPage
from posts.models import (
    LegacyEntry,
    PostIndexPage,
    PostPage,
    Publication,
    QuestionPostPage,
)
from readers.models import Comment

from . import images
from .bulk import BulkPageWriter, _relative_url, insert_plain_rows
from .convert import comment_text, convert_body, old_link_rewriter, searchable_text
from .formats import ImportRefused, normalise_id, number_of
from .parse import Entry, FeedInfo, iter_entries

DEFAULT_QUESTION_OPENING = "Dear Korean,"
MAX_WARNINGS = 200
_ORDER = (
    "posts", "question posts", "drafts", "pages", "comments", "replies", "labels",
    "publications", "redirects", "settings", "template",
)  # fmt: skip
POST_BATCH = 500
COMMENT_BATCH = 2000
BUFFER_LIMIT = 5000
_OLD_POST_PATH = re.compile(r"^/(\d{4})/(\d{2})/[^/]+\.html$")
_OLD_LINK_HREF = re.compile(
    r'href=(\\?")(/(?:\d{4}/\d{2}|p)/[^"#\\]+\.html)(#[^"\\]*)?\1'
)


class ImportError_(ImportRefused):
    """Raised for a problem with the site rather than the file."""


@dataclass
class ImportOptions:
    dry_run: bool = False
    parent: str = ""  # the blog: a page id or a URL path; default the first blog
    authors_file: str = ""
    owner: str = ""  # username that owns everything the authors file does not map
    images_dir: str = ""
    download_images: bool = False  # copy every picture into the image library
    question_opening: str = DEFAULT_QUESTION_OPENING
    index_search: bool = True

    @classmethod
    def from_dict(cls, data: dict) -> ImportOptions:
        known = {k: v for k, v in (data or {}).items() if k in cls.__annotations__}
        return cls(**known)


@dataclass
class Report:
    """What an import did, in counts with reasons, plus warnings."""

    format: str = ""
    dry_run: bool = False
    counts: dict = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)
    warnings_total: int = 0
    seconds: float = 0.0
    images: dict = field(default_factory=dict)

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        bucket = self.counts.setdefault(
            kind, {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
        )
        bucket[outcome] = bucket.get(outcome, 0) + n

    def skip(self, kind: str, reason: str) -> None:
        self.count(kind, "skipped")
        self.skipped[reason] += 1

    def warn(self, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)

    @property
    def changed(self) -> bool:
        return any(c.get("created") or c.get("updated") for c in self.counts.values())

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "counts": self.counts,
            "skipped": dict(self.skipped),
            "warnings": self.warnings,
            "warnings_total": self.warnings_total,
            "images": self.images,
            "seconds": round(self.seconds, 2),
        }

    def lines(self) -> list[str]:
        out = [
            f"Blogger import ({self.format or 'unknown format'})"
            + (": DRY RUN, nothing was written" if self.dry_run else "")
        ]
        order = [k for k in _ORDER if k in self.counts]
        order += [k for k in self.counts if k not in order]
        for kind in order:
            c = self.counts[kind]
            out.append(
                f"  {kind:<15} created {c['created']:>6}  updated {c['updated']:>6}"
                f"  unchanged {c['unchanged']:>6}  skipped {c['skipped']:>6}"
            )
        for reason, n in sorted(self.skipped.items()):
            out.append(f"  skipped: {reason}: {n}")
        if self.images:
            out.extend(images.image_report_lines(self.images))
        if self.warnings_total:
            out.append(f"  warnings: {self.warnings_total}")
            out.extend(f"    - {w}" for w in self.warnings[:20])
        if not self.changed and not self.dry_run:
            out.append("  Nothing changed.")
        out.append(f"  took {self.seconds:.1f} s")
        return out


def entry_hash(entry: Entry, options: ImportOptions) -> str:
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


class BloggerImporter:
    """Runs one import. ``progress(state)`` is called now and then with counts."""

    def __init__(
        self,
        options: ImportOptions | None = None,
        progress: Callable[[dict], None] | None = None,
    ):
        self.options = options or ImportOptions()
        self.progress = progress
        self.report = Report(dry_run=self.options.dry_run)
        self.info = FeedInfo()
        self._last_progress = 0.0
        self._bytes = 0
        self._total_bytes = 0

    # -- entry point -----------------------------------------------------

    def run(self, source) -> Report:
        """Import ``source`` (a path or a binary file object)."""
        started = time.monotonic()
        if isinstance(source, str | Path):
            self._total_bytes = Path(source).stat().st_size
        else:
            try:
                self._total_bytes = source.size
            except AttributeError:
                self._total_bytes = 0
        with tempfile.TemporaryDirectory(prefix="blogger-import-") as workdir:
            self.workdir = Path(workdir)
            with transaction.atomic():
                self._prepare()
                self._import(source)
                if self.options.dry_run:
                    transaction.set_rollback(True)
        self.report.format = self.info.format
        self.report.seconds = time.monotonic() - started
        self._tick(force=True, phase="done")
        return self.report

    # -- set-up ----------------------------------------------------------

    def _prepare(self) -> None:
        self.blog = self._find_blog()
        home = self.blog.get_parent()
        self.home = home
        site = Site.objects.filter(is_default_site=True).select_related("root_page")
        site = site.first()
        self.root_url_path = site.root_page.url_path if site else home.url_path
        self.blog_url = _relative_url(self.blog.url_path, self.root_url_path)
        self.posts = BulkPageWriter(
            self.blog, self.root_url_path, self.options.index_search
        )
        self.pages = BulkPageWriter(home, self.root_url_path, self.options.index_search)
        self.owner_id, self.authors = self._authors()
        self.image_source = images.image_source_for(vars(self.options))
        self.publications: dict[str, int] = {}
        self.tags: dict[str, tuple[int, str]] = {}
        self.known_pages: dict[str, int] = {}  # Blogger number -> page id
        self.trashed: set[str] = set()
        self.post_batch: list[Entry] = []
        self.comment_batch: list[Entry] = []
        self.waiting: list[Entry] = []
        self.waiting_files: list[Path] = []
        self.reply_file = open(self.workdir / "replies.tsv", "w+", encoding="utf-8")  # noqa: SIM115
        self.redirects: list[tuple[str, int]] = []
        self.labels: set[str] = set()
        self.months: set[tuple[str, str]] = set()
        self.pages_with_old_links: set[int] = set()
        self.rewrite = old_link_rewriter(set(), "")

    def _find_blog(self) -> Page:
        wanted = (self.options.parent or "").strip()
        if not wanted:
            blog = PostIndexPage.objects.order_by("path").first()
            if blog is None:
                raise ImportError_(
                    "there is no blog page to import into: create one, or pass --parent"
                )
            return blog
        if wanted.isdigit():
            page = Page.objects.filter(pk=int(wanted)).first()
        else:
            path = "/" + wanted.strip("/") + "/"
            page = None
            for site in Site.objects.select_related("root_page"):
                prefix = site.root_page.url_path.rstrip("/")
                page = Page.objects.filter(url_path=prefix + path).first()
                if page:
                    break
        if page is None:
            raise ImportError_(f"--parent {wanted!r}: no such page")
        page = page.specific
        if not isinstance(page, PostIndexPage):
            raise ImportError_(f"--parent {wanted!r} is not a blog index page")
        return page

    def _authors(self):
        User = get_user_model()
        owner_id = None
        if self.options.owner:
            owner = User.objects.filter(username=self.options.owner).first()
            if owner is None:
                raise ImportError_(f"--owner {self.options.owner!r}: no such user")
            owner_id = owner.pk
        else:
            owner_id = (
                User.objects.filter(is_superuser=True)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
        authors: dict[str, int] = {}
        if self.options.authors_file:
            try:
                with open(self.options.authors_file, encoding="utf-8-sig") as f:
                    rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
            except OSError as exc:
                raise ImportError_(f"cannot read the authors file: {exc}") from exc
            for row in rows:
                if len(row) < 2 or row[0].strip().lower() in ("blogger", "name"):
                    continue
                key, username = row[0].strip(), row[1].strip()
                user = User.objects.filter(username=username).first()
                if user is None:
                    raise ImportError_(f"authors file: no user {username!r}")
                authors[key.lower()] = user.pk
        return owner_id, authors

    def _user_for(self, entry: Entry):
        for key in (entry.author_uri, entry.author_name):
            if key and key.lower() in self.authors:
                return self.authors[key.lower()]
        return self.owner_id

    # -- the pass over the file ------------------------------------------

    def _on_read(self, n: int) -> None:
        self._bytes = n
        self._tick()

    def _tick(self, force: bool = False, phase: str = "reading") -> None:
        # With DEBUG on, Django keeps the last 9,000 queries, and the bulk
        # statements here are large: let them go so memory stays flat.
        reset_queries()
        if self.progress is None:
            return
        now = time.monotonic()
        if not force and now - self._last_progress < 0.5:
            return
        self._last_progress = now
        self.progress(
            {
                "phase": phase,
                "bytes": self._bytes,
                "total_bytes": self._total_bytes,
                "counts": self.report.counts,
            }
        )

    def _import(self, source) -> None:
        first = True
        for entry in iter_entries(source, self.info, self._on_read):
            if first:
                first = False
                self._setup_links()
            kind = entry.kind
            if kind in ("post", "page"):
                self.post_batch.append(entry)
                prefetch = getattr(self.image_source, "prefetch", None)
                if prefetch is not None and not entry.trashed:
                    prefetch(entry)  # downloads overlap with reading the rest
                if len(self.post_batch) >= POST_BATCH:
                    self._flush_posts()
            elif kind == "comment":
                self.comment_batch.append(entry)
                if len(self.comment_batch) >= COMMENT_BATCH:
                    self._flush_comments()
            elif kind in ("settings", "template"):
                self.report.skip(kind, f"{kind} entries (not content)")
            else:
                self.report.skip("other", "entries of an unknown kind")
        self._flush_posts()
        self._flush_comments()
        self._tick(force=True, phase="threading")
        self._finish_waiting()
        self._thread_replies()
        self._rewrite_old_links()
        self._write_redirects()
        self.reply_file.close()
        close = getattr(self.image_source, "close", None)
        if close is not None:
            close()
        image_report = getattr(self.image_source, "report", None)
        if image_report is not None:
            self.report.images = image_report()

    def _setup_links(self) -> None:
        hosts = set()
        name = ""
        if self.info.blog_url:
            from urllib.parse import urlsplit

            host = (urlsplit(self.info.blog_url).hostname or "").lower()
            if host and host != "www.blogger.com":
                hosts.add(host.removeprefix("www."))
                if ".blogspot." in host:
                    name = host.split(".blogspot.")[0].removeprefix("www.")
        self.rewrite_hosts = hosts
        self.rewrite = old_link_rewriter(hosts, name)

    # -- posts and pages -------------------------------------------------

    def _flush_posts(self) -> None:
        batch, self.post_batch = self.post_batch, []
        if not batch:
            return
        existing = {
            le.source_id: le
            for le in LegacyEntry.objects.filter(
                source_id__in=[e.source_id for e in batch]
            )
        }
        for entry in batch:
            kind = "pages" if entry.kind == "page" else "posts"
            number = number_of(entry.source_id)
            if entry.trashed:
                self.trashed.add(number)
                self.report.skip(kind, "trashed in Blogger")
                continue
            digest = entry_hash(entry, self.options)
            legacy = existing.get(entry.source_id)
            if legacy is not None:
                if legacy.page_id is None:
                    self.report.skip(
                        kind, "page deleted on this site since last import"
                    )
                    self.trashed.add(number)
                    continue
                self.known_pages[number] = legacy.page_id
                pictures_missing = getattr(self.image_source, "needs_update", None)
                if legacy.content_hash == digest and not (
                    pictures_missing and pictures_missing(entry)
                ):
                    self.report.count(kind, "unchanged")
                    continue
                self._update_page(entry, legacy, digest, kind)
                continue
            self._create_page(entry, digest, kind)
        for writer in (self.posts, self.pages):
            created = writer.flush()
            self._after_create(created)
        self._tick()

    def _convert(self, entry: Entry):
        before = self.rewrite
        marker = {"old": False}

        def rewrite(url: str) -> str:
            new = before(url)
            if new != url and _OLD_POST_PATH.match(new.split("#")[0]):
                marker["old"] = True
            elif new != url and new.startswith("/p/"):
                marker["old"] = True
            return new

        prefetch = getattr(self.image_source, "prefetch_html", None)
        if prefetch is not None:
            prefetch(entry.content)
        body = convert_body(
            entry.content,
            question_opening=self.options.question_opening,
            rewrite_link=rewrite,
            image_source=self.image_source,
            publication_for=self._publication,
        )
        localise = getattr(self.image_source, "localise_blocks", None)
        if localise is not None:
            body.blocks = localise(body.blocks, post_title=entry.title)
        return body, marker["old"]

    def _publication(self, name: str) -> int:
        key = name.strip()
        if key not in self.publications:
            publication = Publication.objects.filter(name__iexact=key).first()
            if publication is None:
                publication = Publication.objects.create(name=key[:255])
                self.report.count("publications", "created")
            self.publications[key] = publication.pk
        return self.publications[key]

    def _tag_ids(self, labels: list[str]) -> list[int]:
        ids = []
        for label in labels:
            name = label.strip()[:100]
            if not name:
                continue
            key = name.lower()
            if key not in self.tags:
                tag = Tag.objects.filter(name__iexact=name).first()
                if tag is None:
                    tag = Tag.objects.create(name=name)
                    self.report.count("labels", "created")
                self.tags[key] = (tag.pk, tag.slug)
            self.labels.add(name)
            if self.tags[key][0] not in ids:
                ids.append(self.tags[key][0])
        return ids

    def _page_fields(self, entry: Entry, body) -> dict:
        live = not entry.draft
        published = entry.published or entry.updated
        return {
            "title": (entry.title or "(untitled)")[:255],
            "live": live,
            "first_published_at": published if live else None,
            "last_published_at": (entry.updated or published) if live else None,
            "latest_revision_created_at": entry.updated or published,
            "owner_id": self._user_for(entry),
        }

    def _create_page(self, entry: Entry, digest: str, kind: str) -> None:
        body, has_old_links = self._convert(entry)
        fields = self._page_fields(entry, body)
        slug_source = Path(entry.old_path).stem if entry.old_path else ""
        if entry.kind == "page":
            writer = self.pages
            # Blogger lists static pages in the blog's menu; so does the site.
            page = StandardPage(body=body.stream_data(), show_in_menus=True, **fields)
            tag_ids = []
        else:
            writer = self.posts
            common = {
                "date": entry.published,
                "excerpt": body.excerpt,
                "body": body.stream_data(),
                **fields,
            }
            if body.is_question:
                page = QuestionPostPage(
                    question=body.question_html,
                    asker_name=body.asker_name[:100],
                    **common,
                )
                self.report.count("question posts", "created")
            else:
                page = PostPage(**common)
            tag_ids = self._tag_ids(entry.labels)
        page._search_text = {"body": searchable_text(body.blocks)}
        page.slug = writer.unique_slug(slug_source, entry.title)
        page._blogger = (entry, digest, has_old_links)
        writer.add(
            page,
            tag_ids=tag_ids,
            revision_created_at=fields["latest_revision_created_at"],
            user_id=fields["owner_id"],
        )
        for warning in body.warnings:
            self.report.warn(f"{entry.old_path or entry.title}: {warning}")
        self.report.count(kind, "created")
        if entry.draft:
            self.report.count("drafts", "created")

    def _after_create(self, pages) -> None:
        legacy = []
        for page in pages:
            entry, digest, has_old_links = page._blogger
            number = number_of(entry.source_id)
            self.known_pages[number] = page.pk
            legacy.append(
                LegacyEntry(
                    source_id=entry.source_id,
                    kind="page" if entry.kind == "page" else "post",
                    page_id=page.pk,
                    old_path=entry.old_path[:500],
                    content_hash=digest,
                )
            )
            self._note_old_path(entry, page.pk)
            if has_old_links:
                self.pages_with_old_links.add(page.pk)
        LegacyEntry.objects.bulk_create(legacy)

    def _note_old_path(self, entry: Entry, page_id: int) -> None:
        if entry.old_path and not entry.draft:
            self.redirects.append((entry.old_path, page_id))
            match = _OLD_POST_PATH.match(entry.old_path)
            if match:
                self.months.add(match.groups())
        for label in entry.labels:
            if label.strip():
                self.labels.add(label.strip()[:100])

    def _update_page(self, entry: Entry, legacy, digest: str, kind: str) -> None:
        page = Page.objects.get(pk=legacy.page_id).specific
        body, has_old_links = self._convert(entry)
        fields = self._page_fields(entry, body)
        page.title = fields["title"]
        page.draft_title = page.title
        if isinstance(page, PostPage):
            page.date = entry.published
            page.excerpt = body.excerpt
            blocks = body.stream_data()
            if isinstance(page, QuestionPostPage):
                if body.is_question:
                    page.question = body.question_html
                    page.asker_name = body.asker_name[:100] or page.asker_name
            elif body.is_question:
                blocks = [{"type": "paragraph", "value": body.question_html}, *blocks]
                self.report.warn(
                    f"{entry.old_path}: now opens with a reader's letter; "
                    "kept as an ordinary post"
                )
            page.body = blocks
            page.tags.set(list(Tag.objects.filter(pk__in=self._tag_ids(entry.labels))))
        else:
            page.body = body.stream_data()
        revision = page.save_revision(
            user=get_user_model().objects.filter(pk=fields["owner_id"]).first(),
            clean=False,
            log_action=True,
        )
        if not entry.draft:
            revision.publish(skip_permission_checks=True)
        elif page.live:
            self.report.warn(
                f"{entry.old_path or entry.title}: a draft in this export but "
                "published here; the new text waits as a draft revision"
            )
        legacy.content_hash = digest
        legacy.old_path = entry.old_path[:500]
        legacy.save(update_fields=["content_hash", "old_path", "updated_at"])
        self._note_old_path(entry, page.pk)
        if has_old_links:
            self.pages_with_old_links.add(page.pk)
        self.report.count(kind, "updated")

    # -- comments --------------------------------------------------------

    def _flush_comments(self) -> None:
        self._flush_posts()  # every post read so far must be known first
        batch, self.comment_batch = self.comment_batch, []
        if not batch:
            return
        self._write_comments(self._ready(batch, on_unknown=self._wait))
        self._tick()

    def _ready(self, batch, on_unknown) -> list[Entry]:
        """The comments of `batch` whose post is known; the others are skipped
        (their post was trashed) or handed to `on_unknown`."""
        self._resolve_targets(batch)
        ready = []
        for entry in batch:
            number = number_of(entry.post_ref)
            if number in self.known_pages:
                ready.append(entry)
            elif number in self.trashed:
                self.report.skip("comments", "on a post trashed or deleted")
            else:
                on_unknown(entry)
        return ready

    def _resolve_targets(self, batch) -> None:
        missing = {
            number_of(e.post_ref)
            for e in batch
            if number_of(e.post_ref) not in self.known_pages
        }
        if not missing:
            return
        candidates = {}
        for e in batch:
            number = number_of(e.post_ref)
            if number in missing:
                for kind in ("post", "page"):
                    candidates[normalise_id(e.post_ref, kind)] = number
        for source_id, page_id in LegacyEntry.objects.filter(
            source_id__in=list(candidates), page__isnull=False
        ).values_list("source_id", "page_id"):
            self.known_pages[candidates[source_id]] = page_id

    def _wait(self, entry: Entry) -> None:
        self.waiting.append(entry)
        if len(self.waiting) >= BUFFER_LIMIT:
            path = self.workdir / f"waiting-{len(self.waiting_files)}.jsonl"
            with open(path, "w", encoding="utf-8") as f:
                for e in self.waiting:
                    f.write(json.dumps(_entry_to_json(e)) + "\n")
            self.waiting_files.append(path)
            self.waiting = []

    def _finish_waiting(self) -> None:
        def batches():
            for path in self.waiting_files:
                chunk = []
                with open(path, encoding="utf-8") as f:
                    for line in f:
                        chunk.append(_entry_from_json(json.loads(line)))
                        if len(chunk) >= COMMENT_BATCH:
                            yield chunk
                            chunk = []
                if chunk:
                    yield chunk
            if self.waiting:
                yield self.waiting

        def not_in_export(entry: Entry) -> None:
            self.report.skip("comments", "on a post not in the export")

        for batch in batches():
            self._write_comments(self._ready(batch, on_unknown=not_in_export))
        self.waiting = []

    def _comment_values(self, entry: Entry) -> dict:
        published = entry.published or entry.updated
        status = Comment.Status.REMOVED if entry.removed else Comment.Status.APPROVED
        return {
            "page_id": self.known_pages[number_of(entry.post_ref)],
            "author_name": (entry.author_name or "Anonymous")[:100],
            "author_url": entry.author_uri[:500]
            if entry.author_uri.startswith(("http://", "https://"))
            else "",
            "body": "" if entry.removed else comment_text(entry.content),
            "status": status,
            "created_at": published,
        }

    def _write_comments(self, entries) -> None:
        if not entries:
            return
        existing = {
            row["source_id"]: row
            for row in Comment.objects.filter(
                source_id__in=[e.source_id for e in entries]
            ).values(
                "pk",
                "source_id",
                "page_id",
                "author_name",
                "author_url",
                "body",
                "status",
                "created_at",
            )
        }
        new = []
        changed = []
        for entry in entries:
            values = self._comment_values(entry)
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
            if row["status"] in (Comment.Status.SPAM, Comment.Status.REMOVED):
                # A moderator's decision on this site wins over the export.
                differs.pop("status", None)
            if differs:
                comment = Comment(pk=row["pk"], **values)
                if "status" not in differs:
                    comment.status = row["status"]
                changed.append(comment)
                self.report.count("comments", "updated")
            else:
                self.report.count("comments", "unchanged")
        if new:
            insert_plain_rows(Comment, new)
            self.report.count("comments", "created", len(new))
        if changed:
            Comment.objects.bulk_update(
                changed,
                ["page", "author_name", "author_url", "body", "status", "created_at"],
                batch_size=500,
            )

    def _thread_replies(self) -> None:
        self.reply_file.flush()
        self.reply_file.seek(0)

        def chunks():
            chunk = []
            for line in self.reply_file:
                child, parent = line.rstrip("\n").split("\t")
                chunk.append((child, parent))
                if len(chunk) >= COMMENT_BATCH:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

        table = connection.ops.quote_name(Comment._meta.db_table)
        for chunk in chunks():
            ids = {c for pair in chunk for c in pair}
            pks = dict(
                Comment.objects.filter(source_id__in=ids).values_list("source_id", "pk")
            )
            updates = []
            for child, parent in chunk:
                if child in pks and parent in pks:
                    updates.append((pks[parent], pks[child]))
                elif child in pks:
                    self.report.warn(
                        f"reply {child} answers a comment missing from the export"
                    )
            if updates:
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"UPDATE {table} SET parent_id = %s WHERE id = %s",  # noqa: S608
                        updates,
                    )
            self.report.count("replies", "created", len(updates))

    # -- links and redirects ---------------------------------------------

    def _url_for_page_ids(self, ids) -> dict[int, str]:
        return {
            pk: _relative_url(url_path, self.root_url_path)
            for pk, url_path in Page.objects.filter(pk__in=ids).values_list(
                "pk", "url_path"
            )
        }

    def _rewrite_old_links(self) -> None:
        """Point links to old addresses straight at the new pages."""
        ids = sorted(self.pages_with_old_links)
        for start in range(0, len(ids), 200):
            chunk = ids[start : start + 200]
            pages = list(
                Page.objects.filter(pk__in=chunk).select_related("latest_revision")
            )
            specific = {p.pk: p for p in PostPage.objects.filter(pk__in=chunk)} | {
                p.pk: p for p in StandardPage.objects.filter(pk__in=chunk)
            }
            wanted = set()
            for page in specific.values():
                raw = json.dumps(page.body.get_prep_value())
                wanted.update(m.group(2) for m in _OLD_LINK_HREF.finditer(raw))
            targets = dict(
                LegacyEntry.objects.filter(
                    old_path__in=wanted, page__isnull=False
                ).values_list("old_path", "page_id")
            )
            urls = self._url_for_page_ids(targets.values())
            mapping = {path: urls[pid] for path, pid in targets.items() if pid in urls}

            def swap(match, mapping=mapping):
                new = mapping.get(match.group(2))
                if new is None:
                    return match.group(0)
                q = match.group(1)
                return f"href={q}{new}{match.group(3) or ''}{q}"

            for base in pages:
                page = specific.get(base.pk)
                if page is None:
                    continue
                raw = json.dumps(page.body.get_prep_value())
                new_raw = _OLD_LINK_HREF.sub(swap, raw)
                if new_raw == raw:
                    continue
                type(page).objects.filter(pk=page.pk).update(body=json.loads(new_raw))
                revision = base.latest_revision
                if revision is not None:
                    content = revision.content
                    body = content.get("body")
                    if isinstance(body, str):
                        content["body"] = _OLD_LINK_HREF.sub(swap, body)
                        revision.save(update_fields=["content"])

    def _write_redirects(self) -> None:
        wanted: dict[str, tuple[int | None, str]] = {}
        for old_path, page_id in self.redirects:
            wanted[Redirect.normalise_path(old_path)] = (page_id, "")
        for name in sorted(self.labels):
            slug = self.tags.get(name.lower(), (None, slugify(name)))[1]
            if not slug:
                continue
            # Browsers send the label percent-encoded (a space as %20), as
            # Blogger wrote it; the redirect middleware looks that form up.
            path = Redirect.normalise_path(f"/search/label/{quote(name, safe='')}")
            wanted[path] = (None, f"{self.blog_url}label/{slug}/")
        for year, month in sorted(self.months):
            path = Redirect.normalise_path(f"/{year}/{month}/")
            wanted[path] = (None, f"{self.blog_url}{year}/{month}/")
        if wanted:
            wanted["/feeds/posts/default"] = (None, f"{self.blog_url}feed/atom/")
        paths = list(wanted)
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            existing = {
                r.old_path: r
                for r in Redirect.objects.filter(old_path__in=chunk, site__isnull=True)
            }
            new = []
            for path in chunk:
                page_id, link = wanted[path]
                redirect = existing.get(path)
                if redirect is None:
                    new.append(
                        Redirect(
                            old_path=path,
                            site=None,
                            is_permanent=True,
                            redirect_page_id=page_id,
                            redirect_link=link,
                        )
                    )
                elif (
                    redirect.redirect_page_id != page_id
                    or redirect.redirect_link != link
                    or not redirect.is_permanent
                ):
                    redirect.redirect_page_id = page_id
                    redirect.redirect_link = link
                    redirect.is_permanent = True
                    redirect.save()
                    self.report.count("redirects", "updated")
                else:
                    self.report.count("redirects", "unchanged")
            if new:
                Redirect.objects.bulk_create(new)
                self.report.count("redirects", "created", len(new))


def _entry_to_json(entry: Entry) -> dict:
    return {
        "source_id": entry.source_id,
        "content": entry.content,
        "published": entry.published.isoformat() if entry.published else "",
        "updated": entry.updated.isoformat() if entry.updated else "",
        "author_name": entry.author_name,
        "author_uri": entry.author_uri,
        "removed": entry.removed,
        "post_ref": entry.post_ref,
        "parent_ref": entry.parent_ref,
    }


def _entry_from_json(data: dict) -> Entry:
    from datetime import datetime

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
        post_ref=data["post_ref"],
        parent_ref=data["parent_ref"],
    )


def import_export(source, options: ImportOptions | None = None, progress=None):
    """Run an import and return its :class:`Report`."""
    return BloggerImporter(options, progress).run(source)
