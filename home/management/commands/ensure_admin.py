from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a local admin user if the site has no superuser, and print its login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="admin-dev-only")

    def handle(self, *args, username, password, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("Admin: an admin user already exists; log in at /admin/.")
            return
        User.objects.create_superuser(username, "admin@example.com", password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: http://127.0.0.1:8000/admin/  user: {username}  "
                f"password: {password}"
            )
        )
