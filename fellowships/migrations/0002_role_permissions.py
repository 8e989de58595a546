from django.db import migrations

# The grants as they stood when this migration was written; fellowships.setup.GRANTS is
# what bootstrap restores now (0003 adds publishing).
MANAGE = ["add", "change", "delete", "view"]
GRANTS = {
    # Educators author programmes and run cohorts: decide applications (as service leads do
    # for their own service), assign supervisors, pause, withdraw.
    "Educators": [("fellowships", f"{a}_{m}") for m in ("programme", "milestone") for a in MANAGE]
    + [("fellowships", f"{a}_enrolment") for a in ("change", "view")]
    + [("fellowships", f"{a}_application") for a in ("change", "view")]
    + [("fellowships", "view_supervisorassignment")]
    + [("fellowships", f"{a}_supervisorassignment") for a in ("add", "change")],
    # Service leads decide the applications of their own service's staff and see its
    # fellows: that comes from the structure (fellowships.policies), not a model-wide grant.
    "Service leads": [("fellowships", "view_programme")],
    "Administrators": [
        ("fellowships", f"{a}_{m}")
        for m in (
            "programme",
            "milestone",
            "application",
            "enrolment",
            "supervisorassignment",
            "credential",
        )
        for a in MANAGE
    ],
}


def grant(apps, schema_editor):
    from ksf.reference import create_permissions_now, grant_group_permissions

    create_permissions_now(apps)
    grant_group_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("fellowships", "0001_initial"), ("ksf", "0009_staff_qualified_on")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
