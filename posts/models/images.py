"""Which Blogger images are already in the image library."""

from django.db import models
from wagtail.images import get_image_model_string


class ImportedImage(models.Model):
    """A picture the Blogger import copied into the image library.

    Keyed by the picture's normalised Blogger URL (the original size, one name
    for Blogger's http/https and numbered hosts), so a re-import links the
    image it stored last time instead of fetching or storing it again.
    Deleting the image forgets it: the next import fetches it afresh.
    """

    source_url = models.CharField(max_length=2000, unique=True)
    image = models.ForeignKey(
        get_image_model_string(),
        on_delete=models.CASCADE,
        related_name="blogger_sources",
    )
    fetched_url = models.CharField(
        max_length=2000, blank=True, help_text="Where the file actually came from."
    )
    fetched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "imported Blogger image"

    def __str__(self) -> str:
        return self.source_url
