from django.db import migrations


def create_homepage(apps, schema_editor):
    """Replace Wagtail's welcome page with our home page as the site root."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")

    Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore").delete()
    homepage_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    if HomePage.objects.exists():
        return
    root = Page.objects.get(depth=1)
    locale = apps.get_model("wagtailcore.Locale").objects.order_by("pk").first()
    homepage = HomePage.objects.create(
        title="Ask a Korean!",
        draft_title="Ask a Korean!",
        slug="home",
        content_type=homepage_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        locale=locale,
        introduction="<p>Answers to readers' questions about Korea.</p>",
    )
    root.numchild = max(root.numchild, 1)
    root.save(update_fields=["numchild"])
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(hostname="localhost", root_page=homepage, is_default_site=True)


def remove_homepage(apps, schema_editor):
    apps.get_model("home.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0001_initial"),
        # Deleting the welcome page walks every table that points at pages.
        ("posts", "0001_initial"),
        ("readers", "0001_initial"),
        ("wagtailredirects", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
