"""Named ways for other apps to ask about posts."""

from .models import PostPage


def published_posts(blog=None):
    """Live posts that anyone may read (of one blog when given), unordered."""
    return PostPage.objects.published(blog)


def latest_posts(limit: int = 5):
    """The newest live, public posts of the site."""
    posts = PostPage.objects.published().specific().newest_first()
    return list(posts.prefetch_related("tags")[:limit])
