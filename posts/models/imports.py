"""What the Blogger import remembers between runs."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models


def upload_storage():
    """Where uploaded exports wait for their import: never the public media."""
    return storages["blogger_imports"]


class LegacyEntry(models.Model):
    """One Blogger post or page and the Wagtail page it became.

    Keyed by Blogger's id so that a re-import updates instead of duplicating.
    """

    source_id = models.CharField(max_length=255, unique=True)
    kind = models.CharField(
        max_length=10,
        choices=[
            ("post", "Post"),
            ("page", "Page"),
            ("sample", "Blog holding sample content"),
        ],
        default="post",
    )
    page = models.OneToOneField(
        "wagtailcore.Page",
        null=True,
        on_delete=models.SET_NULL,
        related_name="legacy_entry",
    )
    old_path = models.CharField(max_length=500, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "legacy entries"

    def __str__(self) -> str:
        return self.old_path or self.source_id


class BloggerImport(models.Model):
    """An import started from the admin: the uploaded file, progress and report."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # Deleted once imported (the report stays), or by `purge_import_uploads`.
    export_file = models.FileField(upload_to="blogger-imports/", storage=upload_storage)
    original_name = models.CharField(max_length=255, blank=True)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name or 'export'} ({self.get_status_display()})"

    def delete_upload(self) -> None:
        """Remove the uploaded file (it holds e-mail addresses); keep the rest."""
        if self.export_file:
            self.export_file.delete(save=False)
            type(self).objects.filter(pk=self.pk).update(export_file="")
