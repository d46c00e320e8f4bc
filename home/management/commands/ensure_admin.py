import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


def default_address() -> str:
    """Where `make run` serves: its HOST and PORT (the environment), else Django's."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    return f"{host}:{port}"


class Command(BaseCommand):
    help = (
        "Create a local admin user if the site has no superuser, and print its login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="admin-dev-only")
        parser.add_argument(
            "--address",
            default=None,
            help="host:port the site is served on (default: $HOST:$PORT, "
            "else 127.0.0.1:8000), for the printed admin address.",
        )

    def handle(self, *args, username, password, address, **options):
        admin_url = f"http://{address or default_address()}/admin/"
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Admin: {admin_url}  (an admin user already exists; log in there)"
            )
            return
        User.objects.create_superuser(username, "admin@example.com", password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {admin_url}  user: {username}  password: {password}"
            )
        )
