"""Admin menu item and URLs of the Blogger import."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views

app_name = "blogger_import"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
]


@hooks.register("register_admin_urls")
def register_blogger_import_urls():
    return [
        path(
            "blogger-import/",
            include((urlpatterns, "blogger_import"), namespace="blogger_import"),
        )
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_import(request.user)


@hooks.register("register_settings_menu_item")
def register_blogger_import_menu_item():
    return ImportMenuItem(
        "Import from Blogger",
        reverse("blogger_import:index"),
        icon_name="download",
        order=900,
    )
