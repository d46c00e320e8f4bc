from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Posts"

    def ready(self):
        from . import editorial, review, signals

        editorial.connect_signals()
        review.connect_signals()  # the unchecked-translation flag
        signals.connect_signals()  # what page changes mean for caches
