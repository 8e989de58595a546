from django.db import migrations


def grant(apps, schema_editor):
    from cms.bootstrap import grant_admin_page_permissions

    grant_admin_page_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_home_page"),
        ("ksf", "0003_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
