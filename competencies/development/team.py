"""A manager's view of several people at once: RAG counts, reviews, sign-offs, expiries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from competencies.development.engine import EXPIRY_WARNING_DAYS, Kind, development_statuses
from competencies.models import Attainment
from ksf import dates
from ksf.models import PostAssignment, StaffMember
from ksf.reviews.selectors import ReviewDue, reviews_due


@dataclass
class PersonOverview:
    person: StaffMember
    posts: list[str]
    counts: dict[str, int]
    expiring: int  # requirements of either kind expiring within 90 days
    signoffs_expiring: int  # verified competency sign-offs expiring within 90 days
    levels_expiring: int  # KSF levels whose 12 months run out (review due) within 90 days
    signoffs_waiting: int
    review: ReviewDue | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def people_overview(
    people: QuerySet[StaffMember], today: datetime.date | None = None
) -> list[PersonOverview]:
    """One row per person in a constant number of queries, whatever the team size."""
    today = today or dates.today()
    members = list(people.order_by("last_name", "first_name"))
    ids = [p.pk for p in members]
    statuses = development_statuses(members, today)
    posts: dict[int, list[str]] = {}
    for staff_id, title in (
        PostAssignment.objects.current(today)
        .filter(staff_id__in=ids)
        .order_by("start_date")
        .values_list("staff_id", "post__title")
    ):
        posts.setdefault(staff_id, []).append(title)
    waiting = dict(
        Attainment.objects.filter(staff_id__in=ids, status=Attainment.Status.REQUESTED)
        .values("staff_id")
        .annotate(n=Count("pk"))
        .values_list("staff_id", "n")
    )
    due = reviews_due(StaffMember.objects.filter(pk__in=ids), today)
    expiring = {pk: s.expiring(today, EXPIRY_WARNING_DAYS) for pk, s in statuses.items()}
    return [
        PersonOverview(
            person=p,
            posts=posts.get(p.pk, []),
            counts=statuses[p.pk].counts,
            expiring=len(expiring[p.pk]),
            signoffs_expiring=sum(1 for r in expiring[p.pk] if r.kind == Kind.COMPETENCY),
            levels_expiring=sum(1 for r in expiring[p.pk] if r.kind == Kind.KSF),
            signoffs_waiting=waiting.get(p.pk, 0),
            review=due.get(p.pk),
        )
        for p in members
    ]
