"""The roles people hold. Some come from groups, some from the organisation's structure."""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    CLINICIAN = "clinician"
    MANAGER = "manager"
    EDUCATOR = "educator"
    SUPERVISOR = "supervisor"
    SERVICE_LEAD = "service_lead"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.CLINICIAN: _("Clinician"),
    Role.MANAGER: _("Line manager"),
    Role.EDUCATOR: _("Educator"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.SERVICE_LEAD: _("Service lead"),
    Role.ANALYST: _("Workforce analyst"),
    Role.ADMINISTRATOR: _("Administrator"),
}

# Group names are data (created by migration, matched by name), so not translated.
# Groups created by migration; membership grants the role's model-wide permissions.
ROLE_GROUPS = {
    Role.CLINICIAN: "Clinicians",
    Role.MANAGER: "Line managers",
    Role.EDUCATOR: "Educators",
    Role.SUPERVISOR: "Supervisors",
    Role.SERVICE_LEAD: "Service leads",
    Role.ANALYST: "Workforce analysts",
    Role.ADMINISTRATOR: "Administrators",
}


def roles_for(user: User | AnonymousUser) -> list[Role]:
    """Every role the user holds now, in a stable order; cached on the user for the request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_ksf_roles", None)
    if cached is not None:
        return cached
    from ksf.selectors import current_reports_for, staff_for_user

    groups = set(user.groups.values_list("name", flat=True))
    staff = staff_for_user(user)
    held: set[Role] = {role for role, group in ROLE_GROUPS.items() if group in groups}
    if staff is not None:
        held.add(Role.CLINICIAN)
        if staff.teams_led.exists() or current_reports_for(staff).exists():
            held.add(Role.MANAGER)
        if staff.services_led.exists():
            held.add(Role.SERVICE_LEAD)
    if user.is_superuser:
        held.add(Role.ADMINISTRATOR)
    ordered = [role for role in Role if role in held]
    user._ksf_roles = ordered
    return ordered
