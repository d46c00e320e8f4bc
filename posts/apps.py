from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Posts"

    def ready(self):
        from . import cache, editorial

        editorial.connect_signals()
        cache.connect_signals()  # page cache versions and frontend purges
