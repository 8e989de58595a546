from django.db import migrations


def create(apps, schema_editor):
    from cms.bootstrap import ensure_framework_index

    ensure_framework_index(apps)


class Migration(migrations.Migration):
    dependencies = [("cms", "0004_framework_pages")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
