"""Who may see and act on a skill-gap flag.

A flag is about a person (or a team) and is read like their development record:

- the person sees the flags about themselves, and acts on none of them;
- their line manager sees and acts on the flags about the people they manage;
- a team's lead, the lead of its service, and administrators see and act on every flag of the
  team (a service lead answers for where the work outruns the skills across their teams);
- everyone else is told the flag does not exist (the portal answers 404 for other people's
  records, so a flag's existence does not leak).

The structural answers come from ``ksf.policies`` through ``ksf.selectors``, on today's date.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from competencies.models import Flag
from ksf import access
from ksf.models import StaffMember, Team
from ksf.policies import _active
from ksf.selectors import people_managed_by, teams_visible_to

AnyUser = User | AnonymousUser


_signed_in = _active  # one check of "a signed-in, active user" for every policy


def managed_teams(user: AnyUser) -> QuerySet[Team]:
    """Teams whose every flag the user may see and act on (lead, service lead, administrator)."""
    if not _signed_in(user):
        return Team.objects.none()
    return teams_visible_to(user)


def _acting_q(user: User) -> Q:
    """Flags the user may act on: their teams' flags, and flags about people they manage."""
    return Q(team__in=teams_visible_to(user).values("pk")) | Q(
        staff__in=people_managed_by(user).values("pk")
    )


def visible_flags(user: AnyUser) -> QuerySet[Flag]:
    """Every flag the user may read, as one query (subqueries, not lists of ids)."""
    if not _signed_in(user):
        return Flag.objects.none()
    return Flag.objects.filter(_acting_q(user) | Q(staff__user=user))


def actionable_flags(user: AnyUser) -> QuerySet[Flag]:
    """Flags the user may acknowledge, resolve or reopen: never the flags about themselves."""
    if not _signed_in(user):
        return Flag.objects.none()
    return Flag.objects.filter(_acting_q(user)).exclude(staff__user=user)


def is_about(user: AnyUser, flag: Flag) -> bool:
    """True when the flag is about the signed-in person themselves."""
    if not _signed_in(user) or flag.staff is None:
        return False
    return flag.staff.user_id == user.pk


def can_view(user: AnyUser, flag: Flag) -> bool:
    return visible_flags(user).filter(pk=flag.pk).exists()


def can_act(user: AnyUser, flag: Flag) -> bool:
    """Line manager, team lead, service lead or administrator; never the person themselves."""
    if is_about(user, flag):
        return False
    return actionable_flags(user).filter(pk=flag.pk).exists()


def can_view_person_flags(user: AnyUser, person: StaffMember) -> bool:
    """The person, whoever may view their record, or a lead of a team they have flags in."""
    if not _signed_in(user):
        return False
    if access.can_view(user, person):
        return True
    return Flag.objects.filter(staff=person, team__in=managed_teams(user).values("pk")).exists()


def sees_teams(user: AnyUser) -> bool:
    """Whether the user has a list of teams' flags to look at (leads and administrators)."""
    return _signed_in(user) and managed_teams(user).exists()
