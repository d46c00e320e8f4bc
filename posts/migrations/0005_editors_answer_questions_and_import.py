"""Editors may answer reader questions in posts and import Blogger exports."""

from django.db import migrations

from posts.editorial import ensure_groups


class Migration(migrations.Migration):
    dependencies = [("posts", "0004_imported_image_skips")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: ensure_groups(apps),
            migrations.RunPython.noop,
        )
    ]
