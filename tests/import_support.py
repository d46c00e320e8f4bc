"""Shared by the import tests: what an import writes, counted."""

from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageLogEntry, Revision

from posts.models import LegacyEntry, Publication
from readers.models import Comment


def snapshot() -> dict:
    """Row counts of everything an import writes: equal before and after means
    nothing was written."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "comments": Comment.objects.count(),
        "redirects": Redirect.objects.count(),
        "legacy": LegacyEntry.objects.count(),
        "tags": Tag.objects.count(),
        "publications": Publication.objects.count(),
        "log": PageLogEntry.objects.count(),
    }
