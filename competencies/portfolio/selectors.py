"""Reads about a person's portfolio: the CPD log and its totals, evidence, sign-off requests,
saved HCPC profile drafts.

They feed the CPD pages, the workbook export and the HCPC profile, so they return plain
querysets and dictionaries, not page-shaped data.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from competencies.models import Attainment, Competency, CPDEntry, Evidence, HCPCProfileDraft
from competencies.portfolio import rules
from competencies.requirements.selectors import required_competency_ids
from ksf import dates
from ksf.models import StaffMember

AUDIT_YEARS = 2


Period = Literal["quarter", "month"]


ActivityType = CPDEntry.ActivityType


def audit_window_start(today: datetime.date | None = None) -> datetime.date:
    """The first day of the two-year period HCPC looks at when it audits CPD."""
    today = today or dates.today()
    try:
        return today.replace(year=today.year - AUDIT_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - AUDIT_YEARS, day=28)


def cpd_entries(
    person: StaffMember,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[CPDEntry]:
    """A person's entries dated ``start``..``end`` (inclusive, either open), newest first."""
    entries = CPDEntry.objects.filter(staff=person)
    if start:
        entries = entries.filter(date__gte=start)
    if end:
        entries = entries.filter(date__lte=end)
    return entries.order_by("-date", "-pk")


def profile_entries(person: StaffMember, today: datetime.date | None = None) -> QuerySet[CPDEntry]:
    """The activities an HCPC profile (or a draft of one) may draw on: the last two years."""
    today = today or dates.today()
    return cpd_entries(person, audit_window_start(today), today)


def hcpc_drafts(
    person: StaffMember, today: datetime.date | None = None
) -> QuerySet[HCPCProfileDraft]:
    """A person's saved HCPC profile drafts, last saved first, in one query.

    Each carries ``activity_count``: the chosen activities that a profile can still use
    (deleted ones have dropped out; ones older than two years are not counted).
    """
    start = audit_window_start(today)
    return (
        HCPCProfileDraft.objects.filter(owner=person)
        .annotate(activity_count=Count("activities", filter=Q(activities__date__gte=start)))
        .order_by("-updated_at", "-pk")
    )


def hcpc_draft(person: StaffMember, pk: int) -> HCPCProfileDraft | None:
    """One of ``person``'s drafts; None for another person's or an unknown one."""
    return HCPCProfileDraft.objects.filter(owner=person, pk=pk).first()


