from django.db import migrations

def setup(apps, schema_editor):
    from ksf.reference import create_permissions_now

    create_permissions_now(apps)
    from competencies.setup import ensure

    ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0001_initial"),
        ("ksf", "0003_role_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
