from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Posts"

    def ready(self):
        from . import editorial, signals

        editorial.connect_signals()
        signals.connect_signals()  # what page changes mean for caches
