"""How posts are looked up: readable posts, a blog's months and labels, related posts.

`PostPage.objects` is built from this queryset, so the page models, the feeds,
the archive and other apps (through `posts.queries`) all ask the same questions
the same way, and this module needs no page model to answer them.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q
from wagtail.models import PageManager, PageQuerySet

from plumbing import privacy

from .catalogue import Surroundings
from .labels import Label

RELATED_LIMIT = 5
# What a link to a post needs: its title, address and date.
LINK_FIELDS = (
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "locale_id",
    "date",
    "first_published_at",
    "latest_revision_created_at",
)


class PostQuerySet(PageQuerySet):
    def without_private(self):
        """Drop pages under a view restriction: the restricted paths are known
        once per site version (plumbing.privacy), so a listing asks nothing
        more of the database when no page is restricted, and one path prefix
        per restricted section otherwise."""
        return privacy.public(self)

    def as_own_types(self) -> list:
        """These posts, each as its own page type (a question as a
        QuestionPostPage), in one query: Wagtail's ``specific()`` takes one
        more query for each page type."""
        children = [
            rel.get_accessor_name()
            for rel in self.model._meta.related_objects
            if rel.one_to_one and getattr(rel, "parent_link", False)
        ]
        found = []
        for post in self.select_related(*children):
            for name in children:
                try:
                    child = getattr(post, name)
                except ObjectDoesNotExist:
                    continue
                # What was prefetched for the post (its labels) stays with it.
                prefetched = getattr(post, "_prefetched_objects_cache", None)
                if prefetched is not None:
                    child._prefetched_objects_cache = prefetched
                post = child
                break
            found.append(post)
        return found

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

    def related_to(self, post, limit: int = RELATED_LIMIT, as_subquery=False):
        """Up to ``limit`` of these posts sharing labels with ``post``.

        Most shared labels first, newer first among equals, never ``post``
        itself. One SQL query: the post's labels are a subquery. With
        ``as_subquery`` the ids, unevaluated, for use inside another query.
        """
        if post.pk is None:
            return []
        ranked = (
            self.exclude(pk=post.pk)
            .filter(tagged_items__tag_id__in=self._labels_of(post))
            .annotate(shared_labels=Count("tagged_items", distinct=True))
            .order_by("-shared_labels", "-date", "-pk")
        )
        if as_subquery:
            # Grouped by id alone: grouping by every page column (the body
            # too) made this the costliest part of a cold post on SQLite.
            return (
                self.exclude(pk=post.pk)
                .filter(tagged_items__tag_id__in=self._labels_of(post))
                .values("pk")
                .annotate(shared_labels=Count("tagged_items", distinct=True))
                .order_by("-shared_labels", "-date", "-pk")
                .values("pk")[:limit]
            )
        return list(ranked[:limit])

    def surrounding(self, post, limit: int = RELATED_LIMIT) -> Surroundings:
        """Related posts (as :meth:`related_to`) and the next older and newer
        sibling of ``post`` among these posts, in one SQL query.

        Each part is an indexed subquery (a date range walked in order, the
        post's labels); the rows come back together and are told apart here.
        """
        if post.pk is None:
            return Surroundings()
        related = self.related_to(post, limit, as_subquery=True)
        wanted = Q(pk__in=related)
        if post.date is not None:
            siblings = self.sibling_of(post, inclusive=False)
            older = (
                siblings.filter(date__lte=post.date)
                .exclude(date=post.date, pk__gte=post.pk)
                .order_by("-date", "-pk")
                .values("pk")[:1]
            )
            newer = (
                siblings.filter(date__gte=post.date)
                .exclude(date=post.date, pk__lte=post.pk)
                .order_by("date", "pk")
                .values("pk")[:1]
            )
            wanted |= Q(pk__in=older) | Q(pk__in=newer)
        rows = list(
            self.model.objects.filter(wanted)
            .annotate(
                shared_labels=Count(
                    "tagged_items",
                    filter=Q(tagged_items__tag_id__in=self._labels_of(post)),
                    distinct=True,
                )
            )
            .only(*LINK_FIELDS)
        )
        found = Surroundings()
        found.related = sorted(
            (r for r in rows if r.shared_labels),
            key=lambda r: (-r.shared_labels, _negated(r.date), -r.pk),
        )[:limit]
        parent_path = post.path[: -post.steplen]
        mine = (post.date, post.pk)
        for row in rows:
            if row.date is None or row.path[: -row.steplen] != parent_path:
                continue
            if row.depth != post.depth:
                continue
            if (row.date, row.pk) < mine:
                if found.older is None or (row.date, row.pk) > (
                    found.older.date,
                    found.older.pk,
                ):
                    found.older = row
            elif found.newer is None or (row.date, row.pk) < (
                found.newer.date,
                found.newer.pk,
            ):
                found.newer = row
        return found

    def _labels_of(self, post):
        labels = self.model._meta.get_field("tags").through
        return labels.objects.filter(content_object_id=post.pk).values("tag_id")

    def labels(self):
        """The labels these posts carry, by name, each with ``post_count``."""
        return (
            Label.objects.filter(
                posts_postpagetag_items__content_object__in=self.values("pk")
            )
            .annotate(post_count=Count("posts_postpagetag_items", distinct=True))
            .order_by("name")
        )


def _negated(moment):
    """A sort key that puts later moments first."""
    return -moment.timestamp() if moment else 0


PostManager = PageManager.from_queryset(PostQuerySet)
