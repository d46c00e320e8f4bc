"""What a page type carries to take readers' comments.

A page model that readers may comment on inherits `CommentablePage`: its
comment policy, its own closing time and when comments were recorded closed.
The rules that read these fields live in `readers.closure`; other apps never
declare comment fields themselves.
"""

from __future__ import annotations

import datetime

from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import get_page_models


class CommentablePage(models.Model):
    """A page that readers may comment on."""

    class CommentPolicy(models.TextChoices):
        AUTO = "auto", "Site rule (close after the site's number of days)"
        OPEN = "open", "Open"
        LOCKED = "locked", "Locked: show comments, accept no new ones"
        HIDDEN = "hidden", "Hidden: show none, accept none"

    comment_policy = models.CharField(
        max_length=10, choices=CommentPolicy.choices, default=CommentPolicy.AUTO
    )
    comments_close_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Close comments at this time, whatever the site rule says.",
    )
    comments_closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    comment_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("comment_policy"), FieldPanel("comments_close_at")]
                )
            ],
            heading="Comments",
        )
    ]

    class Meta:
        abstract = True

    def comments_count_from(self) -> datetime.datetime | None:
        """When the site's "close after so many days" rule starts counting."""
        return self.first_published_at

    @classmethod
    def page_models(cls) -> list[type[CommentablePage]]:
        """Every page model that takes comments."""
        return [model for model in get_page_models() if issubclass(model, cls)]

    @classmethod
    def table_models(cls) -> list[type[CommentablePage]]:
        """One commentable model per table that holds the comment fields.

        A subclass of a commentable page (a question post) keeps its comment
        fields in its parent's table, so only the parent is listed.
        """
        return [
            model
            for model in cls.page_models()
            if not any(issubclass(p, cls) for p in model._meta.get_parent_list())
        ]
