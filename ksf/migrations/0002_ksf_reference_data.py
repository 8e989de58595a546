from django.db import migrations


def load(apps, schema_editor):
    from ksf.reference import load_ksf

    load_ksf(
        apps.get_model("ksf", "KSFDimension"),
        apps.get_model("ksf", "KSFLevel"),
        apps.get_model("ksf", "KSFIndicator"),
    )


class Migration(migrations.Migration):
    dependencies = [("ksf", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
