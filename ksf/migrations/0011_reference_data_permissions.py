"""Administrators keep the funded establishment and the band hourly costs in the admin."""

from django.db import migrations


def grant(apps, schema_editor):
    from ksf.reference import create_permissions_now, grant_planning_permissions

    create_permissions_now(apps)
    grant_planning_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("ksf", "0010_establishment_band_costs"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
