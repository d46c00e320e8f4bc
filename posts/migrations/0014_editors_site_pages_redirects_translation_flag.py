"""Editors edit and publish the site's own pages and manage redirects; posts
published with an unchecked translation are flagged. The roles are set up
again as a whole (0005 reset the groups without their blog permissions)."""

from django.db import migrations, models

from posts.editorial import create_permissions_now, set_up_editorial_roles


def forwards(apps, schema_editor):
    create_permissions_now(apps)
    set_up_editorial_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0013_readable_slugs_for_existing_labels"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [
        migrations.AddField(
            model_name="postpage",
            name="translation_unchecked",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
