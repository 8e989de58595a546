"""Reads for the flag pages and the flags workbook. Views call these; they never write.

Every read is a fixed number of queries whatever the number of flags or teams: lists come
with their people, teams and competencies joined in, counts are one grouped query, and the
contacts behind a flag are paged 50 at a time with the map line's label worked out in the
same query.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from competencies.models import ActivityRequirement, Contact, Flag, FlagEvent
from ksf.models import StaffMember, Team

CONTACTS_PER_PAGE = 50
FLAGS_PER_PAGE = 50


@dataclass(frozen=True)
class FlagFilters:
    """What a list of flags is narrowed to; empty fields do not narrow it."""

    kind: str = ""
    team_id: int | None = None
    competency_id: int | None = None
    status: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    staff_id: int | None = None
    include_cleared: bool = True

    def apply(self, flags: QuerySet[Flag]) -> QuerySet[Flag]:
        if self.kind:
            flags = flags.filter(kind=self.kind)
        if self.team_id:
            flags = flags.filter(team_id=self.team_id)
        if self.competency_id:
            flags = flags.filter(competency_id=self.competency_id)
        if self.status:
            flags = flags.filter(status=self.status)
        if self.staff_id:
            flags = flags.filter(staff_id=self.staff_id)
        # A flag seen at any time in the range: it overlaps [since, until].
        if self.since:
            flags = flags.filter(Q(last_seen__gte=self.since) | Q(last_seen__isnull=True))
        if self.until:
            flags = flags.filter(Q(first_seen__lte=self.until) | Q(first_seen__isnull=True))
        if not self.include_cleared:
            flags = flags.filter(active=True)
        return flags


def listed(flags: QuerySet[Flag]) -> QuerySet[Flag]:
    """Flags with what a list row shows joined in (person, team, service, competency)."""
    return (
        flags.select_related("staff", "team", "team__service", "competency", "status_by")
        .annotate(
            status_order=Case(
                When(status=Flag.Status.OPEN, then=Value(0)),
                When(status=Flag.Status.ACKNOWLEDGED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("status_order", "-last_seen", "kind", "pk")
    )


def flags_for_team(
    team: Team, visible: QuerySet[Flag], filters: FlagFilters | None = None
) -> QuerySet[Flag]:
    """The team's flags the user may see, open first, newest first."""
    flags = visible.filter(team=team)
    return listed((filters or FlagFilters()).apply(flags))


def flags_for_person(
    person: StaffMember, visible: QuerySet[Flag], filters: FlagFilters | None = None
) -> QuerySet[Flag]:
    """The flags about one person that the user may see."""
    flags = visible.filter(staff=person)
    return listed((filters or FlagFilters()).apply(flags))


def flags_across(
    teams: QuerySet[Team], visible: QuerySet[Flag], filters: FlagFilters | None = None
) -> QuerySet[Flag]:
    """Flags of many teams (a service lead's list), filtered."""
    flags = visible.filter(team__in=teams.values("pk"))
    return listed((filters or FlagFilters()).apply(flags))


def page_of(items: QuerySet, number: str | int | None, per_page: int = FLAGS_PER_PAGE) -> Page:
    """One page (a bad or out-of-range page number gives the nearest page, never an error)."""
    return Paginator(items, per_page).get_page(number)


