"""Reads for the logbook pages: a fellow's entries and counts, the supervisor's queue, the
categories a programme logs, and workplace-based assessments. Query counts do not grow with
the number of entries or fellows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet, Sum

from fellowships.models import (
    Assessment,
    Enrolment,
    LogbookEntry,
    Milestone,
    Pause,
    Programme,
)
from fellowships.policies import current_supervision, enrolment_policy
from ksf import dates
from ksf.models import StaffMember


def categories_for(programme: Programme) -> list[str]:
    """The categories the programme's logbook milestones name, in the order they name them
    (empty: any category may be logged)."""
    found: list[str] = []
    seen: set[str] = set()
    rows = Milestone.objects.filter(programme=programme, kind=Milestone.Kind.LOGBOOK).order_by(
        "sort_order", "pk"
    )
    for category, categories in rows.values_list("category", "categories"):
        for name in [*(categories or []), category]:
            name = str(name or "").strip()
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                found.append(name)
    return found


def is_paused(enrolment: Enrolment, today: datetime.date | None = None) -> bool:
    """An open pause covers today (as well as the status saying so)."""
    today = today or dates.today()
    if enrolment.status == Enrolment.Status.PAUSED:
        return True
    return (
        Pause.objects.filter(enrolment=enrolment, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .exists()
    )


def entries(
    enrolment: Enrolment, *, status: str = "", category: str = ""
) -> QuerySet[LogbookEntry]:
    qs = LogbookEntry.objects.filter(enrolment=enrolment).select_related("reviewed_by")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__iexact=category)
    return qs.order_by("-date", "-pk")


@dataclass
class CategoryCount:
    category: str
    by_status: dict[str, int]
    total: int
    minutes: int


@dataclass
class Counts:
    categories: list[CategoryCount]
    by_status: dict[str, int]
    total: int


def counts(enrolment: Enrolment, categories: list[str] | None = None) -> Counts:
    """Entries per category and status, in one query; the programme's categories first."""
    rows = list(
        LogbookEntry.objects.filter(enrolment=enrolment)
        .order_by()
        .values("category", "status")
        .annotate(n=Count("pk"), minutes=Sum("minutes"))
    )
    per: dict[str, dict[str, int]] = {}
    spent: dict[str, int] = defaultdict(int)
    by_status = dict.fromkeys(LogbookEntry.Status.values, 0)
    for row in rows:
        key = row["category"].casefold()
        per.setdefault(key, {})
        per[key][row["status"]] = per[key].get(row["status"], 0) + row["n"]
        spent[key] += row["minutes"] or 0
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
    names = {row["category"].casefold(): row["category"] for row in rows}
    order = list(categories or [])
    known = {o.casefold() for o in order}
    order += sorted(name for key, name in names.items() if key not in known)
    shown = []
    for name in order:
        statuses = per.get(name.casefold(), {})
        shown.append(
            CategoryCount(
                category=name,
                by_status={s: statuses.get(s, 0) for s in LogbookEntry.Status.values},
                total=sum(statuses.values()),
                minutes=spent.get(name.casefold(), 0),
            )
        )
    return Counts(shown, by_status, sum(by_status.values()))


@dataclass
class Defaults:
    """What the quick entry form starts with: today, and what the fellow last logged."""

    date: datetime.date
    category: str = ""
    minutes: int | None = None
    supervised: bool = True


def defaults(enrolment: Enrolment) -> Defaults:
    last = (
        LogbookEntry.objects.filter(enrolment=enrolment)
        .order_by("-created_at", "-pk")
        .values("category", "minutes")
        .first()
    )
    if last is None:
        return Defaults(date=dates.today())
    return Defaults(date=dates.today(), category=last["category"], minutes=last["minutes"])


def current_supervisors(enrolment: Enrolment) -> list[StaffMember]:
    """The people supervising the fellow today, each once, by name."""
    rows = (
        current_supervision()
        .filter(enrolment=enrolment)
        .exclude(supervisor_id=enrolment.staff_id)
        .select_related("supervisor")
        .order_by("supervisor__last_name", "supervisor__first_name", "pk")
    )
    people: dict[int, StaffMember] = {}
    for row in rows:
        people.setdefault(row.supervisor_id, row.supervisor)
    return list(people.values())


@dataclass
class FellowQueue:
    enrolment: Enrolment
    entries: list[LogbookEntry] = field(default_factory=list)
    paused: bool = False

    @property
    def oldest(self) -> datetime.datetime | None:
        return self.entries[0].submitted_at if self.entries else None


def queue(user: User | AnonymousUser) -> list[FellowQueue]:
    """Submitted entries of the fellows the user supervises today, grouped by fellow, oldest
    first (the fellow waiting longest comes first). Three queries whatever the numbers."""
    today = dates.today()
    enrolments = list(
        enrolment_policy.supervised_by(user)
        .filter(status__in=Enrolment.OPEN)
        .select_related("staff", "programme")
    )
    if not enrolments:
        return []
    groups = {e.pk: FellowQueue(e) for e in enrolments}
    for paused_id in (
        Pause.objects.filter(enrolment_id__in=groups, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .values_list("enrolment_id", flat=True)
    ):
        groups[paused_id].paused = True
    for e in enrolments:
        if e.status == Enrolment.Status.PAUSED:
            groups[e.pk].paused = True
    waiting = LogbookEntry.objects.filter(
        enrolment_id__in=groups, status=LogbookEntry.Status.SUBMITTED
    ).order_by("submitted_at", "date", "pk")
    for entry in waiting:
        group = groups[entry.enrolment_id]
        entry.enrolment = group.enrolment  # already read: no query per entry
        group.entries.append(entry)
    filled = [g for g in groups.values() if g.entries]
    return sorted(filled, key=lambda g: (g.oldest is None, g.oldest, g.enrolment.pk))


def assessments(enrolment: Enrolment) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(enrolment=enrolment)
        .select_related("assessor")
        .order_by("-requested_at", "-pk")
    )


def requests_for(user: User | AnonymousUser) -> QuerySet[Assessment]:
    """Assessments the user was asked to record, for fellows they supervise today."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(
            assessor__user=user,
            status=Assessment.Status.REQUESTED,
            enrolment__in=enrolment_policy.supervised_by(user),
        )
        .select_related("enrolment__staff", "enrolment__programme")
        .order_by("requested_at", "pk")
    )
