"""Named ways for other apps to ask about posts."""

from .models import PostPage


def latest_posts(limit: int = 5):
    """The newest live, public posts of the site."""
    return list(
        PostPage.objects.live().public().specific().order_by("-date", "-pk")[:limit]
    )