def counts_by_kind(flags: QuerySet[Flag]) -> list[tuple[str, str, int]]:
    """``(kind, label, count)`` for every kind, in the kinds' order, from one query."""
    counted = dict(
        flags.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    return [(value, str(label), counted.get(value, 0)) for value, label in Flag.Kind.choices]


@dataclass
class TeamCounts:
    """One row of the counts-by-team table."""

    team_id: int
    team: str
    service: str
    by_kind: dict[str, int] = field(default_factory=dict)
    open: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    def cells(self) -> list[int]:
        """Counts in the order of ``Flag.Kind``, for a table row."""
        return [self.by_kind.get(kind, 0) for kind in Flag.Kind.values]


def counts_by_team(flags: QuerySet[Flag]) -> list[TeamCounts]:
    """Flags per team and kind (and open per team), in one grouped query."""
    rows = (
        flags.order_by()
        .values("team_id", "team__name", "team__service__name", "kind")
        .annotate(n=Count("pk"), open=Count("pk", filter=Q(status=Flag.Status.OPEN)))
    )
    teams: dict[int, TeamCounts] = {}
    for row in rows:
        item = teams.setdefault(
            row["team_id"],
            TeamCounts(row["team_id"], row["team__name"], row["team__service__name"] or ""),
        )
        item.by_kind[row["kind"]] = item.by_kind.get(row["kind"], 0) + row["n"]
        item.open += row["open"]
    return sorted(teams.values(), key=lambda t: (t.service, t.team))


def flag_with_related(flags: QuerySet[Flag], pk: int) -> Flag | None:
    """One flag with its person, team, competency and who last changed its status."""
    return (
        flags.select_related(
            "staff", "staff__user", "team", "team__service", "competency", "status_by"
        )
        .filter(pk=pk)
        .first()
    )


def events_of(flag: Flag) -> QuerySet[FlagEvent]:
    """The flag's history, oldest first, with who did each thing."""
    return flag.events.select_related("by").order_by("at", "pk")


def _matching_rules(competency_id: int) -> QuerySet[ActivityRequirement]:
    """Map lines for the competency that match the outer contact on its date."""
    return ActivityRequirement.objects.filter(
        Q(procedure_code="")
        | Q(
            procedure_code=OuterRef("procedure_code"),
            procedure_scheme=OuterRef("procedure_scheme"),
        ),
        Q(activity_type="") | Q(activity_type=OuterRef("activity_type")),
        Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("contact_date")),
        competency_id=competency_id,
        valid_from__lte=OuterRef("contact_date"),
    )


def contacts_behind(flag: Flag) -> QuerySet[Contact]:
    """The contacts behind a flag: the person's (or, for a team flag, the team's) contacts
    needing the flag's competency through the map, dated from first to last seen.

    Each comes annotated with ``work``, the label of the map line that matched it. For an
    outcome flag without a competency, the person's contacts scored on the flag's measure.
    Never the patient or episode hash: the rows are for looking, not for identifying anyone.
    """
    contacts = Contact.objects.all()
    if flag.staff_id:
        contacts = contacts.filter(staff_id=flag.staff_id)
    else:
        contacts = contacts.filter(team_id=flag.team_id)
    if flag.first_seen:
        contacts = contacts.filter(contact_date__gte=flag.first_seen)
    if flag.last_seen:
        contacts = contacts.filter(contact_date__lte=flag.last_seen)
    if flag.competency_id:
        rules = _matching_rules(flag.competency_id)
        contacts = contacts.filter(Exists(rules)).annotate(
            work=Subquery(rules.order_by("valid_from", "pk").values("label")[:1])
        )
    else:
        measure = (flag.figures or {}).get("measure")
        if not measure:
            return Contact.objects.none()
        contacts = contacts.filter(outcome_measure=measure).annotate(
            work=Value("", output_field=CharField())
        )
    team_name = Team.objects.filter(pk=OuterRef("team_id")).values("name")[:1]
    return (
        contacts.annotate(team_name=Subquery(team_name))
        .only(
            "pk",
            "contact_date",
            "procedure_scheme",
            "procedure_code",
            "activity_type",
            "duration_minutes",
            "attendance",
            "team_id",
            "staff_id",
            "outcome_measure",
            "outcome_before",
            "outcome_after",
        )
        .order_by("-contact_date", "-pk")
    )


def contacts_page(flag: Flag, number: str | int | None) -> Page:
    """One page of the contacts behind a flag, 50 a page."""
    return page_of(contacts_behind(flag), number, CONTACTS_PER_PAGE)


def competencies_flagged(flags: QuerySet[Flag]) -> list[tuple[int, str]]:
    """``(pk, name)`` of the competencies these flags name, for a filter's choices."""
    from competencies.models import Competency

    named = flags.order_by().filter(competency__isnull=False).values("competency_id")
    return [
        (c.pk, str(c))
        for c in Competency.objects.filter(pk__in=named).only("pk", "code", "short_name")
    ]


def teams_of(teams: Iterable[Team]) -> list[tuple[int, str]]:
    return [(t.pk, t.name) for t in teams]
