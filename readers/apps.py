from django.apps import AppConfig


class ReadersConfig(AppConfig):
    name = "readers"
    verbose_name = "Readers"

    def ready(self):
        from readers import signals  # noqa: F401  (connects the receivers)
