"""Which Blogger images are already in the image library."""

from django.db import models
from wagtail.images import get_image_model_string


class ImportedImage(models.Model):
    """A picture the Blogger import copied into the image library.

    Keyed by the picture's normalised Blogger URL (the original size, one name
    for Blogger's http/https and numbered hosts), so a re-import links the
    image it stored last time instead of fetching or storing it again.
    Deleting the image forgets it: the next import fetches it afresh. A
    picture that is not worth keeping (a 1x1 tracking pixel) is remembered
    with no image and the reason, so it is never fetched again either.
    """

    source_url = models.CharField(max_length=2000, unique=True)
    image = models.ForeignKey(
        get_image_model_string(),
        on_delete=models.CASCADE,
        related_name="blogger_sources",
        null=True,
        blank=True,
    )
    skipped_reason = models.CharField(max_length=255, blank=True)
    fetched_url = models.CharField(
        max_length=2000, blank=True, help_text="Where the file actually came from."
    )
    fetched_at = models.DateTimeField(auto_now_add=True)

    # Bookkeeping, not a use of the image: the admin's usage count skips it.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = "imported Blogger image"

    def __str__(self) -> str:
        return self.source_url