@dataclass
class CPDFilters:
    """What the CPD list is narrowed by. Empty values do not filter."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    activity_type: str = ""
    text: str = ""
    competency: int | None = None
    dimension: int | None = None


def cpd_for(person: StaffMember, filters: CPDFilters | None = None) -> QuerySet[CPDEntry]:
    """``cpd_entries`` narrowed by type, words and a linked competency or KSF dimension.

    Links are matched with subqueries so an entry is never counted twice.
    """
    filters = filters or CPDFilters()
    entries = cpd_entries(person, filters.start, filters.end)
    if filters.activity_type:
        entries = entries.filter(activity_type=filters.activity_type)
    if filters.text:
        words = Q()
        for name in ("title", "description", "learning", "practice_change", "service_user_benefit"):
            words |= Q(**{f"{name}__icontains": filters.text})
        entries = entries.filter(words)
    if filters.competency:
        entries = entries.filter(
            pk__in=CPDEntry.competencies.through.objects.filter(
                competency_id=filters.competency
            ).values("cpdentry_id")
        )
    if filters.dimension:
        entries = entries.filter(
            pk__in=CPDEntry.dimensions.through.objects.filter(
                ksfdimension_id=filters.dimension
            ).values("cpdentry_id")
        )
    return entries


def totals(entries: QuerySet[CPDEntry]) -> dict:
    """``{"entries": int, "hours": Decimal}`` for a queryset of entries."""
    result = entries.order_by().aggregate(entries=Count("pk"), hours=Sum("hours"))
    return {"entries": result["entries"], "hours": result["hours"] or Decimal("0")}


def hours_per_type(entries: QuerySet[CPDEntry]) -> list[dict]:
    """Hours and entries per activity type, every type listed (zero when unused)."""
    found: dict[str, Mapping[str, Any]] = {
        row["activity_type"]: row
        for row in entries.order_by()
        .values("activity_type")
        .annotate(hours=Sum("hours"), entries=Count("pk"))
    }
    return [
        {
            "activity_type": value,
            "label": str(label),
            "hours": found.get(value, {}).get("hours") or Decimal("0"),
            "entries": found.get(value, {}).get("entries", 0),
        }
        for value, label in ActivityType.choices
    ]


def hours_by_period(entries: QuerySet[CPDEntry], period: Period = "quarter") -> list[dict]:
    """Hours per calendar quarter (or month) and activity type, summed in the database.

    One dict per period and type that has any hours:
    ``{"period": date (first day), "activity_type": str, "hours": Decimal, "entries": int}``,
    in date order.
    """
    trunc = {"quarter": TruncQuarter, "month": TruncMonth}[period]
    rows = (
        entries.order_by()
        .annotate(period=trunc("date"))
        .values("period", "activity_type")
        .annotate(hours=Sum("hours"), entries=Count("pk"))
        .order_by("period", "activity_type")
    )
    return [
        {
            "period": _as_date(row["period"]),
            "activity_type": row["activity_type"],
            "hours": row["hours"],
            "entries": row["entries"],
        }
        for row in rows
    ]


def hours_by_type(
    person: StaffMember,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    *,
    period: Period = "quarter",
) -> list[dict]:
    """``hours_by_period`` for a person's entries dated ``start``..``end``."""
    return hours_by_period(cpd_entries(person, start, end), period)


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def period_start(day: datetime.date, period: Period) -> datetime.date:
    month = day.month if period == "month" else 3 * ((day.month - 1) // 3) + 1
    return datetime.date(day.year, month, 1)


def periods_between(
    start: datetime.date, end: datetime.date, period: Period
) -> list[datetime.date]:
    """First days of every quarter (or month) from ``start`` to ``end``, empty ones included."""
    step = 1 if period == "month" else 3
    current, last = period_start(start, period), period_start(end, period)
    result = []
    while current <= last:
        result.append(current)
        month = current.month - 1 + step
        current = datetime.date(current.year + month // 12, month % 12 + 1, 1)
    return result


def period_label(first_day: datetime.date, period: Period) -> str:
    """'Jan to Mar 2025' style labels (with an en dash) for quarters, 'Jan 2025' for months."""
    if period == "month":
        return date_format(first_day, "M Y")
    last = datetime.date(first_day.year, first_day.month + 2, 1)
    # Literal en dashes: xgettext would read "\u2013" as six characters and miss the message.
    text = pgettext("CPD quarter, e.g. Jan–Mar 2025", "%(first)s–%(last)s %(year)s")  # noqa: RUF001
    return text % {
        "first": date_format(first_day, "M"),
        "last": date_format(last, "M"),
        "year": date_format(first_day, "Y"),
    }


def competency_choices_queryset(entry: CPDEntry | None = None) -> QuerySet[Competency]:
    """Competencies of published frameworks (plus any the entry already links to)."""
    choices = Competency.objects.published()
    if entry is not None and entry.pk:
        choices |= Competency.objects.filter(pk__in=entry.competencies.values("pk"))
    return choices.select_related("framework").order_by(
        "framework__title", "framework__pk", "depth", "sort_order", "pk"
    )


def competency_choices(
    person: StaffMember, entry: CPDEntry | None = None
) -> list[tuple[str, list[tuple[int, str]]]]:
    """Grouped choices: those the person's posts require first, then each framework's."""
    required = required_competency_ids(person)
    first: list[tuple[int, str]] = []
    groups: dict[str, list[tuple[int, str]]] = {}
    for competency in competency_choices_queryset(entry):
        label = str(competency)
        if competency.pk in required:
            first.append((competency.pk, f"{label} ({competency.framework.title})"))
        else:
            groups.setdefault(competency.framework.title, []).append((competency.pk, label))
    result = [(gettext("Required by your current posts"), first)] if first else []
    return result + list(groups.items())


def used_competencies(person: StaffMember) -> QuerySet[Competency]:
    """Competencies linked from any of the person's entries (for the list filter)."""
    return (
        Competency.objects.filter(cpd_entries__staff=person)
        .distinct()
        .select_related("framework")
        .order_by("framework__title", "sort_order", "pk")
    )


def why_not_deletable(evidence: Evidence) -> str:
    """Empty when the owner may delete it; otherwise the reason, in plain words."""
    verified = evidence.attainments.filter(status=Attainment.Status.VERIFIED).select_related(
        "competency"
    )
    if verified.exists():
        names = ", ".join(str(a.competency) for a in verified[:3])
        return gettext(
            "It supports a verified sign-off (%(names)s). A verified sign-off keeps the evidence "
            "it was judged on, so this cannot be deleted."
        ) % {"names": names}
    return ""


def evidence_for(person: StaffMember) -> QuerySet[Evidence]:
    """A person's evidence, newest first, with how often each is used."""
    return (
        Evidence.objects.filter(owner=person)
        .annotate(
            cpd_count=Count("cpd_entries", distinct=True),
            attainment_count=Count("attainments", distinct=True),
            verified_count=Count(
                "attainments",
                filter=Q(attainments__status=Attainment.Status.VERIFIED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def is_inline(evidence: Evidence) -> bool:
    """PDFs and images open in the browser; anything else downloads."""
    return evidence.content_type in rules.INLINE_TYPES


def waiting_for(user: User) -> QuerySet[Attainment]:
    """Requests addressed to this user, oldest first."""
    return (
        Attainment.objects.filter(assessor__user=user, status=Attainment.Status.REQUESTED)
        .select_related("staff", "competency", "competency__framework", "value")
        .order_by("requested_at")
    )


def history_for(person: StaffMember, competency: Competency) -> QuerySet[Attainment]:
    return (
        Attainment.objects.filter(staff=person, competency__identifier=competency.identifier)
        .select_related("value", "assessor", "competency__framework")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )


def possible_assessors(person: StaffMember) -> QuerySet[StaffMember]:
    """Anyone who can sign in, except the person."""
    return (
        StaffMember.objects.filter(user__isnull=False, user__is_active=True)
        .exclude(pk=person.pk)
        .order_by("last_name", "first_name")
    )
