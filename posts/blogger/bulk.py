"""Create many Wagtail pages under one parent at once, leaving a tree Wagtail accepts.

``add_child`` followed by ``save_revision().publish()`` costs dozens of queries
per page. Here a batch of pages costs a handful of statements:

1. tree paths are numbered on from the parent's last child (treebeard's
   materialised path), so ``fixtree`` finds nothing to repair;
2. one ``bulk_create`` for the ``wagtailcore_page`` rows, then one multi-row
   insert per table of the page class's chain (``posts_postpage``, then
   ``posts_questionpostpage``): ``bulk_create`` refuses multi-table models;
3. tags, revisions (with the same content ``save_revision`` stores) and log
   entries in bulk, then the pages' ``latest_revision``/``live_revision``;
4. the search index (``add_bulk`` per page class) and the reference index.

Slugs are made unique among the parent's children here, since nothing else
checks them on this route.
"""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRel
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.utils.text import slugify
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel, get_all_child_relations
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backends

from posts.models import PostIndexPage, PostPage, PostPageTag

from .editor_format import normalise_rich_text

_STEPLEN = Page.steplen


def relative_url(url_path: str, root_url_path: str) -> str:
    if url_path.startswith(root_url_path):
        return "/" + url_path[len(root_url_path) :]
    return url_path


class BulkPageWriter:
    """Collects new pages for one parent and writes them in batches."""

    def __init__(self, parent: Page, root_url_path: str, index_search: bool = True):
        self.parent = Page.objects.get(pk=parent.pk)
        # A blog answers some addresses itself (years, feeds, labels): no post
        # may take a slug that one of them would answer.
        self.blog = parent if isinstance(parent, PostIndexPage) else None
        self.root_url_path = root_url_path
        self.index_search = index_search
        last = (
            Page.objects.filter(
                path__startswith=self.parent.path, depth=self.parent.depth + 1
            )
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        self.next_step = Page._str2int(last[-_STEPLEN:]) + 1 if last else 1
        self.slugs = set(
            Page.objects.filter(
                path__startswith=self.parent.path, depth=self.parent.depth + 1
            ).values_list("slug", flat=True)
        )
        self.pending: list[tuple] = []
        self.page_ct = ContentType.objects.get_for_model(Page)

    def unique_slug(self, wanted: str, fallback: str) -> str:
        candidates = [
            slugify(wanted, allow_unicode=True)[:200],
            slugify(fallback, allow_unicode=True)[:200],
        ]
        free = [c for c in candidates if c and not self._answered_by_blog(c)]
        if free:
            base = free[0]
        else:
            # "/2021/09/9679.html" with a title that is no help either.
            base = f"post-{next((c for c in candidates if c), '')}".rstrip("-")
        slug = base
        number = 2
        while slug in self.slugs:
            slug = f"{base}-{number}"
            number += 1
        self.slugs.add(slug)
        return slug

    def _answered_by_blog(self, slug: str) -> bool:
        return self.blog is not None and self.blog.slug_is_route(slug)

    def url_for_slug(self, slug: str) -> str:
        return relative_url(f"{self.parent.url_path}{slug}/", self.root_url_path)

    def add(
        self,
        page,
        *,
        tag_ids=(),
        revision_created_at=None,
        user_id=None,
    ):
        """Queue a page, written at the next `flush`."""
        self.pending.append((page, list(tag_ids), revision_created_at, user_id))

    def flush(self) -> list:
        """Write the pending pages; returns them, in the order added, with ids."""
        if not self.pending:
            return []
        pending, self.pending = self.pending, []
        parent = self.parent
        pages = [item[0] for item in pending]
        for page in pages:
            # Rich text as the editor stores it: Compare then shows only what
            # an editor changes on the first save.
            normalise_rich_text(page)
            page.path = Page._get_path(parent.path, parent.depth + 1, self.next_step)
            self.next_step += 1
            page.depth = parent.depth + 1
            page.numchild = 0
            page.url_path = f"{parent.url_path}{page.slug}/"
            page.draft_title = page.title
            page.locale_id = parent.locale_id
            page.translation_key = uuid.uuid4()
            page.content_type_id = ContentType.objects.get_for_model(type(page)).pk
            page.has_unpublished_changes = not page.live

        base_fields = [f for f in Page._meta.concrete_fields if f.attname != "id"]
        rows = [
            Page(**{f.attname: getattr(page, f.attname) for f in base_fields})
            for page in pages
        ]
        Page.objects.bulk_create(rows)
        for page, row in zip(pages, rows, strict=True):
            page.pk = page.id = row.pk
            for model in [type(page), *type(page)._meta.get_parent_list()]:
                for f in model._meta.local_concrete_fields:
                    if f.one_to_one and f.remote_field.parent_link:
                        setattr(page, f.attname, row.pk)
        models = []
        for page in pages:
            for model in _chain(type(page)):
                if model not in models:
                    models.append(model)
        for model in models:
            _insert_rows(model, [p for p in pages if isinstance(p, model)])
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
        parent.numchild += len(pages)

        # Labels.
        tag_rows = []
        for page, tag_ids, _, _ in pending:
            for tag_id in tag_ids:
                tag_rows.append(PostPageTag(tag_id=tag_id, content_object_id=page.pk))
        if tag_rows:
            PostPageTag.objects.bulk_create(tag_rows)
        by_page: dict[int, list] = {}
        for row in tag_rows:
            by_page.setdefault(row.content_object_id, []).append(row)

        # Revisions, as save_revision() would store them.
        revisions = []
        for page, _, created_at, user_id in pending:
            if isinstance(page, PostPage):
                page.tagged_items = by_page.get(page.pk, [])
            page.wagtail_admin_comments = []
            revisions.append(
                Revision(
                    content_type_id=page.content_type_id,
                    base_content_type_id=self.page_ct.pk,
                    object_id=str(page.pk),
                    created_at=created_at,
                    user_id=user_id,
                    object_str=page.title[:255],
                    content=page.serializable_data(),
                )
            )
        Revision.objects.bulk_create(revisions)
        updates = []
        for page, revision in zip(pages, revisions, strict=True):
            page.latest_revision_id = revision.pk
            if page.live:
                page.live_revision_id = revision.pk
            updates.append((revision.pk, page.live_revision_id, page.pk))
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Page._meta.db_table)
            cursor.executemany(
                f"UPDATE {table} SET latest_revision_id = %s, "  # noqa: S608
                "live_revision_id = %s WHERE id = %s",
                updates,
            )

        # History: created, and published when live.
        entries = []
        for page, revision, (_, _, created_at, user_id) in zip(
            pages, revisions, pending, strict=True
        ):
            common = {
                "content_type_id": page.content_type_id,
                "label": page.title[:255],
                "user_id": user_id,
                "revision_id": revision.pk,
                "page_id": page.pk,
                "data": {},
            }
            entries.append(
                PageLogEntry(
                    action="wagtail.create",
                    timestamp=created_at,
                    content_changed=True,
                    **common,
                )
            )
            if page.live:
                entries.append(
                    PageLogEntry(
                        action="wagtail.publish",
                        timestamp=page.first_published_at or created_at,
                        content_changed=True,
                        **common,
                    )
                )
        PageLogEntry.objects.bulk_create(entries)
        index_pages(pages, self.index_search)
        return pages


