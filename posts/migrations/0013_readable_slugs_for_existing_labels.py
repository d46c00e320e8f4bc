"""Labels on posts made before readable slugs (taggit named ``c#`` and ``c++``
``c_1`` and ``c_2``) take their readable slug when it is free; the old label
page address redirects to the new one, and the old Blogger label redirects
point at it."""

from django.db import migrations
from wagtail.contrib.redirects.models import Redirect as LiveRedirect

from posts.models.labels import label_slug


def _blog_prefixes(apps):
    """The site-relative address of each blog (e.g. "/blog/")."""
    PostIndexPage = apps.get_model("posts", "PostIndexPage")
    Site = apps.get_model("wagtailcore", "Site")
    roots = [site.root_page.url_path for site in Site.objects.select_related("root_page")]
    prefixes = []
    for blog in PostIndexPage.objects.all():
        root = next((r for r in roots if blog.url_path.startswith(r)), "/")
        prefixes.append("/" + blog.url_path[len(root) :])
    return prefixes


def readable_label_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    PostPageTag = apps.get_model("posts", "PostPageTag")
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    used = PostPageTag.objects.values_list("tag_id", flat=True).distinct()
    taken = set(Tag.objects.values_list("slug", flat=True))
    prefixes = None
    for tag in Tag.objects.filter(pk__in=used):
        wanted = label_slug(tag.name)
        if tag.slug == wanted or wanted in taken:
            continue
        old = tag.slug
        taken.discard(old)
        taken.add(wanted)
        Tag.objects.filter(pk=tag.pk).update(slug=wanted)
        if prefixes is None:
            prefixes = _blog_prefixes(apps)
        for prefix in prefixes:
            old_link, new_link = f"{prefix}label/{old}/", f"{prefix}label/{wanted}/"
            Redirect.objects.filter(redirect_link=old_link).update(
                redirect_link=new_link
            )
            path = LiveRedirect.normalise_path(old_link)
            if not Redirect.objects.filter(old_path=path, site=None).exists():
                Redirect.objects.create(
                    old_path=path, site=None, is_permanent=True, redirect_link=new_link
                )


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0012_posts_clear_of_blog_routes"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [
        migrations.RunPython(readable_label_slugs, migrations.RunPython.noop),
    ]
