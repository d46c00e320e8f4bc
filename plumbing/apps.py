from django.apps import AppConfig
from django.core import signals
from django.db.models.signals import pre_migrate

from plumbing import cache
from plumbing.sharedcache import create_cache_tables


class PlumbingConfig(AppConfig):
    """An app only for what Django looks for in apps: the fragment tag, the Wagtail
    hook that tells the page cache which page it serves, and the cache table."""

    name = "plumbing"
    verbose_name = "Plumbing"

    def ready(self):
        pre_migrate.connect(create_cache_tables, sender=self)
        # Pages and fragments built for a reader are stored after the response.
        signals.request_started.connect(cache.request_started)
        signals.request_finished.connect(cache.request_finished)
