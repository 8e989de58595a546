"""Keep django-guardian rows in step with the organisation's structure.

Grants are derived from who is whose line manager and who leads which team. The policies
in ``ksf.policies`` also read the structure directly, so access starts and ends on an
assignment's dates whether or not this sync has run; the rows serve the Wagtail admin's
guardian-scoped listings.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q

from ksf import dates

SELF_PERMS = ("view_portfolio_staffmember",)


MANAGER_PERMS = ("view_portfolio_staffmember", "manage_portfolio_staffmember")


TEAM_LEAD_PERMS = ("view_workforce_team",)


@dataclass(frozen=True)
class SyncResult:
    granted: int
    revoked: int


def _perm_ids(codenames: Iterable[str]) -> dict[str, int]:
    return dict(
        Permission.objects.filter(
            content_type__app_label="ksf", codename__in=codenames
        ).values_list("codename", "id")
    )


@transaction.atomic
def sync_structure_permissions(
    *, staff_ids: Iterable[int] | None = None, on: datetime.date | None = None
) -> SyncResult:
    """Make guardian rows match the structure as it stands on ``on`` (default today).

    With ``staff_ids``, only grants *on* those people are recomputed (cheap, used after a
    single edit); without, everything is, which a daily job runs so that a manager loses
    access the day an assignment ends.
    """
    from ksf.models import (
        PostAssignment,
        StaffMember,
        StaffMemberUserObjectPermission,
    )

    on = on or dates.today()
    ids = _perm_ids(SELF_PERMS + MANAGER_PERMS + TEAM_LEAD_PERMS)
    scope = Q() if staff_ids is None else Q(pk__in=list(staff_ids))

    desired: set[tuple[int, int, int]] = set()
    for staff_id, user_id in StaffMember.objects.filter(scope, user__isnull=False).values_list(
        "pk", "user_id"
    ):
        desired.update((user_id, staff_id, ids[c]) for c in SELF_PERMS)

    current = PostAssignment.objects.current(on)
    if staff_ids is not None:
        current = current.filter(staff_id__in=list(staff_ids))
    pairs = set(
        current.filter(line_manager__user__isnull=False).values_list(
            "line_manager__user_id", "staff_id"
        )
    ) | set(
        current.filter(team__lead__user__isnull=False).values_list(
            "team__lead__user_id", "staff_id"
        )
    )
    for user_id, staff_id in pairs:
        desired.update((user_id, staff_id, ids[c]) for c in MANAGER_PERMS)

    existing_qs = StaffMemberUserObjectPermission.objects.filter(
        permission_id__in=[ids[c] for c in MANAGER_PERMS]
    )
    if staff_ids is not None:
        existing_qs = existing_qs.filter(content_object_id__in=list(staff_ids))
    existing = {
        (u, s, p): pk
        for pk, u, s, p in existing_qs.values_list(
            "pk", "user_id", "content_object_id", "permission_id"
        )
    }
    to_add = desired - existing.keys()
    to_remove = [pk for key, pk in existing.items() if key not in desired]
    StaffMemberUserObjectPermission.objects.filter(pk__in=to_remove).delete()
    StaffMemberUserObjectPermission.objects.bulk_create(
        [
            StaffMemberUserObjectPermission(user_id=u, content_object_id=s, permission_id=p)
            for u, s, p in to_add
        ],
        batch_size=1000,
        ignore_conflicts=True,  # a concurrent sync may have added the same row
    )
    granted, revoked = len(to_add), len(to_remove)

    if staff_ids is None:
        added, removed = sync_team_lead_grants()
        granted += added
        revoked += removed
    return SyncResult(granted=granted, revoked=revoked)


def sync_team_permissions(team_ids: Iterable[int]) -> None:
    """After a team's lead changes: regrant the team and everyone currently in it."""
    from ksf.models import PostAssignment

    staff_ids = set(
        PostAssignment.objects.filter(team_id__in=list(team_ids)).values_list("staff_id", flat=True)
    )
    sync_structure_permissions(staff_ids=staff_ids)
    sync_team_lead_grants()


def sync_team_lead_grants() -> tuple[int, int]:
    """Team leads see their teams; service leads see every team in the services they lead."""
    from ksf.models import Team, TeamUserObjectPermission

    team_perm = _perm_ids(TEAM_LEAD_PERMS)[TEAM_LEAD_PERMS[0]]
    wanted = set(Team.objects.filter(lead__user__isnull=False).values_list("lead__user_id", "pk"))
    wanted |= set(
        Team.objects.filter(service__lead__user__isnull=False).values_list(
            "service__lead__user_id", "pk"
        )
    )
    have = {
        (u, t): pk
        for pk, u, t in TeamUserObjectPermission.objects.filter(
            permission_id=team_perm
        ).values_list("pk", "user_id", "content_object_id")
    }
    remove = [pk for key, pk in have.items() if key not in wanted]
    add = wanted - have.keys()
    TeamUserObjectPermission.objects.filter(pk__in=remove).delete()
    TeamUserObjectPermission.objects.bulk_create(
        [
            TeamUserObjectPermission(user_id=u, content_object_id=t, permission_id=team_perm)
            for u, t in add
        ],
        ignore_conflicts=True,
    )
    return len(add), len(remove)
