from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.snippets.models import register_snippet


@register_snippet
class Publication(index.Indexed, models.Model):
    """A newspaper or magazine that translations quote, entered once."""

    name = models.CharField(max_length=255, unique=True, help_text="e.g. Dong-A Ilbo")
    native_name = models.CharField(
        max_length=255, blank=True, help_text="The name in its own language: 동아일보"
    )
    language = models.CharField(max_length=20, default="ko")
    website = models.URLField(blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("native_name"),
        FieldPanel("language"),
        FieldPanel("website"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("native_name"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
