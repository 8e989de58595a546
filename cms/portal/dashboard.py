"""What each signed-in person sees first: one section per role they hold."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.urls import reverse

from ksf import dates, selectors
from ksf.models import Post, StaffMember, Team
from ksf.roles import Role, roles_for

HCPC_WARNING_DAYS = 90


@dataclass
class Dashboard:
    roles: list[Role]
    staff: StaffMember | None = None
    sections: dict[str, dict] = field(default_factory=dict)

    @property
    def role_labels(self) -> list[str]:
        return [r.label for r in self.roles]


def dashboard_for(user: User, today: datetime.date | None = None) -> Dashboard:
    today = today or dates.today()
    roles = roles_for(user)
    staff = selectors.staff_for_user(user)
    board = Dashboard(roles=roles, staff=staff)
    if staff is not None:
        board.sections["me"] = _me(staff, today)
    if Role.MANAGER in roles and staff is not None:
        board.sections["manager"] = _manager(user, staff)
    if Role.SERVICE_LEAD in roles:
        board.sections["service_lead"] = _service_lead(user, staff)
    if Role.EDUCATOR in roles:
        board.sections["educator"] = _educator(user)
    supervising = _supervisor(user)
    if Role.SUPERVISOR in roles or supervising["fellows"]:
        board.sections["supervisor"] = supervising
    if Role.ADMINISTRATOR in roles:
        board.sections["administrator"] = _administrator()
    if any(role in (Role.SERVICE_LEAD, Role.ANALYST, Role.ADMINISTRATOR) for role in roles):
        board.sections["activity"] = _activity(user)
    return board


def _activity(user: User) -> dict:
    """Caseload activity imports: the latest one this person may open (one query)."""
    from competencies.activity.selectors import runs_visible_to as visible_runs

    return {"latest": visible_runs(user).order_by("-created_at", "-pk").first()}


def _supervisor(user: User) -> dict:
    """The fellows the user supervises today and what waits for their sign-off."""
    from fellowships.models import Assessment, Enrolment, LogbookEntry
    from fellowships.policies import enrolment_policy

    fellows = enrolment_policy.supervised_by(user).filter(status__in=Enrolment.OPEN)
    count = fellows.count()
    if not count:  # one query for everyone who supervises nobody
        return {"fellows": 0, "entries_waiting": 0, "assessments_waiting": 0}
    return {
        "fellows": count,
        "entries_waiting": LogbookEntry.objects.filter(
            enrolment__in=fellows, status=LogbookEntry.Status.SUBMITTED
        ).count(),
        "assessments_waiting": Assessment.objects.filter(
            assessor__user=user, status=Assessment.Status.REQUESTED
        ).count(),
    }


def _me(staff: StaffMember, today: datetime.date) -> dict:
    from competencies.development.engine import Rag, development_status
    from competencies.portfolio.selectors import waiting_for
    from ksf.reviews.selectors import next_review_due, open_review
    from ksf.selectors import unread_for

    renewal = staff.hcpc_renewal_date
    days = (renewal - today).days if renewal else None
    status = development_status(staff, today)
    review_due = next_review_due(staff, today)
    return {
        "assignments": list(selectors.current_assignments(staff)),
        "hcpc_days": days,
        "hcpc_due_soon": days is not None and days <= HCPC_WARNING_DAYS,
        "counts": status.counts,
        "total": len(status.rows),
        "attention": sorted(
            (r for r in status.rows if r.rag != Rag.GREEN),
            key=lambda r: (r.rag != Rag.RED, r.due or today),
        )[:5],
        "review_due": review_due,
        "review_overdue": review_due is not None and review_due < today,
        "open_review": open_review(staff),
        "unread": unread_for(staff.user).count() if staff.user_id else 0,
        "signoffs": waiting_for(staff.user).count() if staff.user_id else 0,
    }


def _manager(user: User, staff: StaffMember) -> dict:
    from competencies.development.team import people_overview

    rows = people_overview(selectors.people_managed_by(user))
    teams = list(selectors.with_headcount(selectors.teams_led_by(staff)))
    return {"people": rows, "teams": teams, "skillmix": _skillmix_links(teams)}


@dataclass
class SkillMixLinks:
    """The skill-mix pages of one team: its matrix, projection and who to train next."""

    team: Team
    matrix: str
    projection: str
    train_next: str


def _skillmix_links(teams: list[Team]) -> dict:
    """Links to each team's skill-mix pages (no queries) and to the finder."""
    return {
        "teams": [
            SkillMixLinks(
                team=t,
                matrix=reverse("skillmix:matrix", args=[t.pk]),
                projection=reverse("scenarios:projection", args=[t.pk]),
                train_next=reverse("scenarios:train_next", args=[t.pk]),
            )
            for t in teams
        ],
        "finder": reverse("finder:search"),
    }


def _service_lead(user: User, staff: StaffMember | None) -> dict:
    teams = selectors.teams_visible_to(user)
    if staff is not None and staff.services_led.exists():
        teams = selectors.teams_in_services_led_by(staff)
    teams = list(selectors.with_headcount(teams).order_by("service__name", "name"))
    from fellowships.skillmix.service import services_visible_to

    services = list(services_visible_to(user).values_list("pk", "name"))
    return {
        "teams": teams,
        "skillmix": _skillmix_links(teams),
        "services": [(name, reverse("skillmix:service", args=[pk])) for pk, name in services],
        "across": reverse("skillmix:services") if len(services) > 1 else None,
    }


def _educator(user: User) -> dict:
    from competencies.frameworks.policies import framework_policy

    frameworks = list(
        framework_policy.instances_user_has_permission_for(user, "change")
        .filter(retired=False)
        .order_by("title", "-version")[:20]
    )
    return {"frameworks": frameworks}


def _administrator() -> dict:
    return {
        "people": StaffMember.objects.count(),
        "teams": Team.objects.count(),
        "posts": Post.objects.count(),
        "incomplete_outlines": selectors.posts_with_incomplete_outlines().count(),
        "skillmix": reverse("skillmix:services"),
    }
