"""Who may load caseload activity, and whose import runs they may open."""

from django.contrib.auth.models import AnonymousUser, User

from competencies.models import ActivityImportRun
from ksf.roles import Role, roles_for

UPLOADERS = (Role.SERVICE_LEAD, Role.ANALYST, Role.ADMINISTRATOR)
SEE_EVERY_RUN = (Role.ANALYST, Role.ADMINISTRATOR)


def may_upload(user: User | AnonymousUser) -> bool:
    """Service leads, workforce analysts and administrators load extracts."""
    return user.is_authenticated and user.is_active and bool(set(roles_for(user)) & set(UPLOADERS))


def may_open_run(user: User | AnonymousUser, run: ActivityImportRun) -> bool:
    """A run is seen by whoever started it, and by analysts and administrators (who look after
    every import)."""
    if not may_upload(user):
        return False
    return run.started_by_id == user.pk or sees_every_run(user)


def sees_every_run(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and bool(set(roles_for(user)) & set(SEE_EVERY_RUN))
