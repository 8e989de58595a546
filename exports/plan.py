"""A development plan as plain data: built once, then shown as a page or written as a workbook.

The page, the workbook and the ``export_plan`` command all render the same ``DevelopmentPlan``,
so the figures a clinician sees on screen are the figures their manager downloads. Team plans
are built for everyone at once in a fixed number of queries, however many people the team has.

Fellowship progress plugs in through the ``register_fellowship_progress`` Wagtail hook: a
function taking no arguments returns a callable (or a list of them) taking ``(person, today)``
and returning ``FellowshipLine`` rows; the page and the workbook show them (the workbook adds a
"Fellowship progress" sheet only when there are rows). ``FellowshipLine`` lives in
``competencies.development.registry`` so the fellowships app can build lines without importing
``exports``. Requirements with a red, amber or green status plug in through
``register_requirement_source`` instead (same module) and appear with the other requirements.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch, Sum
from django.db.models.functions import Greatest
from django.utils.translation import gettext

from competencies.development.engine import (
    DevelopmentStatus,
    RequirementStatus,
    development_statuses,
)
from competencies.development.presenter import long_date
from competencies.development.registry import FellowshipLine, fellowship_progress_sources
from competencies.models import CPDEntry, Evidence
from competencies.portfolio import selectors as portfolio_selectors
from ksf import dates
from ksf.models import DevelopmentReview, PDPObjective, PostAssignment, StaffMember, Team
from ksf.reviews.selectors import reviews_due

CPD_TEAM_MONTHS = 12


def format_hours(hours: Decimal) -> str:
    """'1.5', '10', '0.25': hours as people write them, without trailing zeros."""
    return f"{Decimal(hours).normalize():f}"


@dataclass
class PostLine:
    title: str
    band: str
    team: str
    site: str
    line_manager: str
    wte: Decimal
    start_date: datetime.date


@dataclass
class ObjectiveLine:
    objective: str
    gap: str
    actions: str
    support: str
    target_date: datetime.date
    status: str
    is_overdue: bool = False  # still open and past its target date


@dataclass
class PDPSource:
    """Which review the objectives come from: the open one if any, else the latest signed."""

    review_id: int
    is_open: bool
    status: str
    post_title: str
    period_start: datetime.date
    period_end: datetime.date
    signed_on: datetime.date | None

    @property
    def description(self) -> str:
        words = {
            "start": long_date(self.period_start),
            "end": long_date(self.period_end),
            "status": self.status.lower(),
            "signed": long_date(self.signed_on) if self.signed_on else "",
        }
        if self.is_open:
            return gettext("Open review for %(start)s to %(end)s (%(status)s)") % words
        if self.signed_on:
            return (
                gettext("Latest signed review for %(start)s to %(end)s, signed %(signed)s") % words
            )
        return gettext("Latest signed review for %(start)s to %(end)s") % words


@dataclass
class EvidenceLine:
    pk: int
    title: str
    file_name: str
    url: str
    is_file: bool = False

    @property
    def reference(self) -> str:
        """The file name or the link: what a reader needs to find the evidence."""
        return self.file_name or self.url


@dataclass
class CPDLine:
    pk: int
    date: datetime.date
    title: str
    activity_type: str
    type_label: str
    hours: Decimal
    description: str
    learning: str
    practice_change: str
    service_user_benefit: str
    evidence: list[EvidenceLine] = field(default_factory=list)

    @property
    def hours_text(self) -> str:
        return format_hours(self.hours)


@dataclass
class TypeHours:
    activity_type: str
    label: str
    hours: Decimal
    entries: int

    @property
    def hours_text(self) -> str:
        return format_hours(self.hours)


@dataclass
class DevelopmentPlan:
    person: StaffMember
    today: datetime.date
    posts: list[PostLine]
    status: DevelopmentStatus
    next_review_due: datetime.date | None
    review_overdue: bool
    pdp: PDPSource | None
    objectives: list[ObjectiveLine]
    cpd_start: datetime.date
    cpd_end: datetime.date
    cpd: list[CPDLine]
    cpd_total_hours: Decimal
    cpd_hours_by_type: list[TypeHours]
    fellowship_progress: list[FellowshipLine] = field(default_factory=list)

    @property
    def rows(self) -> list[RequirementStatus]:
        return self.status.rows

    @property
    def counts(self) -> dict[str, int]:
        return self.status.counts

    @property
    def teams(self) -> list[str]:
        return _unique(p.team for p in self.posts)

    @property
    def line_managers(self) -> list[str]:
        return _unique(p.line_manager for p in self.posts if p.line_manager)

    @property
    def cpd_total_text(self) -> str:
        return format_hours(self.cpd_total_hours)

    @property
    def filename(self) -> str:
        return f"development-plan-{self.person.staff_number}-{self.today:%Y-%m-%d}.xlsx"


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def fellowship_progress(person: StaffMember, today: datetime.date) -> list[FellowshipLine]:
    """Lines from every ``register_fellowship_progress`` hook (see the module docstring)."""
    return [line for source in fellowship_progress_sources() for line in source(person, today)]


# Shared reads (batched, so the team workbook costs the same for 5 or 50 people) ------------


def latest_pdp_reviews(staff_ids: list[int]) -> dict[int, PDPSource]:
    """Per person, the review whose PDP is current: the newest open one, else the latest signed."""
    reviews = (
        DevelopmentReview.objects.filter(staff_id__in=staff_ids)
        .annotate(signed=Greatest("staff_signed_at", "reviewer_signed_at"))
        .select_related("post")
        .order_by("-pk")
    )
    open_reviews: dict[int, DevelopmentReview] = {}
    signed_reviews: dict[int, DevelopmentReview] = {}
    for review in reviews:
        if not review.is_signed:
            open_reviews.setdefault(review.staff_id, review)
        else:
            best = signed_reviews.get(review.staff_id)
            if best is None or review.signed > best.signed:
                signed_reviews[review.staff_id] = review
    result = {}
    for staff_id in staff_ids:
        review = open_reviews.get(staff_id) or signed_reviews.get(staff_id)
        if review is None:
            continue
        result[staff_id] = PDPSource(
            review_id=review.pk,
            is_open=not review.is_signed,
            status=review.status_label,
            post_title=review.post.title,
            period_start=review.period_start,
            period_end=review.period_end,
            signed_on=dates.local_date(review.signed) if review.is_signed else None,
        )
    return result


def objectives_for(review_ids: Iterable[int]) -> dict[int, list[ObjectiveLine]]:
    """PDP objectives by review id, in the order agreed at the review."""
    found: dict[int, list[ObjectiveLine]] = defaultdict(list)
    for o in PDPObjective.objects.filter(review_id__in=list(review_ids)).order_by(
        "review_id", "sort_order", "pk"
    ):
        found[o.review_id].append(
            ObjectiveLine(
                objective=o.objective,
                gap=o.gap,
                actions=o.actions,
                support=o.support,
                target_date=o.target_date,
                status=o.get_status_display(),
                is_overdue=o.is_overdue,
            )
        )
    return found


def _post_line(a: PostAssignment) -> PostLine:
    return PostLine(
        title=a.post.title,
        band=a.post.band,
        team=a.team.name,
        site=a.team.site.name,
        line_manager=a.line_manager.full_name if a.line_manager else "",
        wte=a.wte,
        start_date=a.start_date,
    )


def _cpd_line(entry: CPDEntry) -> CPDLine:
    return CPDLine(
        pk=entry.pk,
        date=entry.date,
        title=entry.title,
        activity_type=entry.activity_type,
        type_label=entry.get_activity_type_display(),
        hours=entry.hours,
        description=entry.description,
        learning=entry.learning,
        practice_change=entry.practice_change,
        service_user_benefit=entry.service_user_benefit,
        evidence=[
            EvidenceLine(
                pk=e.pk,
                title=e.title,
                file_name=e.original_name or (PurePath(e.file.name).name if e.file else ""),
                url=e.url,
                is_file=bool(e.file),
            )
            for e in entry.evidence.all()
        ],
    )


def cpd_lines(person: StaffMember, start: datetime.date, end: datetime.date) -> list[CPDLine]:
    """The person's CPD activities dated ``start``..``end``, newest first, with their evidence."""
    entries = portfolio_selectors.cpd_entries(person, start, end).prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("title", "pk"))
    )
    return [_cpd_line(e) for e in entries]


