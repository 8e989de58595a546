"""Who may import staff and follow an import run.

Starting an import, and seeing the list of runs, is for whoever may add staff (administrators).
A run's page is for the person who started it and for administrators; to anyone else a run
answers *Page not found*, so its existence does not leak.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from ksf.models import StaffImportRun
from ksf.policies import staff_policy
from ksf.roles import ROLE_GROUPS, Role

AnyUser = User | AnonymousUser


def may_import(user: AnyUser) -> bool:
    return staff_policy.user_has_permission(user, "add")


def is_administrator(user: AnyUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(
        user.is_superuser or user.groups.filter(name=ROLE_GROUPS[Role.ADMINISTRATOR]).exists()
    )


def runs_visible_to(user: AnyUser) -> "QuerySet[StaffImportRun]":
    runs = StaffImportRun.objects.all()
    if not may_import(user):
        return runs.none()
    if is_administrator(user):
        return runs
    return runs.filter(started_by_id=user.pk)


def may_see_run(user: AnyUser, run: StaffImportRun) -> bool:
    if not may_import(user):
        return False
    return run.started_by_id == user.pk or is_administrator(user)
