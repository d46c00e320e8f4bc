"""The importer's bulk writer is held to what Wagtail itself writes.

The same export is imported (the bulk path), remembered, and rolled back; then
the same pages are made the way an editor's publish makes them (``add_child``,
then ``save_revision().publish()``) at the same moments. Both must leave the
same page rows and tree, revision content, live and latest revisions, search
index entries, reference index rows and redirects.
"""

import io
import json
import re
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, ReferenceIndex, Revision
from wagtail.search.models import IndexEntry

from posts.models import Label, LegacyEntry, PostPage, Publication

pytestmark = pytest.mark.django_db

SEED_CLASSIC = Path(__file__).parent / "fixtures" / "seed-classic.xml"
# What `Revision.as_object()` takes from the page row, never from the revision.
ROW_STATE = {
    "pk",
    "id",
    "path",
    "depth",
    "numchild",
    "url_path",
    "content_type",
    "draft_title",
    "live",
    "has_unpublished_changes",
    "owner",
    "locked",
    "locked_by",
    "locked_at",
    "latest_revision",
    "latest_revision_created_at",
    "first_published_at",
    "last_published_at",
    "live_revision",
    "alias_of",
    "locale",
    "translation_key",
    "page_ptr",
    "postpage_ptr",
    "comments",
    "wagtail_admin_comments",
}
# The order of a page's labels in a revision follows their row ids.
LABELS = "tagged_items"


# A child row's id in a content path ("tagged_items.17.tag") differs per run.
CHILD_ID = re.compile(r"(?<=^tagged_items)\.\d+\.")


class Rollback(Exception):
    pass


def import_export(path):
    call_command("import_blogger", str(path), stdout=io.StringIO())


def imported_pages():
    ids = LegacyEntry.objects.filter(page__isnull=False).values_list("page", flat=True)
    return [p.specific for p in Page.objects.filter(pk__in=ids).order_by("path")]


def written(pages) -> dict:
    """What landed for `pages`, with database ids replaced by page order."""
    number = {page.pk: n for n, page in enumerate(pages)}
    label_names = dict(Label.objects.values_list("pk", "name"))
    label_type = ContentType.objects.get_for_model(Label).pk

    def target(ref):
        if ref.to_content_type_id == label_type:
            return f"label {label_names[int(ref.to_object_id)]}"
        if int(ref.to_object_id) in number and ref.to_content_type.model == "page":
            return f"page {number[int(ref.to_object_id)]}"
        return f"{ref.to_content_type_id} {ref.to_object_id}"

    rows, revisions, index, references = [], [], [], []
    for page in pages:
        page.refresh_from_db()
        row = {
            f.attname: getattr(page, f.attname)
            for f in type(page)._meta.concrete_fields
            if f.name not in ("id", "translation_key", "latest_revision")
            and not f.name.endswith("_ptr")
            and f.name != "live_revision"
        }
        rows.append(row)
        page_revisions = Revision.objects.filter(
            object_id=str(page.pk),
            base_content_type=ContentType.objects.get_for_model(Page),
        )
        assert list(page_revisions.values_list("pk", flat=True)) == [
            page.latest_revision_id
        ]
        revision = page.latest_revision
        assert page.live_revision_id == (revision.pk if page.live else None)
        assert page.latest_revision_created_at == revision.created_at
        content = {
            k: _as_data(v) for k, v in revision.content.items() if k not in ROW_STATE
        }
        content[LABELS] = sorted(
            label_names.get(item["tag"]) for item in content.get(LABELS, [])
        )
        revisions.append(
            (revision.created_at, revision.user_id, revision.object_str, content)
        )
        # Not title_norm: the backend weighs a title against the titles indexed
        # before it, so it depends on the order pages enter the index.
        entry = IndexEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(page)),
            object_id=str(page.pk),
        ).values("title", "autocomplete", "body")
        index.append(list(entry))
        references.append(
            sorted(
                (target(ref), ref.model_path, CHILD_ID.sub(".*.", ref.content_path))
                for ref in ReferenceIndex.objects.filter(
                    base_content_type=ContentType.objects.get_for_model(Page),
                    object_id=str(page.pk),
                )
            )
        )
    problems = Page.find_problems()
    assert not any(problems), problems
    redirects = sorted(
        (r.old_path, number.get(r.redirect_page_id), r.redirect_link, r.is_permanent)
        for r in Redirect.objects.all()
    )
    return {
        "rows": rows,
        "revisions": revisions,
        "index": index,
        "references": references,
        "redirects": redirects,
    }


def _as_data(value):
    """A stream field's JSON text as data: PostgreSQL's jsonb gives its keys back
    in its own order, which is not a difference in what was written."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def the_wagtail_way(pages, labels) -> None:
    """Make `pages` again as an editor's publish would, at the same moments."""
    for page in pages:
        parent = Page.objects.get(path=page.path[: -Page.steplen]).specific
        fresh = type(page)(
            **{
                f.attname: getattr(page, f.attname)
                for f in type(page)._meta.concrete_fields
                if f.attname
                not in {
                    "id",
                    "path",
                    "depth",
                    "numchild",
                    "url_path",
                    "translation_key",
                    "latest_revision_id",
                    "live_revision_id",
                    "content_type_id",
                    "draft_title",
                    "has_unpublished_changes",
                    "live",
                    "latest_revision_created_at",
                    "last_published_at",
                }
                and not f.attname.endswith("_ptr_id")
            }
        )
        if isinstance(page, PostPage):
            fresh.tags.set(labels[page.url_path])
        moment = page.latest_revision.created_at
        user = page.latest_revision.user
        with mock.patch("django.utils.timezone.now", return_value=moment):
            fresh.live = False
            parent.add_child(instance=fresh)
            revision = fresh.save_revision(user=user, log_action=True)
            if page.live:
                revision.publish(user=user)


def test_the_bulk_writer_leaves_what_wagtail_itself_would(blog, home):
    try:
        with transaction.atomic():
            import_export(SEED_CLASSIC)
            pages = imported_pages()
            labels = {
                p.url_path: [t.name for t in p.tags.all()]
                for p in pages
                if isinstance(p, PostPage)
            }
            # Snippets the import made: the pages' choosers point at them.
            publications = list(Publication.objects.all())
            bulk = written(pages)
            raise Rollback
    except Rollback:
        pass
    assert not PostPage.objects.exists()

    Publication.objects.bulk_create(publications)
    redirects_before = set(Redirect.objects.values_list("pk", flat=True))
    the_wagtail_way(pages, labels)
    wagtail = written(
        [
            Page.objects.get(url_path=page.url_path).specific
            for page in sorted(pages, key=lambda p: p.path)
        ]
    )
    assert set(Redirect.objects.values_list("pk", flat=True)) == redirects_before

    assert len(bulk["rows"]) >= 3
    assert bulk["rows"] == wagtail["rows"]
    assert bulk["revisions"] == wagtail["revisions"]
    assert bulk["index"] == wagtail["index"]
    assert bulk["references"] == wagtail["references"]
