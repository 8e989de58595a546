"""The one way a portal page gets a person or a team: through the policies, 404 otherwise.

Not found and not allowed both answer 404, so a record's existence does not leak. The rules
themselves live in ``ksf.policies``; these are the shortcuts every view uses.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404

from ksf.models import StaffMember, Team
from ksf.policies import staff_policy, team_policy


def can_view(user: User | AnonymousUser, person: StaffMember) -> bool:
    """The person, their line manager or team lead, and administrators."""
    return staff_policy.user_has_permission_for_instance(user, "view_portfolio", person)


def can_manage(user: User | AnonymousUser, person: StaffMember) -> bool:
    """Line manager or team lead (or an administrator); never the person themselves."""
    return staff_policy.user_has_permission_for_instance(user, "manage_portfolio", person)


def is_self(user: User | AnonymousUser, person: StaffMember) -> bool:
    return user.is_authenticated and person.user_id == user.pk


def person_or_404(
    user: User | AnonymousUser, staff_number: str, *, need: str = "view"
) -> StaffMember:
    """The person, if ``user`` may ``need`` ("view", "manage" or "own") their record."""
    person = StaffMember.objects.filter(staff_number=staff_number).first()
    if person is None:
        raise Http404("No such person")
    allowed = {
        "view": can_view,
        "manage": can_manage,
        "own": is_self,
    }[need](user, person)
    if not allowed:
        raise Http404("No such person")
    return person


def own_record_or_404(user: User | AnonymousUser) -> StaffMember:
    """The signed-in person's own staff record (for pages about 'me')."""
    person = getattr(user, "staff_member", None) if user.is_authenticated else None
    if person is None:
        raise Http404("Your login is not linked to a staff record")
    return person


def team_or_404(user: User | AnonymousUser, pk: int, *, need: str = "view_workforce") -> Team:
    """The team, if ``user`` may ``need`` ("view_workforce" or "view_development") it."""
    team = Team.objects.select_related("service", "site", "lead").filter(pk=pk).first()
    if team is None or not team_policy.user_has_permission_for_instance(user, need, team):
        raise Http404("No such team")
    return team