# Builders -----------------------------------------------------------------------------------


def build_plan(
    person: StaffMember, today: datetime.date | None = None, *, is_self: bool = True
) -> DevelopmentPlan:
    """Everything a person's development plan shows, as of ``today``.

    ``is_self``: the person reads it ("you"); otherwise the next steps name them ("their"),
    as the development page does for the same reader.
    """
    today = today or dates.today()
    assignments = (
        PostAssignment.objects.current(today)
        .filter(staff=person)
        .select_related("post", "team", "team__site", "line_manager")
        .order_by("start_date", "pk")
    )
    status = development_statuses([person], today, is_self=is_self)[person.pk]
    due = reviews_due(StaffMember.objects.filter(pk=person.pk), today).get(person.pk)
    pdp = latest_pdp_reviews([person.pk]).get(person.pk)
    objectives = objectives_for([pdp.review_id]).get(pdp.review_id, []) if pdp else []
    start = portfolio_selectors.audit_window_start(today)
    lines = cpd_lines(person, start, today)
    by_type = [
        TypeHours(
            activity_type=row["activity_type"],
            label=row["label"],
            hours=row["hours"],
            entries=row["entries"],
        )
        for row in portfolio_selectors.hours_per_type(
            portfolio_selectors.cpd_entries(person, start, today)
        )
    ]
    return DevelopmentPlan(
        person=person,
        today=today,
        posts=[_post_line(a) for a in assignments],
        status=status,
        next_review_due=due.due if due else None,
        review_overdue=bool(due and due.overdue),
        pdp=pdp,
        objectives=objectives,
        cpd_start=start,
        cpd_end=today,
        cpd=lines,
        cpd_total_hours=sum((line.hours for line in lines), Decimal("0")),
        cpd_hours_by_type=by_type,
        fellowship_progress=fellowship_progress(person, today),
    )


