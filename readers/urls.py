"""Public endpoints for what readers send (comments, feeds)."""

from django.urls import path

from readers import feeds, views

app_name = "readers"

urlpatterns: list = [
    path("comments/<int:page_id>/post/", views.post_comment, name="post_comment"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="latest_comments_feed"),
    path(
        "comments/<int:page_id>/feed/",
        feeds.PostCommentsFeed(),
        name="post_comments_feed",
    ),
]
