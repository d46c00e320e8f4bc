"""The editorial groups, the "Editorial review" workflow and its assignment to
every existing blog. The rules themselves live in posts/editorial.py."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from posts.editorial import set_up_editorial_roles


def create_all_permissions(apps):
    # Django creates model permissions after the last migration; the groups
    # need them now, so create them from the historical models first.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def forwards(apps, schema_editor):
    create_all_permissions(apps)
    set_up_editorial_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0001_initial"),
        ("home", "0002_create_homepage"),
        ("readers", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
