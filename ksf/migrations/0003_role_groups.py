from django.db import migrations

ADMIN_MODELS = [
    "organisation",
    "caresite",
    "service",
    "team",
    "staffmember",
    "post",
    "postassignment",
    "outlineentry",
    "ksfdimension",
    "ksflevel",
    "ksfindicator",
]

GROUP_PERMISSIONS = {
    "Clinicians": [],
    "Line managers": [],
    "Supervisors": [],
    "Educators": [("wagtailadmin", "access_admin")],
    "Service leads": [("ksf", "view_workforce_team"), ("ksf", "view_post")],
    "Administrators": [
        ("wagtailadmin", "access_admin"),
        ("ksf", "view_workforce_team"),
        ("ksf", "view_portfolio_staffmember"),
    ]
    + [("ksf", f"{action}_{model}") for model in ADMIN_MODELS for action in ("add", "change", "delete", "view")]
    + [
        ("auth", "add_user"),
        ("auth", "change_user"),
        ("auth", "view_user"),
        ("auth", "view_group"),
    ],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is None:
                raise RuntimeError(f"Missing permission {app_label}.{codename}")
            group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("ksf", "0002_ksf_reference_data"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
