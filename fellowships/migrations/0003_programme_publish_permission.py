"""Publishing programmes: educators and administrators.

0002 gave both groups add/change/delete/view on programmes but not ``publish_programme``
(Wagtail adds that permission for draft-state models only after migrating), so nobody but a
superuser could publish one. The shipped programme templates are not loaded here: they need
the real models (revisions, the shipped frameworks' competencies), so
``fellowships.programmes.shipped`` is called from the demo instead.
"""

from django.db import migrations

GROUPS = ["Educators", "Administrators"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    programme_type, _ = ContentType.objects.get_or_create(
        app_label="fellowships", model="programme"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=programme_type,
        codename="publish_programme",
        defaults={"name": "Can publish fellowship programme"},
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("fellowships", "0002_role_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
