"""The CPD log: the rules for an entry, its writes (audited, all-or-nothing) and its reads.

HCPC audits a random sample of registrants every two years and asks for a continuous,
up-to-date record of learning activities of different types, with what each changed for
practice and for service users. The reads here feed the CPD pages, the workbook export and
the HCPC profile, so they return plain querysets and dictionaries, not page-shaped data.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter

from competencies import evidence as evidence_service
from competencies.models import Competency, CPDEntry, Evidence, PostRequirement
from ksf import audit
from ksf.models import KSFDimension, PostAssignment, StaffMember

MIN_HOURS = Decimal("0.25")
MAX_HOURS = Decimal("500")
AUDIT_YEARS = 2
EN_DASH = "\u2013"
Period = Literal["quarter", "month"]
ActivityType = CPDEntry.ActivityType


# Rules -----------------------------------------------------------------------------------


def check_date(value: datetime.date | None, today: datetime.date | None = None) -> None:
    """A CPD activity is recorded once it has happened."""
    if value is None:
        raise ValidationError("Enter the date of the activity, e.g. 14 3 2025.", code="required")
    if value > (today or datetime.date.today()):
        raise ValidationError(
            "The date cannot be in the future: record the activity once it has happened.",
            code="future",
        )


def check_hours(value: Decimal | None) -> None:
    """From a quarter of an hour (a short reading) to 500 (a long course)."""
    if value is None:
        raise ValidationError("Enter the hours spent, e.g. 1.5.", code="required")
    if not MIN_HOURS <= value <= MAX_HOURS:
        raise ValidationError(
            f"Hours must be between {MIN_HOURS} (15 minutes) and {MAX_HOURS}: you entered "
            f"{value.normalize():f}.",
            code="range",
        )


@dataclass
class CPDInput:
    """What a person records about one activity, as the services take it."""

    date: datetime.date | None
    title: str
    activity_type: str
    hours: Decimal | None
    description: str
    learning: str = ""
    practice_change: str = ""
    service_user_benefit: str = ""
    competencies: Sequence[Competency] = ()
    dimensions: Sequence[KSFDimension] = ()
    evidence: Sequence[Evidence] = ()
    # Optionally a new piece of evidence, stored and attached in the same step.
    new_file: UploadedFile | None = None
    new_link: str = ""
    new_evidence_title: str = ""

    FIELDS = (
        "date",
        "title",
        "activity_type",
        "hours",
        "description",
        "learning",
        "practice_change",
        "service_user_benefit",
    )


def _validate(person: StaffMember, data: CPDInput, entry: CPDEntry | None) -> None:
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    for name, check in (("date", check_date), ("hours", check_hours)):
        try:
            check(getattr(data, name))
        except ValidationError as e:
            errors[name].append(e)
    if not (data.title or "").strip():
        errors["title"].append(ValidationError("Enter a title for the activity."))
    if not (data.description or "").strip():
        errors["description"].append(ValidationError("Say briefly what you did."))
    if data.activity_type not in ActivityType.values:
        errors["activity_type"].append(ValidationError("Choose the type of activity."))
    allowed = set(competency_choices_queryset(entry).values_list("pk", flat=True))
    if any(c.pk not in allowed for c in data.competencies):
        errors["competencies"].append(
            ValidationError("Choose competencies from published frameworks only.")
        )
    if any(e.owner_id != person.pk for e in data.evidence):
        errors["evidence"].append(ValidationError("Attach only your own evidence."))
    if data.new_file and data.new_link:
        errors["new_link"].append(
            ValidationError("Give either a new file or a new link, not both: add one at a time.")
        )
    try:
        if data.new_file:
            evidence_service.check_upload(data.new_file)
    except ValidationError as e:
        errors["new_file"].append(e)
    try:
        if data.new_link and not data.new_file:
            evidence_service.check_link(data.new_link)
    except ValidationError as e:
        errors["new_link"].append(e)
    if errors:
        raise ValidationError(dict(errors))


def _apply(entry: CPDEntry, person: StaffMember, data: CPDInput, user: User | None) -> None:
    for name in CPDInput.FIELDS:
        value = getattr(data, name)
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    entry.full_clean(exclude=["staff"])
    entry.save()
    entry.competencies.set(data.competencies)
    entry.dimensions.set(data.dimensions)
    attached = list(data.evidence)
    if data.new_file or data.new_link:
        attached.append(
            evidence_service.add_evidence(
                owner=person,
                user=user,
                title=data.new_evidence_title,
                upload=data.new_file,
                url=data.new_link,
            )
        )
    entry.evidence.set(attached)


def _snapshot(entry: CPDEntry) -> dict[str, str]:
    """The entry's fields plus what it links to, for the audit trail."""
    values = audit.snapshot(entry)
    values["competencies"] = ", ".join(sorted(str(c) for c in entry.competencies.all())) or "—"
    values["KSF dimensions"] = ", ".join(d.code for d in entry.dimensions.all()) or "—"
    values["evidence"] = ", ".join(sorted(e.title for e in entry.evidence.all())) or "—"
    return values


