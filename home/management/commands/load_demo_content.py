import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from home.demo import load_demo_content


class Command(BaseCommand):
    help = "Load the demo blog (once: a second run changes nothing)."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = load_demo_content(now=timezone.now() - datetime.timedelta(days=1))
        if created:
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        else:
            self.stdout.write("Demo content is already there; nothing changed.")
