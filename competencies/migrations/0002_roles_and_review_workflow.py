from django.db import migrations

def setup(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    from competencies.setup import ensure

    ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0001_initial"),
        ("ksf", "0003_role_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
