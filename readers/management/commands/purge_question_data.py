from django.core.management.base import BaseCommand, CommandError

from readers.questions import purge_personal_data


class Command(BaseCommand):
    help = (
        "Delete the e-mail address and IP hash of reader questions that were "
        "declined or marked spam more than N days ago (default 180)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=180,
            help="Keep personal data this many days after the decision.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count, change nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days must be zero or more.")
        count = purge_personal_data(days, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"{count} declined or spam question(s) older than {days} days "
                "hold personal data; nothing changed (dry run)."
            )
        else:
            self.stdout.write(
                f"Removed e-mail and IP hash from {count} declined or spam "
                f"question(s) older than {days} days."
            )
