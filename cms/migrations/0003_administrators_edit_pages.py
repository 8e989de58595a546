from django.db import migrations

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    group = Group.objects.get(name="Administrators")
    root = Page.objects.get(depth=1)
    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_home_page"),
        ("ksf", "0003_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
