"""Store the HTML of every comment saved before Comment.html existed."""

from django.db import migrations

from readers.markup import comment_html

BATCH = 1000


def fill(apps, schema_editor):
    Comment = apps.get_model("readers", "Comment")
    rows = Comment.objects.filter(html="").only("pk", "body").order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        for comment in batch:
            comment.html = comment_html(comment.body)
        Comment.objects.bulk_update(batch, ["html"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("readers", "0003_comment_html")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
