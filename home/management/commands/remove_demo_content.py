from django.core.management.base import BaseCommand
from django.db import transaction

from home.demo import remove_demo_content


class Command(BaseCommand):
    help = (
        "Remove the demo blog that `make run` loads: its posts, pages, comments, "
        "labels and redirects, and nothing else."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            removed = remove_demo_content()
        if removed.pages or removed.blogs:
            self.stdout.write(self.style.SUCCESS(f"Removed the demo: {removed}."))
        else:
            self.stdout.write("There is no demo content; nothing changed.")