@dataclass
class MemberPlan:
    """One current team member's line in the team workbook."""

    person: StaffMember
    posts: list[str]
    status: DevelopmentStatus
    next_review_due: datetime.date | None
    review_overdue: bool
    cpd_hours: Decimal
    pdp: PDPSource | None
    objectives: list[ObjectiveLine]

    @property
    def counts(self) -> dict[str, int]:
        return self.status.counts


@dataclass
class TeamPlans:
    team: Team
    today: datetime.date
    cpd_start: datetime.date
    members: list[MemberPlan]

    @property
    def filename(self) -> str:
        code = "".join(c if c.isalnum() else "-" for c in self.team.code).strip("-").lower()
        return f"team-plans-{code or self.team.pk}-{self.today:%Y-%m-%d}.xlsx"


def build_team_plans(team: Team, today: datetime.date | None = None) -> TeamPlans:
    """Plans of everyone currently in ``team``, in a fixed number of queries."""
    today = today or dates.today()
    assignments = list(
        PostAssignment.objects.current(today)
        .filter(team=team)
        .select_related("staff", "post")
        .order_by("staff__last_name", "staff__first_name", "staff_id", "start_date")
    )
    people: dict[int, StaffMember] = {}
    posts: dict[int, list[str]] = defaultdict(list)
    for a in assignments:
        people.setdefault(a.staff_id, a.staff)
        posts[a.staff_id].append(a.post.title)
    ids = list(people)
    statuses = development_statuses(people.values(), today, is_self=False)  # read by managers
    due = reviews_due(StaffMember.objects.filter(pk__in=ids), today) if ids else {}
    cpd_start = today - relativedelta(months=CPD_TEAM_MONTHS)
    hours = dict(
        CPDEntry.objects.filter(staff_id__in=ids, date__gte=cpd_start, date__lte=today)
        .order_by()
        .values("staff_id")
        .annotate(total=Sum("hours"))
        .values_list("staff_id", "total")
    )
    pdp = latest_pdp_reviews(ids)
    objectives = objectives_for(s.review_id for s in pdp.values())
    members = []
    for pk, person in people.items():
        source = pdp.get(pk)
        members.append(
            MemberPlan(
                person=person,
                posts=_unique(posts[pk]),
                status=statuses[pk],
                next_review_due=due[pk].due if pk in due else None,
                review_overdue=bool(pk in due and due[pk].overdue),
                cpd_hours=hours.get(pk) or Decimal("0"),
                pdp=source,
                objectives=objectives.get(source.review_id, []) if source else [],
            )
        )
    return TeamPlans(team=team, today=today, cpd_start=cpd_start, members=members)
