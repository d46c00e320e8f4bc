"""Page privacy without a query per page: the restricted paths, read once per site.

Wagtail asks the database on every page view which of the page's ancestors carry
a view restriction (two queries), and listings that hide private pages ask it
once per listed page. Most sites restrict nothing or a handful of sections, so
the paths of the restricted pages are read once per `site` version (saving or
deleting a restriction changes the site: home/signals.py) and each question is
answered from them. A page under a restriction still gets Wagtail's own check.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import PageViewRestriction

from plumbing import cache as page_cache


def restricted_paths() -> frozenset[str]:
    """The tree paths of every page that carries a view restriction."""
    return page_cache.site_value(
        "restricted-paths",
        lambda: frozenset(
            PageViewRestriction.objects.values_list("page__path", flat=True)
        ),
    )


def is_restricted(path: str) -> bool:
    """Whether the page at `path`, or one of its ancestors, is restricted."""
    return any(path.startswith(restricted) for restricted in restricted_paths())


def public(queryset):
    """`queryset` (of pages) without the pages under a view restriction: what
    Wagtail's `.public()` answers, without reading every restriction first."""
    paths = sorted(restricted_paths())
    if not paths:
        return queryset
    under = Q()
    for restricted in paths:
        under |= Q(path__startswith=restricted)
    return queryset.exclude(under)


class KnownRestrictionsMixin:
    """For page models: Wagtail's restriction check costs no query on a page
    that no restriction covers. Aliases keep Wagtail's own lookup (their
    restrictions are their source page's)."""

    def get_view_restrictions(self):
        if self.alias_of_id is None and not is_restricted(self.path):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