def _chain(model) -> list:
    """The concrete models below Page in ``model``'s chain, most general first."""
    chain = [m for m in reversed(model._meta.get_parent_list()) if m is not Page]
    return [m for m in chain if not m._meta.abstract] + [model]


def _insert_rows(model, objects) -> None:
    """A multi-row INSERT into ``model``'s own table (not its parents')."""
    fields = model._meta.local_concrete_fields
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = [
        [
            f.get_db_prep_save(getattr(obj, f.attname), connection=connection)
            for f in fields
        ]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
            values,
        )


def index_pages(pages, index_search: bool = True) -> None:
    """Add pages to the search index and the reference index, in bulk.

    The search backend's own ``add_bulk`` extracts the text, so imported pages
    are indexed exactly as Wagtail indexes a page it publishes (held by
    tests/test_import_bulk_contract.py).
    """
    by_model: dict = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page.pk)
    for model, ids in by_model.items():
        queryset = model.objects.filter(pk__in=ids)
        if issubclass(model, PostPage):
            queryset = queryset.prefetch_related("tagged_items__tag", "tags")
        objects = list(queryset)
        if index_search:
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, objects)
        if ReferenceIndex.model_is_indexable(model):
            _reference_rows(model, objects)


def _reference_rows(model, objects) -> None:
    content_type = ContentType.objects.get_for_model(model)
    base = ContentType.objects.get_for_model(Page)
    rows = []
    plan = _reference_plan(model)
    for obj in objects:
        obj.wagtail_admin_comments = []
        if plan is None:
            found = ReferenceIndex._extract_references_from_object(obj)
        else:
            found = _references(obj, plan)
        for to_ct, to_id, model_path, content_path in set(found):
            rows.append(
                ReferenceIndex(
                    content_type=content_type,
                    base_content_type=base,
                    object_id=str(obj.pk),
                    to_content_type_id=to_ct,
                    to_object_id=to_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=ReferenceIndex._get_content_path_hash(
                        content_path
                    ),
                )
            )
    kwargs = {}
    if connection.features.supports_ignore_conflicts:
        kwargs["ignore_conflicts"] = True
    ReferenceIndex.objects.bulk_create(rows, batch_size=1000, **kwargs)


