"""``manage.py purge_import_uploads``: delete exports uploaded N days ago or more.

An import deletes its upload when it ends; this catches the ones whose import
never ran or never finished (a stopped worker). Reports are kept. Uploads that
older versions left in the public media folder are deleted whatever their age.
"""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from posts.models import BloggerImport


class Command(BaseCommand):
    help = "Delete uploaded Blogger exports older than N days (default 7)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days must be zero or more.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        old = BloggerImport.objects.filter(created_at__lt=cutoff).exclude(
            export_file=""
        )
        count = 0
        for job in old:
            job.delete_upload()
            count += 1
        count += _purge_public_leftovers()
        self.stdout.write(f"Deleted {count} uploaded export(s) older than {days} days.")


def _purge_public_leftovers() -> int:
    folder = BloggerImport._meta.get_field("export_file").upload_to.rstrip("/")
    try:
        _, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return 0
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    return len(names)
