from django.apps import AppConfig


class ReadersConfig(AppConfig):
    name = "readers"
    verbose_name = "Readers"

    def ready(self):
        from readers import cache_hooks, signals  # noqa: F401  (connects receivers)

        cache_hooks.register_form_token()
