"""Named ways for other apps to ask about posts."""

from .models import PostPage
from .models.pages import LISTING_RENDITION, with_listing_images


def published_posts(blog=None):
    """Live posts that anyone may read (of one blog when given), unordered."""
    return PostPage.objects.published(blog)


def latest_posts(limit: int = 5):
    """The newest live, public posts of the site, with their labels and
    listing pictures."""
    posts = PostPage.objects.published().newest_first().prefetch_related("tags")
    return with_listing_images(posts[:limit].as_own_types(), LISTING_RENDITION)
