"""Related posts: the ones that share the most labels with a post."""

from django.db.models import Count

from .models import PostPageTag
from .queries import published_posts

RELATED_LIMIT = 5


def related_posts(post, limit: int = RELATED_LIMIT):
    """Up to ``limit`` readable posts sharing labels with ``post``.

    Most shared labels first, newer first among equals, never ``post`` itself.
    One SQL query: the post's labels are a subquery, not a separate fetch.
    """
    if post.pk is None:
        return []
    own_labels = PostPageTag.objects.filter(content_object_id=post.pk).values("tag_id")
    return list(
        published_posts()
        .exclude(pk=post.pk)
        .filter(tagged_items__tag_id__in=own_labels)
        .annotate(shared_labels=Count("tagged_items", distinct=True))
        .order_by("-shared_labels", "-date", "-pk")[:limit]
    )
