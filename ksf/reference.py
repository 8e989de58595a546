"""Load the KSF reference data (dimensions, levels, indicators) shipped in reference_data/.

Idempotent: existing rows are updated in place and local indicators are never touched, so it
is safe to run from a migration and again after the files change.
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "reference_data"


def read_dimensions() -> list[dict[str, str]]:
    with (DATA / "ksf_dimensions.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_levels() -> list[dict[str, str]]:
    with (DATA / "ksf_levels.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def split_indicators(text: str) -> list[tuple[str, str]]:
    """'a) does x | b) does y' -> [('a', 'does x'), ('b', 'does y')]"""
    items = []
    for part in text.split(" | "):
        letter, _, statement = part.strip().partition(") ")
        items.append((letter.strip(), statement.strip()))
    return items


def load_ksf(dimension_model, level_model, indicator_model) -> int:
    """Create or update the 30 dimensions; models are passed in so migrations can call it."""
    for order, row in enumerate(read_dimensions(), start=1):
        dimension_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "kind": row["kind"],
                "group": row["group"],
                "title": row["title"],
                "sort_order": order,
            },
        )
    dimensions = {d.code: d for d in dimension_model.objects.all()}
    for row in read_levels():
        level, _ = level_model.objects.update_or_create(
            dimension=dimensions[row["dimension"]],
            level=int(row["level"]),
            defaults={"title": row["title"]},
        )
        for letter, text in split_indicators(row["indicators"]):
            indicator_model.objects.update_or_create(
                level=level, letter=letter, is_local=False, defaults={"text": text}
            )
    return len(dimensions)


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
    # Service leads see the teams of the services they lead (object grants), not every team.
    "Service leads": [("ksf", "view_post")],
    # Workforce analysts load caseload activity and keep its sources (competencies.activity.setup).
    "Workforce analysts": [],
    "Administrators": [
        ("wagtailadmin", "access_admin"),
        ("ksf", "view_workforce_team"),
        ("ksf", "view_portfolio_staffmember"),
    ]
    + [
        ("ksf", f"{action}_{model}")
        for model in ADMIN_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    + [
        ("auth", "add_user"),
        ("auth", "change_user"),
        ("auth", "view_user"),
        ("auth", "view_group"),
    ],
}


def create_permissions_now(apps) -> None:
    """Permissions appear after migrating; a data migration that grants them needs them now."""
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None


def grant_group_permissions(apps, grants: dict[str, list[tuple[str, str]]]) -> None:
    """Create each group if needed and give it the listed (app label, codename) permissions."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is None:
                raise RuntimeError(f"Missing permission {app_label}.{codename}")
            group.permissions.add(perm)


def create_role_groups(apps) -> None:
    """Create the role groups with their model-wide permissions (idempotent)."""
    grant_group_permissions(apps, GROUP_PERMISSIONS)


# Models added after the role groups' migration (0003): granted by their own migration (0011)
# and again by bootstrap, which rebuilds the groups.
PLANNING_ADMIN_MODELS = ["establishment", "bandcost"]


def grant_planning_permissions(apps) -> None:
    """Administrators keep the funded establishment and the band hourly costs."""
    grant_group_permissions(
        apps,
        {
            "Administrators": [
                ("ksf", f"{action}_{model}")
                for model in PLANNING_ADMIN_MODELS
                for action in ("add", "change", "delete", "view")
            ]
        },
    )
