"""Builders for fellowship tests: a live programme with logbook milestones, an active enrolment
with a mentor assigned, and logbook entries. Shared by the fellowship tests and journeys."""

import datetime
import itertools

from django.utils import timezone

from fellowships.models import (
    Enrolment,
    LogbookEntry,
    Milestone,
    Programme,
    SupervisorAssignment,
    SupervisorRole,
)
from ksf import dates
from ksf.models import StaffMember
from ksf.roles import Role
from tests.factories import staff_with_login

CATEGORIES = ["Shoulder", "Knee", "Hip"]
_codes = itertools.count(1)


def programme(
    *,
    title: str = "MSK point-of-care ultrasound",
    categories: list[str] | None = None,
    target_entries: int = 60,
    live: bool = True,
) -> Programme:
    """A published programme version with a logbook target over ``categories`` and a DOPS."""
    number = next(_codes)
    made = Programme.objects.create(
        code=f"MSK-POCUS-{number}",
        version="1.0",
        title=title,
        kind=Programme.Kind.SONOGRAPHY,
        target_months=18,
        declaration="I declare the fellow is competent to scan independently.",
        live=live,
    )
    cats = CATEGORIES if categories is None else categories
    Milestone.objects.create(
        programme=made,
        sort_order=0,
        stage="Module 2: supervised scanning",
        title="Supervised scans",
        kind=Milestone.Kind.LOGBOOK,
        categories=cats,
        supervision=Milestone.Supervision.SUPERVISED,
        target_entries=target_entries,
        min_per_category=10 if cats else None,
        appraised_percent=20,
    )
    Milestone.objects.create(
        programme=made,
        sort_order=1,
        stage="Module 2: supervised scanning",
        title="Guided injection DOPS",
        kind=Milestone.Kind.ASSESSMENT,
        assessment_type=Milestone.AssessmentType.DOPS,
        min_count=2,
    )
    return made


def supervisor(**kwargs) -> StaffMember:
    """A member of staff with a login in the Supervisors group."""
    kwargs.setdefault("band", "7")
    return staff_with_login(roles=[Role.SUPERVISOR], **kwargs)


def assign(
    enrolment: Enrolment,
    person: StaffMember,
    *,
    role: str = SupervisorRole.MENTOR,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> SupervisorAssignment:
    return SupervisorAssignment.objects.create(
        enrolment=enrolment,
        supervisor=person,
        role=role,
        starts_on=starts_on or enrolment.start_date,
        ends_on=ends_on,
    )


def enrolment(
    *,
    fellow: StaffMember | None = None,
    mentor: StaffMember | None = None,
    on: Programme | None = None,
    status: str = Enrolment.Status.ACTIVE,
    started_days_ago: int = 90,
    with_mentor: bool = True,
) -> Enrolment:
    """An active enrolment (by default) that started ``started_days_ago`` days ago, with a
    mentor assigned from its start (a new supervisor unless ``mentor`` is given)."""
    fellow = fellow or staff_with_login(first_name="Fflur", last_name="Fellow")
    start = dates.today() - datetime.timedelta(days=started_days_ago)
    made = Enrolment.objects.create(
        staff=fellow,
        programme=on or programme(),
        cohort="2026 spring",
        start_date=start,
        target_date=start + datetime.timedelta(days=540),
        status=status,
    )
    if with_mentor:
        assign(made, mentor or supervisor(first_name="Mari", last_name="Mentor"))
    return made


def entry(
    enrolment: Enrolment,
    *,
    status: str = LogbookEntry.Status.DRAFT,
    days_ago: int = 1,
    category: str = "Shoulder",
    minutes: int = 30,
    **kwargs,
) -> LogbookEntry:
    """A logbook entry; submitted ones get a submission time ``days_ago`` days back."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    if status != LogbookEntry.Status.DRAFT:
        kwargs.setdefault("submitted_at", when)
    return LogbookEntry.objects.create(
        enrolment=enrolment,
        date=dates.today() - datetime.timedelta(days=days_ago),
        category=category,
        minutes=minutes,
        status=status,
        case_reference=kwargs.pop("case_reference", f"US-{next(_codes):03d}"),
        **kwargs,
    )
