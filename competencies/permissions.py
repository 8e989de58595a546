"""Who may edit which framework: owners and people given it, plus model-wide editors."""

from django.contrib.auth.models import User
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from ksf.permissions import ObjectPermissionPolicy

framework_policy = ObjectPermissionPolicy("competencies.Framework")

EDIT_PERMS = ("competencies.change_framework", "competencies.view_framework")


def grant_framework(framework, user: User) -> None:
    for perm in EDIT_PERMS:
        assign_perm(perm, user, framework)


@transaction.atomic
def hand_over(framework, *, to: User, by: User | None) -> None:
    """Make ``to`` the owner; the previous owner keeps nothing unless granted separately."""
    from ksf import audit

    previous = framework.owner
    if previous is not None and previous != to:
        for perm in EDIT_PERMS:
            remove_perm(perm, previous, framework)
    framework.owner = to
    framework.save(update_fields=["owner"])
    if not framework.live:
        framework.save_revision(user=by)  # publishing restores fields from the latest revision
    grant_framework(framework, to)
    audit.log_change(
        framework,
        by,
        {"owner": [previous.get_username() if previous else "—", to.get_username()]},
    )
