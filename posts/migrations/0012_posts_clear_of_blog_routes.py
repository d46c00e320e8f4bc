"""Posts imported before slugs were kept clear of the blog's routes (a post at
/2021/09/9679.html became /blog/9679/, the year archive's address) move to a
free slug. Their old Blogger addresses redirect to the page itself, so they
follow."""

import re

from django.db import migrations

# The blog's routes as of this migration: YYYY/ (years), feed/, label/, and
# Blogger's search/.
_ROUTE = re.compile(r"^(\d{4}|feed|label|search)$")
_STEPLEN = 4


def move_posts_off_routes(apps, schema_editor):
    PostPage = apps.get_model("posts", "PostPage")
    Page = apps.get_model("wagtailcore", "Page")
    for post in PostPage.objects.all().only("slug", "path", "url_path"):
        if not _ROUTE.match(post.slug):
            continue
        parent_path = post.path[:-_STEPLEN]
        parent = Page.objects.filter(path=parent_path).only("url_path").first()
        siblings = set(
            Page.objects.filter(
                path__startswith=parent_path, depth=len(post.path) // _STEPLEN
            ).values_list("slug", flat=True)
        )
        base = f"post-{post.slug}"
        slug, number = base, 2
        while slug in siblings:
            slug = f"{base}-{number}"
            number += 1
        url_path = f"{parent.url_path}{slug}/" if parent else post.url_path
        Page.objects.filter(pk=post.pk).update(slug=slug, url_path=url_path)


class Migration(migrations.Migration):
    dependencies = [("posts", "0011_import_uploads_private")]

    operations = [
        migrations.RunPython(move_posts_off_routes, migrations.RunPython.noop),
    ]
