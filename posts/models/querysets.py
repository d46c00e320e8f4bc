"""How posts are looked up: readable posts, a blog's months and labels, related posts.

`PostPage.objects` is built from this queryset, so the page models, the feeds,
the archive and other apps (through `posts.queries`) all ask the same questions
the same way, and this module needs no page model to answer them.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from wagtail.models import PageManager, PageQuerySet, PageViewRestriction

from .labels import Label

RELATED_LIMIT = 5


class PostQuerySet(PageQuerySet):
    def without_private(self):
        """Drop pages under a view restriction, inside the same SQL query.

        Wagtail's own ``public()`` first reads every restriction (one more
        query); this asks the database whether a restricted page is an
        ancestor instead.
        """
        restricted_ancestor = PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
        return self.exclude(Exists(restricted_ancestor))

    def published(self, blog=None):
        """Live posts anyone may read (of one blog when given), unordered."""
        queryset = self.live().without_private().filter(date__isnull=False)
        if blog is not None:
            queryset = queryset.descendant_of(blog)
        return queryset

    def newest_first(self):
        return self.order_by("-date", "-pk")

    def in_month(self, year: int, month: int | None = None):
        """Posts of one year, or of one month of it, newest first."""
        condition = Q(date__year=year)
        if month is not None:
            condition &= Q(date__month=month)
        return self.filter(condition).newest_first()

    def with_label(self, tag):
        """Posts carrying one label, newest first."""
        return self.filter(tagged_items__tag=tag).distinct().newest_first()

    def related_to(self, post, limit: int = RELATED_LIMIT) -> list:
        """Up to ``limit`` of these posts sharing labels with ``post``.

        Most shared labels first, newer first among equals, never ``post``
        itself. One SQL query: the post's labels are a subquery.
        """
        if post.pk is None:
            return []
        labels = self.model._meta.get_field("tags").through
        own_labels = labels.objects.filter(content_object_id=post.pk).values("tag_id")
        return list(
            self.exclude(pk=post.pk)
            .filter(tagged_items__tag_id__in=own_labels)
            .annotate(shared_labels=Count("tagged_items", distinct=True))
            .order_by("-shared_labels", "-date", "-pk")[:limit]
        )

    def labels(self):
        """The labels these posts carry, by name, each with ``post_count``."""
        return (
            Label.objects.filter(
                posts_postpagetag_items__content_object__in=self.values("pk")
            )
            .annotate(post_count=Count("posts_postpagetag_items", distinct=True))
            .order_by("name")
        )


PostManager = PageManager.from_queryset(PostQuerySet)
