from django.db import migrations


def create_home(apps, schema_editor):
    from cms.bootstrap import ensure_home_page

    ensure_home_page(apps)


def remove_home(apps, schema_editor):
    apps.get_model("cms", "HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_home, remove_home)]