@transaction.atomic
def create_entry(person: StaffMember, data: CPDInput, *, user: User | None) -> CPDEntry:
    """Record an activity in ``person``'s log. Nothing is saved if any part is refused."""
    _validate(person, data, None)
    entry = CPDEntry(staff=person)
    _apply(entry, person, data, user)
    audit.log_create(entry, user)
    return entry


@transaction.atomic
def update_entry(entry: CPDEntry, data: CPDInput, *, user: User | None) -> CPDEntry:
    """Change an entry; the audit trail keeps what it said before."""
    entry = CPDEntry.objects.select_for_update().get(pk=entry.pk)
    _validate(entry.staff, data, entry)
    before = _snapshot(entry)
    _apply(entry, entry.staff, data, user)
    audit.log_change(entry, user, audit.diff(before, _snapshot(entry)))
    return entry


@transaction.atomic
def delete_entry(entry: CPDEntry, *, user: User | None) -> None:
    """Delete an entry. Its evidence stays in the person's evidence store."""
    audit.log_delete(entry, user)
    entry.delete()


# Reads -----------------------------------------------------------------------------------


def audit_window_start(today: datetime.date | None = None) -> datetime.date:
    """The first day of the two-year period HCPC looks at when it audits CPD."""
    today = today or datetime.date.today()
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
    found = {
        row["activity_type"]: row
        for row in entries.order_by()
        .values("activity_type")
        .annotate(hours=Sum("hours"), entries=Count("pk"))
    }
    return [
        {
            "activity_type": value,
            "label": label,
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
        return first_day.strftime("%b %Y")
    last = datetime.date(first_day.year, first_day.month + 2, 1)
    return f"{first_day:%b}{EN_DASH}{last:%b} {first_day.year}"


# Choosing what an entry links to ---------------------------------------------------------


def required_competency_ids(person: StaffMember) -> set[int]:
    """Competencies that the person's current posts require."""
    posts = PostAssignment.objects.current().filter(staff=person).values("post_id")
    return set(
        PostRequirement.objects.filter(
            post_id__in=posts, competency__framework__live=True
        ).values_list("competency_id", flat=True)
    )


def competency_choices_queryset(entry: CPDEntry | None = None) -> QuerySet[Competency]:
    """Competencies of published frameworks (plus any the entry already links to)."""
    condition = Q(framework__live=True, framework__retired=False)
    if entry is not None and entry.pk:
        condition |= Q(pk__in=entry.competencies.values("pk"))
    return (
        Competency.objects.filter(condition)
        .select_related("framework")
        .order_by("framework__title", "framework__pk", "depth", "sort_order", "pk")
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
    result = [("Required by your current posts", first)] if first else []
    return result + list(groups.items())


def used_competencies(person: StaffMember) -> QuerySet[Competency]:
    """Competencies linked from any of the person's entries (for the list filter)."""
    return (
        Competency.objects.filter(cpd_entries__staff=person)
        .distinct()
        .select_related("framework")
        .order_by("framework__title", "sort_order", "pk")
    )
