"""Who may look for a competent clinician, and among whom.

Finding a clinician for a referral is a manager's job: line managers and team leads, service
leads and administrators may search (``ksf.roles``); a clinician without management
responsibility may not. Each sees only the people they answer for, from ``ksf.policies`` on
today's date: the people in the teams they may see (teams they lead, the teams of the services
they lead; administrators every team) and the people they line-manage. Administrators see
everyone in post.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from ksf import dates
from ksf.models import PostAssignment, Team
from ksf.policies import _active
from ksf.roles import Role, roles_for
from ksf.selectors import people_managed_by, teams_visible_to

AnyUser = User | AnonymousUser

SEARCHERS = (Role.MANAGER, Role.SERVICE_LEAD, Role.ADMINISTRATOR)


def may_search(user: AnyUser) -> bool:
    """Managers (line managers and team leads), service leads and administrators."""
    return _active(user) and any(role in SEARCHERS for role in roles_for(user))


def searchable_q(user: AnyUser) -> Q:
    """Assignments (``PostAssignment``) whose holder the user may find: in a team they may see,
    or someone they manage. A filter of subqueries, so it adds no query of its own."""
    if not _active(user):
        return Q(pk__in=[])
    return Q(team__in=teams_visible_to(user).values("pk")) | Q(
        staff__in=people_managed_by(user).values("pk")
    )


def searchable_teams(user: AnyUser) -> QuerySet[Team]:
    """The teams a referral can be placed in for distance: those the user may see, and the
    teams of the people they manage."""
    if not _active(user):
        return Team.objects.none()
    managed = PostAssignment.objects.current(dates.today()).filter(
        staff__in=people_managed_by(user).values("pk")
    )
    return Team.objects.filter(
        Q(pk__in=teams_visible_to(user).values("pk")) | Q(pk__in=managed.values("team_id"))
    )
