from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home and standard pages"

    def ready(self):
        from home import signals  # noqa: F401  (connects the receivers)
        from home.site_address import apply_after_migrate

        # Every deployment migrates: the Site record follows WAGTAILADMIN_BASE_URL.
        post_migrate.connect(apply_after_migrate, sender=self)
