from django.db import migrations

def create_groups(apps, schema_editor):
    from ksf.reference import create_permissions_now

    create_permissions_now(apps)

    from ksf.reference import create_role_groups

    create_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("ksf", "0002_ksf_reference_data"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
