"""The admin's Blogger import, run as a background task (`plumbing.tasks`)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils import timezone

from plumbing.tasks import task
from posts.models import BloggerImport

from .formats import ImportRefused
from .importer import ImportOptions, import_export

logger = logging.getLogger(__name__)


def progress_key(import_id: int) -> str:
    return f"blogger-import-progress-{import_id}"


def current_progress(job: BloggerImport) -> dict:
    """The latest progress of a running import (the cache), else what was saved."""
    return cache.get(progress_key(job.pk)) or job.progress or {}


@task()
def run_blogger_import(import_id: int) -> str:
    """Import the export uploaded with BloggerImport ``import_id``."""
    job = BloggerImport.objects.filter(pk=import_id).first()
    if job is None or job.status not in (BloggerImport.Status.QUEUED,):
        return "skipped"
    job.status = BloggerImport.Status.RUNNING
    job.save(update_fields=["status"])

    def progress(state: dict) -> None:
        # The import runs in one transaction, so other requests cannot see
        # rows it writes; progress goes through the cache instead.
        cache.set(progress_key(import_id), state, 3600)

    options = ImportOptions.from_dict(job.options)
    try:
        with job.export_file.open("rb") as export:
            report = import_export(export, options, progress)
    except ImportRefused as exc:
        job.status = BloggerImport.Status.FAILED
        job.error = f"Import refused: {exc}. Nothing was written."
    except Exception as exc:  # the page must say it failed, whatever happened
        logger.exception("Blogger import %s failed", import_id)
        job.status = BloggerImport.Status.FAILED
        job.error = f"The import failed and wrote nothing ({exc.__class__.__name__})."
    else:
        job.status = BloggerImport.Status.DONE
        job.report = report.as_dict()
    job.progress = cache.get(progress_key(import_id)) or {}
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "report", "progress", "finished_at"])
    job.delete_upload()  # done or failed: the report says what happened
    cache.delete(progress_key(import_id))
    return job.status
