# Reserved for the editorial roles and workflow (issue 5); filled in there.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("posts", "0001_initial")]

    operations = []
