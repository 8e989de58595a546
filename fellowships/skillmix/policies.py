"""Who may see and change a what-if scenario.

A scenario is read by the people who may see its team's workforce figures (the team's lead,
its service lead, administrators: ``TeamPolicy.view_workforce``), and changed only by its
author, who must still be able to see the team. Views answer 404 alike when a scenario does
not exist or may not be read, so its existence does not leak.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from fellowships.models import Scenario
from ksf.models import Team
from ksf.policies import team_policy


def may_see_team(user: User | AnonymousUser, team: Team) -> bool:
    return team_policy.user_has_permission_for_instance(user, "view_workforce", team)


def may_read(user: User | AnonymousUser, scenario: Scenario) -> bool:
    return may_see_team(user, scenario.team)


def may_edit(user: User | AnonymousUser, scenario: Scenario) -> bool:
    return bool(
        user.is_authenticated and scenario.author_id == user.pk and may_read(user, scenario)
    )


def may_create(user: User | AnonymousUser, team: Team) -> bool:
    return may_see_team(user, team)


def readable(user: User | AnonymousUser, team: Team) -> QuerySet[Scenario]:
    """The team's scenarios this user may read (all of them, or none)."""
    scenarios = Scenario.objects.filter(team=team).select_related("author")
    return scenarios if may_see_team(user, team) else scenarios.none()
