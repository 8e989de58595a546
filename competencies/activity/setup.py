"""The role groups' model-wide permissions over caseload activity: one list, for the migration
that grants them (cms 0007) and for bootstrap, which restores them.

Educators and service leads keep the activity-to-competency map in the Wagtail admin;
service leads and workforce analysts keep the sources (their column mappings). Both reach
the admin for that. Administrators may do everything, deleting included. Who may upload an
extract comes from the role (``cms.portal.activity``), not from a grant.
"""

KEEP = ("add", "change", "view")
MANAGE = ("add", "change", "delete", "view")

GRANTS: dict[str, list[tuple[str, str]]] = {
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


def grant_role_permissions(apps) -> None:
    from ksf.reference import grant_group_permissions

    grant_group_permissions(apps, GRANTS)
