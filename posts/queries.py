"""Named ways for other apps to ask about posts."""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction

from .models import PostPage


def without_private(queryset):
    """Drop pages under a view restriction, inside the same SQL query.

    Wagtail's own ``public()`` first reads every restriction (one more query);
    this asks the database whether a restricted page is an ancestor instead.
    """
    restricted_ancestor = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return queryset.exclude(Exists(restricted_ancestor))


def published_posts(blog=None):
    """Live posts that anyone may read (of one blog when given), unordered."""
    queryset = without_private(PostPage.objects.live()).filter(date__isnull=False)
    if blog is not None:
        queryset = queryset.descendant_of(blog)
    return queryset


def latest_posts(limit: int = 5):
    """The newest live, public posts of the site."""
    return list(
        PostPage.objects.live().public().specific().order_by("-date", "-pk")[:limit]
    )


def posts_in_month(blog, year: int, month: int | None = None):
    """A blog's posts of one year, or of one month of it, newest first."""
    condition = Q(date__year=year)
    if month is not None:
        condition &= Q(date__month=month)
    return published_posts(blog).filter(condition).order_by("-date", "-pk")


def posts_with_label(blog, tag):
    """A blog's posts carrying one label, newest first."""
    return (
        published_posts(blog)
        .filter(tagged_items__tag=tag)
        .distinct()
        .order_by("-date", "-pk")
    )
