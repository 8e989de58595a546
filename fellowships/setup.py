"""The role groups' model-wide fellowship permissions: one list, for migrations and bootstrap.

Educators author programmes and run cohorts: decide applications (as service leads do for
their own service, by structure), assign supervisors, pause, withdraw. Service leads read
programmes; who they see otherwise comes from the structure (``fellowships.policies``).
"""

MANAGE = ("add", "change", "delete", "view")

GRANTS: dict[str, list[tuple[str, str]]] = {
    "Educators": [("fellowships", f"{a}_{m}") for m in ("programme", "milestone") for a in MANAGE]
    + [("fellowships", "publish_programme")]
    + [("fellowships", f"{a}_enrolment") for a in ("change", "view")]
    + [("fellowships", f"{a}_application") for a in ("change", "view")]
    + [("fellowships", f"{a}_supervisorassignment") for a in ("add", "change", "view")],
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
    ]
    + [("fellowships", "publish_programme")],
}


def grant_role_permissions(apps) -> None:
    from ksf.reference import grant_group_permissions

    grant_group_permissions(apps, GRANTS)
