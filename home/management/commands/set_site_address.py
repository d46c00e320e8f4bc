from django.core.management.base import BaseCommand

from home.site_address import apply_site_address, configured_address


class Command(BaseCommand):
    help = "Write WAGTAILADMIN_BASE_URL's host and port to the default Wagtail Site."

    def handle(self, *args, **options):
        address = configured_address()
        if address is None:
            self.stderr.write("WAGTAILADMIN_BASE_URL is not an http(s) address.")
            return
        site = apply_site_address()
        state = "now" if site else "already"
        self.stdout.write(f"The default site is {state} {address[0]}:{address[1]}.")
