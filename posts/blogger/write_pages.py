"""The write stage for posts and pages: new ones in bulk, changed ones as a new
revision, each remembered in a ``LegacyEntry`` under its Blogger id with the
hash of what the export said."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from wagtail.models import Page

from home.models import StandardPage
from posts.models import (
    Label,
    LegacyEntry,
    PostPage,
    Publication,
    QuestionPostPage,
)
from posts.models.workflows import translation_signature

from .bulk import BulkPageWriter
from .formats import number_of
from .images import ImageSource
from .mapping import PagePlan, entry_hash, old_month
from .parse import Entry
from .report import ImportOptions, Report
from .rights import ELSEWHERE, ImportRights, Verdict


class KnownPages:
    """The posts and pages met so far (and their fate), for comments to find.

    Looked up by Blogger id first; then by number, since a classic export
    names a page's comments' post as ``post-N`` (posts and pages share one
    numbering there, while in Takeout ``post-1`` and ``page-1`` can both exist).
    """

    def __init__(self):
        self._pages: dict[str, int] = {}  # normalised id -> page id
        self._trashed: set[str] = set()
        self._refused: set[str] = set()  # not the importer's to write
        self._numbers: dict[str, str | None] = {}  # number -> id (None: shared)
        self._paths: dict[str, str] = {}  # old address -> id

    def add(self, source_id: str, page_id: int) -> None:
        self._pages[source_id] = page_id
        self._number(source_id)

    def trash(self, source_id: str) -> None:
        self._trashed.add(source_id)
        self._number(source_id)

    def refuse(self, source_id: str) -> None:
        self._pages.pop(source_id, None)
        self._refused.add(source_id)
        self._number(source_id)

    def note_path(self, source_id: str, old_path: str) -> None:
        if old_path:
            self._paths[old_path] = source_id

    def id_for_path(self, old_path: str) -> str:
        return self._paths.get(old_path, "")

    def page_for(self, ref: str) -> int | None:
        return self._pages.get(self._which(ref))

    def is_trashed(self, ref: str) -> bool:
        return self._which(ref) in self._trashed

    def is_refused(self, ref: str) -> bool:
        return self._which(ref) in self._refused

    def _which(self, ref: str) -> str:
        if ref in self._pages or ref in self._trashed or ref in self._refused:
            return ref
        return self._numbers.get(number_of(ref)) or ref

    def _number(self, source_id: str) -> None:
        number = number_of(source_id)
        if self._numbers.setdefault(number, source_id) != source_id:
            self._numbers[number] = None


@dataclass
class OldAddresses:
    """What the redirects from the old blog are made from."""

    pages: list[tuple[str, int]] = field(default_factory=list)  # (old path, id)
    labels: set[str] = field(default_factory=set)
    label_slugs: dict[str, str] = field(default_factory=dict)  # lower name -> slug
    months: set[tuple[str, str]] = field(default_factory=set)
    pages_with_old_links: set[int] = field(default_factory=set)


class PageStore:
    """Writes :class:`PagePlan` values as pages of the blog (posts) or of the
    home page (Blogger's static pages)."""

    def __init__(
        self,
        blog: Page,
        root_url_path: str,
        options: ImportOptions,
        report: Report,
        rights: ImportRights,
    ):
        self.options = options
        self.report = report
        self.rights = rights
        self.verdicts: dict[str, Verdict] = {}  # source id -> what may be done
        self.to_submit: set[int] = set()  # new pages to send to their workflow
        self.known = KnownPages()
        self.written: set[int] = set()  # ids of the pages created or updated
        self.addresses = OldAddresses()
        # Posts go under the blog; Blogger's static pages under the home page.
        self.writers = {
            "posts": BulkPageWriter(blog, root_url_path, options.index_search),
            "pages": BulkPageWriter(
                blog.get_parent(), root_url_path, options.index_search
            ),
        }
        self.queued: dict[str, list[PagePlan]] = {"posts": [], "pages": []}
        self.tags: dict[str, int] = {}  # lower-cased label -> tag id
        self.publications: dict[str, int] = {}

    def to_write(
        self, batch: list[Entry], image_source: ImageSource
    ) -> Iterator[tuple[Entry, str, LegacyEntry | None]]:
        """The entries of ``batch`` that must be written, with their hash and
        their ``LegacyEntry`` if imported before; the rest are counted."""
        existing = {
            le.source_id: le
            for le in LegacyEntry.objects.filter(
                source_id__in=[e.source_id for e in batch]
            )
        }
        for entry in batch:
            kind = _kind(entry)
            self.known.note_path(entry.source_id, entry.old_path)
            if entry.trashed:
                self.known.trash(entry.source_id)
                self.report.skip(kind, "trashed in Blogger")
                continue
            digest = entry_hash(entry, self.options)
            legacy = existing.get(entry.source_id)
            if legacy is not None:
                if legacy.page_id is None:
                    self.report.skip(
                        kind, "page deleted on this site since last import"
                    )
                    self.known.trash(entry.source_id)
                    continue
                verdict, reason = self.rights.for_existing(legacy.page)
                if reason == ELSEWHERE:
                    self._refuse(kind, entry.source_id, reason)
                    continue
                self.known.add(entry.source_id, legacy.page_id)
                if legacy.content_hash == digest and not image_source.needs_update(
                    entry
                ):
                    self.report.count(kind, "unchanged")
                    continue
            else:
                verdict, reason = self.rights.for_new(kind)
            if verdict is Verdict.REFUSE:
                self._refuse(kind, entry.source_id, reason)
                continue
            self.verdicts[entry.source_id] = verdict
            yield entry, digest, legacy

    def _refuse(self, kind: str, source_id: str, reason: str) -> None:
        self.known.refuse(source_id)
        self.report.skip(kind, f"refused: {reason}")

    def write(self, plan: PagePlan, legacy: LegacyEntry | None) -> None:
        if legacy is None:
            self._create(plan)
        else:
            self._update(plan, legacy)

    def flush(self) -> None:
        """Write the pages queued for creation, and remember them."""
        for kind, writer in self.writers.items():
            plans, self.queued[kind] = self.queued[kind], []
            created = writer.flush()
            legacy = []
            for page, plan in zip(created, plans, strict=True):
                entry = plan.entry
                self.known.add(entry.source_id, page.pk)
                self.written.add(page.pk)
                legacy.append(
                    LegacyEntry(
                        source_id=entry.source_id,
                        kind="post" if plan.is_post else "page",
                        page_id=page.pk,
                        old_path=entry.old_path[:500],
                        content_hash=plan.digest,
                    )
                )
                self._note_addresses(plan, page.pk)
                if entry.source_id in self.to_submit:
                    self._submit(page, plan)
            LegacyEntry.objects.bulk_create(legacy)

    def publication_for(self, name: str) -> int:
        """The id of the publication a translation comes from, made if new."""
        key = name.strip()
        if key not in self.publications:
            publication = Publication.objects.filter(name__iexact=key).first()
            if publication is None:
                publication = Publication.objects.create(name=key[:255])
                self.report.count("publications", "created")
            self.publications[key] = publication.pk
        return self.publications[key]

    # Internals -------------------------------------------------------------

    def _page_fields(self, plan: PagePlan) -> dict:
        return {
            "title": plan.title,
            "live": plan.live,
            "first_published_at": plan.first_published_at,
            "last_published_at": plan.last_published_at,
            "latest_revision_created_at": plan.revision_created_at,
            "owner_id": plan.owner_id,
        }

    def _submit(self, page: Page, plan: PagePlan) -> None:
        """A page the importing user may write but not publish: to review."""
        if self.rights.submit(page):
            self.report.count("in review", "created")
        else:
            self.report.warn(
                f"{plan.name}: saved as a draft for someone who may publish it"
            )

    def _create(self, plan: PagePlan) -> None:
        entry, body = plan.entry, plan.body
        if self.verdicts.get(entry.source_id) is Verdict.DRAFT and plan.live:
            plan.live = False
            plan.first_published_at = plan.last_published_at = None
            self.to_submit.add(entry.source_id)
        fields = self._page_fields(plan)
        kind = _kind(entry)
        if not plan.is_post:
            # Blogger lists static pages in the blog's menu; so does the site.
            page = StandardPage(body=body.stream_data(), show_in_menus=True, **fields)
            tag_ids = []
        else:
            common = {
                "date": entry.published,
                "author_name": plan.author_name,
                "author_url": plan.author_url,
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
            # As publishing would flag it (posts.review): a translation no
            # translator of this site has checked.
            page.translation_unchecked = page.live and bool(translation_signature(page))
            tag_ids = self._tag_ids(entry.labels)
        writer = self.writers[kind]
        page.slug = writer.unique_slug(plan.slug_source, plan.title)
        writer.add(
            page,
            tag_ids=tag_ids,
            revision_created_at=plan.revision_created_at,
            user_id=plan.owner_id,
        )
        self.queued[kind].append(plan)
        for warning in body.warnings:
            self.report.warn(f"{plan.name}: {warning}")
        self.report.count(kind, "created")
        if entry.draft:
            self.report.count("drafts", "created")

    def _update(self, plan: PagePlan, legacy: LegacyEntry) -> None:
        entry, body = plan.entry, plan.body
        page = Page.objects.get(pk=legacy.page_id).specific
        page.title = plan.title
        page.draft_title = page.title
        if isinstance(page, PostPage):
            page.date = entry.published
            page.author_name = plan.author_name
            page.author_url = plan.author_url
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
            page.tags.set(
                list(Label.objects.filter(pk__in=self._tag_ids(entry.labels)))
            )
        else:
            page.body = body.stream_data()
        revision = page.save_revision(
            user=get_user_model().objects.filter(pk=plan.owner_id).first(),
            clean=False,
            log_action=True,
        )
        if entry.draft:
            pass
        elif self.verdicts.get(entry.source_id) is Verdict.DRAFT:
            self._submit(page, plan)
        else:
            # Wagtail checks again that the importing user may publish it.
            revision.publish(user=self.rights.user)
        if entry.draft and page.live:
            self.report.warn(
                f"{plan.name}: a draft in this export but "
                "published here; the new text waits as a draft revision"
            )
        legacy.content_hash = plan.digest
        legacy.old_path = entry.old_path[:500]
        legacy.save(update_fields=["content_hash", "old_path", "updated_at"])
        self._note_addresses(plan, page.pk)
        self.written.add(page.pk)
        self.report.count(_kind(entry), "updated")

    def _tag_ids(self, labels: list[str]) -> list[int]:
        ids = []
        for label in labels:
            name = label.strip()[:100]
            if not name:
                continue
            key = name.lower()
            if key not in self.tags:
                tag = Label.objects.filter(name__iexact=name).first()
                if tag is None:
                    tag = Label.objects.create(name=name)
                    self.report.count("labels", "created")
                self.tags[key] = tag.pk
                self.addresses.label_slugs[key] = tag.slug
            if self.tags[key] not in ids:
                ids.append(self.tags[key])
        return ids

    def _note_addresses(self, plan: PagePlan, page_id: int) -> None:
        entry = plan.entry
        if entry.old_path and not entry.draft:
            self.addresses.pages.append((entry.old_path, page_id))
            month = old_month(entry.old_path)
            if month:
                self.addresses.months.add(month)
        if entry.kind == "post" and not entry.draft:
            # Only a label with a published post has a page to send readers to.
            for label in entry.labels:
                if label.strip():
                    self.addresses.labels.add(label.strip()[:100])
        if plan.links_to_old_pages:
            self.addresses.pages_with_old_links.add(page_id)


def _kind(entry: Entry) -> str:
    """The report's name for an entry's kind."""
    return "pages" if entry.kind == "page" else "posts"