_PLANS: dict = {}


def _base_ct_id(model) -> int:
    return ReferenceIndex._get_base_content_type(model).id


def _reference_plan(model):
    """Where ``model``'s references can be, worked out once per model.

    The same rules as ``ReferenceIndex._extract_references_from_object``, which
    walks every field of every object; ``None`` (use Wagtail's walk) for a model
    with a generic foreign key.
    """
    if model in _PLANS:
        return _PLANS[model]
    fields = []
    plan = {"fields": fields, "children": []}
    for field in model._meta.get_fields():
        if field.is_relation and field.many_to_one:
            if getattr(field, "wagtail_reference_index_ignore", False) or getattr(
                field.related_model, "wagtail_reference_index_ignore", False
            ):
                continue
            if isinstance(field, ParentalKey | GenericRel):
                continue
            if isinstance(field, GenericForeignKey):
                plan = None
                break
            fields.append(("fk", field))
        if hasattr(field, "extract_references"):
            fields.append(("content", field))
    if plan is not None and issubclass(model, ClusterableModel):
        for relation in get_all_child_relations(model):
            child_plan = _reference_plan(relation.related_model)
            if child_plan is None:
                plan = None
                break
            plan["children"].append((relation.get_accessor_name(), child_plan))
    _PLANS[model] = plan
    return plan


def _references(obj, plan):
    for kind, field in plan["fields"]:
        value = field.value_from_object(obj)
        if value is None:
            continue
        if kind == "fk":
            yield (_base_ct_id(field.related_model), str(value), field.name, field.name)
            continue
        for to_model, to_id, model_path, content_path in field.extract_references(
            value
        ):
            yield (
                _base_ct_id(to_model),
                to_id,
                f"{field.name}.{model_path}",
                f"{field.name}.{content_path}",
            )
    for relation_name, child_plan in plan["children"]:
        for child in getattr(obj, relation_name).all():
            for to_ct, to_id, model_path, content_path in _references(
                child, child_plan
            ):
                yield (
                    to_ct,
                    to_id,
                    f"{relation_name}.item.{model_path}",
                    f"{relation_name}.{child.pk}.{content_path}",
                )


def insert_plain_rows(model, rows: list[dict]) -> None:
    """Insert rows given as {attname: value} into a plain model's table.

    Skips model instances and Django's per-object SQL building: for the tens
    of thousands of comments an export holds. Missing fields take their
    defaults; the primary key is left to the database.
    """
    if not rows:
        return
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    defaults = {
        f.attname: (f.get_default() if f.has_default() or not f.null else None)
        for f in fields
    }
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    given = set(rows[0])
    constants = {
        f.attname: f.get_db_prep_save(defaults[f.attname], connection)
        for f in fields
        if f.attname not in given
    }
    # Only dates need Django's preparation (time zone, backend format);
    # strings and ids go to the driver as they are.
    prepare = {
        f.attname: f
        for f in fields
        if f.attname in given and f.get_internal_type() == "DateTimeField"
    }
    order = [f.attname for f in fields]
    values = []
    for row in rows:
        line = []
        for name in order:
            if name in constants:
                line.append(constants[name])
            elif name in prepare:
                line.append(prepare[name].get_db_prep_save(row.get(name), connection))
            else:
                value = row.get(name)
                line.append(str(value) if isinstance(value, str) else value)
        values.append(line)
    with connection.cursor() as cursor:
        for start in range(0, len(values), 2000):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                values[start : start + 2000],
            )
