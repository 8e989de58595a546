from django.db import migrations

# The grants as they stood when this migration was written; competencies.activity.setup.GRANTS
# is what bootstrap restores now. In cms because competencies' own migrations belong to the
# activity models, and the grants span groups created by ksf.
KEEP = ["add", "change", "view"]
MANAGE = ["add", "change", "delete", "view"]
GRANTS = {
    "Educators": [("competencies", f"{a}_activityrequirement") for a in KEEP],
    "Service leads": [("wagtailadmin", "access_admin")]
    + [("competencies", f"{a}_activityrequirement") for a in KEEP]
    + [("competencies", f"{a}_activitysource") for a in KEEP],
    "Workforce analysts": [("wagtailadmin", "access_admin")]
    + [("competencies", "view_activityrequirement")]
    + [("competencies", f"{a}_activitysource") for a in KEEP],
    "Administrators": [
        ("competencies", f"{a}_{m}")
        for m in ("activityrequirement", "activitysource")
        for a in MANAGE
    ],
}


def grant(apps, schema_editor):
    from ksf.reference import create_permissions_now, grant_group_permissions

    create_permissions_now(apps)
    grant_group_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_programme_index_page"),
        ("competencies", "0011_activity"),
        ("ksf", "0009_staff_qualified_on"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
