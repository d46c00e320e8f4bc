"""Take an imported Blogger blog back out: every post, page, comment, redirect,
label and publication that importing it made, and nothing else.

Used for the demo content (``manage.py remove_demo_content``, and a real import
into the demo site, which replaces it) and usable for any import: an import
remembers each entry's Blogger id (``blog-B.post-N``) in a ``LegacyEntry``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, ReferenceIndex

from posts.models import LegacyEntry, PostIndexPage, PostPageTag, Publication

from .bulk import relative_url


def sample_blog_id(blog: Page) -> str:
    """The Blogger id of the sample (demo) content imported into ``blog``, or ""."""
    record = LegacyEntry.objects.filter(kind="sample", page=blog).first()
    return record.source_id.removeprefix("blog-") if record else ""


def mark_sample(blog: Page, blogger_id: str) -> None:
    """Remember that ``blog`` holds sample content from Blogger blog ``blogger_id``."""
    LegacyEntry.objects.update_or_create(
        source_id=f"blog-{blogger_id}", defaults={"kind": "sample", "page": blog}
    )


@dataclass
class Removed:
    pages: int = 0
    blogs: int = 0
    redirects: int = 0
    labels: int = 0
    publications: int = 0

    def __str__(self) -> str:
        return (
            f"{self.pages} posts and pages, {self.blogs} blog page(s), "
            f"{self.redirects} redirects, {self.labels} labels, "
            f"{self.publications} publications"
        )


def remove_imported_blog(blogger_id: str, *, keep_blog: bool = False) -> Removed:
    """Delete what importing Blogger blog ``blogger_id`` made.

    The blog page it went into goes too when nothing else is left in it
    (unless ``keep_blog``).
    """
    removed = Removed()
    prefix = f"blog-{blogger_id}."
    records = LegacyEntry.objects.filter(source_id__startswith=prefix)
    page_ids = list(records.exclude(page=None).values_list("page_id", flat=True))
    pages = Page.objects.filter(pk__in=page_ids)
    blogs = {
        p.pk: p
        for p in PostIndexPage.objects.filter(
            pk__in=[p.get_parent().pk for p in pages if p.get_parent()]
        )
    }
    blogs.update(
        {
            r.page_id: r.page.specific
            for r in LegacyEntry.objects.filter(
                kind="sample", source_id=f"blog-{blogger_id}"
            )
            .exclude(page=None)
            .select_related("page")
        }
    )
    tag_ids = set(
        PostPageTag.objects.filter(content_object_id__in=page_ids).values_list(
            "tag_id", flat=True
        )
    )
    publication_ids = _publications_used_by(page_ids)
    root_paths = {p.pk: p.get_site().root_page.url_path for p in blogs.values()}
    for page in pages.specific():
        page.delete()
        removed.pages += 1
    records.delete()
    for blog in blogs.values():
        blog_url = relative_url(blog.url_path, root_paths[blog.pk])
        links = Redirect.objects.filter(
            redirect_page=None, redirect_link__startswith=blog_url
        )
        removed.redirects += links.count()
        links.delete()
        if not keep_blog and not blog.get_children().exists():
            blog.delete()
            removed.blogs += 1
    LegacyEntry.objects.filter(source_id=f"blog-{blogger_id}").delete()
    unused = Tag.objects.filter(pk__in=tag_ids).exclude(
        pk__in=PostPageTag.objects.values("tag_id")
    )
    removed.labels = unused.count()
    unused.delete()
    for publication in Publication.objects.filter(pk__in=publication_ids):
        if not ReferenceIndex.get_references_to(publication).exists():
            publication.delete()
            removed.publications += 1
    return removed


def _publications_used_by(page_ids) -> set[int]:
    references = ReferenceIndex.objects.filter(
        Q(object_id__in=[str(pk) for pk in page_ids]),
        to_content_type=ReferenceIndex._get_base_content_type(Publication),
    )
    return {int(pk) for pk in references.values_list("to_object_id", flat=True)}
