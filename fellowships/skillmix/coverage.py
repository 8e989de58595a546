"""The skill-mix engine: who in a team is competent at what, against the team's work.

``baseline(team_ids, today)`` reads, in a fixed number of queries however many people or teams,
everything the matrix, the service view, the projection, what-if scenarios, the finder and the
ranking need: the current members (one row per assignment), their best verified attainment per
competency, when they last practised it, the fellows' expected attainments (through the
``register_future_attainments`` hook, never importing their source), the last 12 months of demand
per team and competency (whole weeks from the ``PracticeWeek`` totals, the days either side
from the ``PracticeDay`` roll-up), the level the activity map asks of each competency, and the
settings the capacity-gap flag uses.

Everything else here is pure: ``competent_wte`` and ``coverage`` answer for any date from the
baseline in memory, so the projection and a what-if (which edits a *copy* of the baseline) cost
no queries at all.

Competent
    a verified attainment, valid on the day (``verified_on <= day < expires_on``), at or above
    the lowest level any rule of the activity map asks of the competency (the first proficient
    value of its framework when the rule names none), as ``competencies.activity.flags`` reads
    it; or a fellow's expected attainment from its forecast date on.

Demand
    minutes per week of work needing the competency, over the 52 weeks up to today, turned into
    WTE as the capacity-gap flag does: ``minutes / (full-time hours x 60 x clinical fraction)``.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db import connection
from django.db.models import Max, Q, Sum

from competencies.activity.flags import practice
from competencies.activity.flags.practice import RULES_SQL
from competencies.development.registry import future_attainments
from competencies.models import (
    Attainment,
    Competency,
    FlagSettings,
    PracticeDay,
    PracticeWeek,
    ScaleValue,
)
from ksf.models import PostAssignment, Team

VERIFIED = Attainment.Status.VERIFIED.value
DEMAND_WEEKS = 52
ONE_DAY = datetime.timedelta(days=1)
ZERO = Decimal(0)

#: renewal: an attainment counts as renewed when a new verified sign-off of the same person
#: and competency follows it by no more than this many days after it expired
RENEWAL_GRACE_DAYS = 90
#: the usual renewal rate when history has fewer than ``RENEWAL_MIN_HISTORY`` expiries
DEFAULT_RENEWAL_RATE = Decimal("0.80")
RENEWAL_MIN_HISTORY = 10
#: how far back the history of expiries is read
RENEWAL_HISTORY_YEARS = 3


@dataclass
class Holding:
    """A person's best verified attainment of one competency (valid today if any is)."""

    staff_id: int
    competency_id: int
    level_rank: int  # the scale value's sort order
    level_name: str
    verified_on: datetime.date | None
    expires_on: datetime.date | None
    practised_on: datetime.date | None = None  # the last day of work needing it

    def valid_on(self, day: datetime.date) -> bool:
        return (
            self.verified_on is not None
            and self.verified_on <= day
            and (self.expires_on is None or day < self.expires_on)
        )


@dataclass
class Member:
    """One assignment in a team: a person, their post and WTE, and when it ends (if known)."""

    staff_id: int
    name: str
    band: str
    wte: Decimal
    team_id: int
    post_title: str
    ends_on: datetime.date | None  # the last day in post
    starts_on: datetime.date | None = None
    post_id: int | None = None
    hypothetical: bool = False  # added by a what-if

    def in_post_on(self, day: datetime.date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


@dataclass(frozen=True)
class Expected:
    """A competency someone is expected to hold from ``on`` (a fellowship's forecast)."""

    staff_id: int
    competency_id: int
    on: datetime.date
    source: str = ""


@dataclass
class Baseline:
    today: datetime.date
    team_ids: list[int]
    members: dict[int, Member]  # staff id -> their (largest) assignment in these teams
    holdings: dict[tuple[int, int], Holding]
    future: list[Expected]
    demand: dict[tuple[int, int], Decimal]  # (team, competency) -> minutes a week
    competencies: dict[int, tuple[str, str, str]]  # id -> (idnumber, name, framework name)
    assignments: list[Member] = field(default_factory=list)  # every assignment, all teams
    teams: dict[int, str] = field(default_factory=dict)
    levels: dict[int, int] = field(default_factory=dict)  # competency -> level needed
    level_names: dict[tuple[int, int], str] = field(default_factory=dict)
    parents: dict[int, int | None] = field(default_factory=dict)  # competency -> parent
    frameworks: dict[int, int] = field(default_factory=dict)  # competency -> framework id
    minutes_per_wte_week: Decimal = Decimal("1350")
    threshold: Decimal = Decimal("1.00")
    #: (rate, expiries it was read from); ``None`` until read: ``baseline`` reads it unless
    #: told the caller will not project, and a projection asking after all reads it then
    renewal: tuple[Decimal, int] | None = field(default=None, repr=False)

    def _renewal_read(self) -> tuple[Decimal, int]:
        if self.renewal is None:
            self.renewal = _renewal(self.today)
        return self.renewal

    @property
    def renewal_rate(self) -> Decimal:
        """The share of expired sign-offs usually renewed (``DEFAULT_RENEWAL_RATE`` without
        enough history)."""
        return self._renewal_read()[0]

    @property
    def renewal_history(self) -> int:
        return self._renewal_read()[1]

    @property
    def renewal_from_history(self) -> bool:
        return self.renewal_history >= RENEWAL_MIN_HISTORY

    def copy(self) -> Baseline:
        """A deep copy a what-if may change freely."""
        return copy.deepcopy(self)

    def competency_label(self, competency_id: int) -> str:
        idnumber, name, _ = self.competencies.get(competency_id, ("", "", ""))
        return f"{idnumber} {name}".strip() if idnumber else name

    def demanded(self, team_id: int | None = None) -> list[int]:
        """Competencies with demand (in one team, or any), by idnumber."""
        ids = {c for (t, c), m in self.demand.items() if m and (team_id is None or t == team_id)}
        return sorted(ids, key=lambda c: self.competencies.get(c, ("", "", ""))[:2])


def _levels() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT competency_id, MIN(level_order) FROM ({RULES_SQL}) rl GROUP BY competency_id"  # noqa: S608
        )
        return dict(cursor.fetchall())


def _renewal(today: datetime.date) -> tuple[Decimal, int]:
    """The share of verified sign-offs that expired (in the last few years, at least the grace
    period ago) and were followed by a new verified sign-off within the grace period."""
    table = Attainment._meta.db_table
    first = today - datetime.timedelta(days=365 * RENEWAL_HISTORY_YEARS)
    last = today - datetime.timedelta(days=RENEWAL_GRACE_DAYS)
    if connection.vendor == "postgresql":
        within = "n.verified_on <= a.expires_on + %s * INTERVAL '1 day'"
    else:
        within = "n.verified_on <= date(a.expires_on, '+' || %s || ' days')"
    sql = f"""
        SELECT COUNT(*), SUM(CASE WHEN EXISTS (
            SELECT 1 FROM {table} n
            WHERE n.staff_id = a.staff_id AND n.competency_id = a.competency_id
              AND n.status = %s AND n.id <> a.id AND n.verified_on > a.verified_on
              AND {within}
        ) THEN 1 ELSE 0 END)
        FROM {table} a
        WHERE a.status = %s AND a.expires_on >= %s AND a.expires_on <= %s
    """  # noqa: S608 (table names from the models)
    with connection.cursor() as cursor:
        cursor.execute(sql, [VERIFIED, RENEWAL_GRACE_DAYS, VERIFIED, first, last])
        total, renewed = cursor.fetchone()
    total = int(total or 0)
    if total < RENEWAL_MIN_HISTORY:
        return DEFAULT_RENEWAL_RATE, total
    return (Decimal(int(renewed or 0)) / total).quantize(Decimal("0.01")), total


def _better(a: Mapping[str, Any], b: Holding | None, today: datetime.date) -> bool:
    """Is attainment row ``a`` a better 'best holding' than ``b``?"""
    if b is None:
        return True
    a_valid = a["verified_on"] <= today and (a["expires_on"] is None or today < a["expires_on"])
    b_valid = b.valid_on(today)
    if a_valid != b_valid:
        return a_valid
    if a_valid:
        far = datetime.date.max
        return (a["value__sort_order"], a["expires_on"] or far) > (
            b.level_rank,
            b.expires_on or far,
        )
    return a["verified_on"] > (b.verified_on or datetime.date.min)


def _demand_minutes(team_ids: list[int], today: datetime.date) -> Iterable[tuple[tuple, int]]:
    """(team, competency) and the minutes of work needing it in the 52 weeks to ``today``:
    whole weeks from the weekly totals, the days either side from the daily roll-up (two
    queries, each a few rows a team and competency)."""
    first = today - datetime.timedelta(weeks=DEMAND_WEEKS) + ONE_DAY
    first_whole = practice.monday(first + datetime.timedelta(days=6))  # first Monday >= first
    last_whole = practice.monday(today + ONE_DAY) - datetime.timedelta(days=7)  # ends <= today
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for r in (
        PracticeWeek.objects.filter(
            team_id__in=team_ids, week__gte=first_whole, week__lte=last_whole
        )
        .values("team_id", "competency_id")
        .annotate(minutes=Sum("minutes"))
    ):
        totals[(r["team_id"], r["competency_id"])] += r["minutes"] or 0
    edges = Q(day__gte=first, day__lt=first_whole) | Q(
        day__gt=last_whole + datetime.timedelta(days=6), day__lte=today
    )
    for r in (
        PracticeDay.objects.filter(edges, team_id__in=team_ids)
        .values("team_id", "competency_id")
        .annotate(minutes=Sum("minutes"))
    ):
        totals[(r["team_id"], r["competency_id"])] += r["minutes"] or 0
    return totals.items()


def baseline(
    team_ids: Iterable[int],
    today: datetime.date,
    *,
    practised: bool = True,
    projecting: bool = True,
) -> Baseline:
    """Everything the skill-mix pages need about these teams on ``today``: a fixed number of
    queries (about twelve, with the fellowships hook), whatever the teams' size.

    ``practised=False`` leaves each holding's ``practised_on`` unread: only the matrix shows
    it, and for a whole service it is the costliest read (every person's roll-up rows).
    ``projecting=False`` leaves the board's renewal rate unread (a query over every sign-off
    on the board) for a page that shows today only, as the matrix and the service view do."""
    team_ids = sorted(set(team_ids))
    s = FlagSettings.load()
    minutes_per_wte_week = Decimal(s.full_time_hours) * 60 * Decimal(s.clinical_fraction)
    levels = _levels()
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    assignments: list[Member] = []
    members: dict[int, Member] = {}
    for a in (
        PostAssignment.objects.filter(team_id__in=team_ids, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("staff__last_name", "staff__first_name", "staff_id", "start_date")
        .values(
            "staff_id",
            "staff__first_name",
            "staff__last_name",
            "staff__band",
            "post__band",
            "post__title",
            "post_id",
            "wte",
            "team_id",
            "start_date",
            "end_date",
        )
    ):
        m = Member(
            staff_id=a["staff_id"],
            name=f"{a['staff__first_name']} {a['staff__last_name']}",
            band=a["post__band"] or a["staff__band"],
            wte=a["wte"],
            team_id=a["team_id"],
            post_title=a["post__title"],
            ends_on=a["end_date"],
            starts_on=a["start_date"],
            post_id=a["post_id"],
        )
        assignments.append(m)
        if a["staff_id"] not in members or members[a["staff_id"]].wte < m.wte:
            members[a["staff_id"]] = m
    staff_ids = sorted(members)

    holdings: dict[tuple[int, int], Holding] = {}
    if staff_ids:
        for att in (
            Attainment.objects.filter(
                staff_id__in=staff_ids, status=VERIFIED, verified_on__lte=today
            )
            .order_by("pk")
            .values(
                "staff_id",
                "competency_id",
                "verified_on",
                "expires_on",
                "value__sort_order",
                "value__name",
            )
        ):
            key = (att["staff_id"], att["competency_id"])
            if _better(att, holdings.get(key), today):
                holdings[key] = Holding(
                    att["staff_id"],
                    att["competency_id"],
                    # Orderable.sort_order is nullable in the schema, always set on a level
                    cast(int, att["value__sort_order"]),
                    att["value__name"],
                    att["verified_on"],
                    att["expires_on"],
                )
        last_practised = (
            PracticeDay.objects.filter(staff_id__in=staff_ids, day__lte=today)
            .values("staff_id", "competency_id")
            .annotate(last=Max("day"))
        )
        for r in last_practised if practised else ():
            h = holdings.get((r["staff_id"], r["competency_id"]))
            if h is not None:
                h.practised_on = r["last"]

    future = [
        Expected(f.staff_id, f.competency_id, f.expected_on, f.source)
        for f in (future_attainments(staff_ids, today) if staff_ids else [])
        if f.expected_on
    ]

    demand = {
        key: Decimal(minutes) / DEMAND_WEEKS for key, minutes in _demand_minutes(team_ids, today)
    }

    competency_ids = {c for _, c in holdings} | {f.competency_id for f in future}
    competency_ids |= {c for _, c in demand} | set(levels)
    competencies: dict[int, tuple[str, str, str]] = {}
    parents: dict[int, int | None] = {}
    frameworks: dict[int, int] = {}
    for c in Competency.objects.filter(pk__in=competency_ids).values(
        "pk", "idnumber", "code", "short_name", "framework__title", "framework_id", "parent_id"
    ):
        competencies[c["pk"]] = (c["code"] or c["idnumber"], c["short_name"], c["framework__title"])
        parents[c["pk"]] = c["parent_id"]
        frameworks[c["pk"]] = c["framework_id"]
    level_names = {
        (v["framework_id"], v["sort_order"]): v["name"]
        for v in ScaleValue.objects.filter(framework_id__in=set(frameworks.values())).values(
            "framework_id", "sort_order", "name"
        )
    }
    level_names = {
        (c, order): level_names.get((frameworks.get(c), order), "")
        for c, order in levels.items()
        if c in frameworks
    }
    return Baseline(
        today=today,
        team_ids=team_ids,
        members=members,
        holdings=holdings,
        future=future,
        demand=demand,
        competencies=competencies,
        assignments=assignments,
        teams=teams,
        levels=levels,
        level_names=level_names,
        parents=parents,
        frameworks=frameworks,
        minutes_per_wte_week=minutes_per_wte_week,
        threshold=Decimal(s.capacity_threshold),
        renewal=_renewal(today) if projecting else None,
    )


# --- pure answers from a baseline ----------------------------------------------------------


def is_competent(b: Baseline, staff_id: int, competency_id: int, on: datetime.date) -> bool:
    """A valid verified attainment at the level the map asks, or an expected one by ``on``."""
    h = b.holdings.get((staff_id, competency_id))
    if h is not None and h.valid_on(on) and h.level_rank >= b.levels.get(competency_id, 0):
        return True
    return any(
        f.staff_id == staff_id and f.competency_id == competency_id and f.on <= on for f in b.future
    )


def _expected_by(b: Baseline, on: datetime.date) -> set[tuple[int, int]]:
    return {(f.staff_id, f.competency_id) for f in b.future if f.on <= on}


def competent_share(
    b: Baseline,
    staff_id: int,
    competency_id: int,
    on: datetime.date,
    renewal: Decimal = ZERO,
    expected: set[tuple[int, int]] | None = None,
) -> Decimal:
    """1 when competent on ``on``; ``renewal`` (the expected share) when a sign-off at the level
    has expired between today and ``on`` and would usually have been renewed; else 0."""
    expected = _expected_by(b, on) if expected is None else expected
    if (staff_id, competency_id) in expected:
        return Decimal(1)
    h = b.holdings.get((staff_id, competency_id))
    if h is None or h.level_rank < b.levels.get(competency_id, 0):
        return ZERO
    if h.valid_on(on):
        return Decimal(1)
    if renewal and h.expires_on is not None and b.today < h.expires_on <= on:
        return renewal
    return ZERO


def competent_wte(
    b: Baseline, on: datetime.date, renewal: Decimal = ZERO
) -> dict[tuple[int, int], Decimal]:
    """(team, competency) -> WTE in post on ``on`` and competent then (see ``competent_share``)."""
    expected = _expected_by(b, on)
    by_staff: dict[int, set[int]] = defaultdict(set)
    for s, c in b.holdings:
        by_staff[s].add(c)
    for s, c in expected:
        by_staff[s].add(c)
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for m in b.assignments:
        if not m.in_post_on(on):
            continue
        for c in by_staff.get(m.staff_id, ()):
            share = competent_share(b, m.staff_id, c, on, renewal, expected)
            if share:
                out[(m.team_id, c)] += m.wte * share
    return dict(out)


def demand_wte(b: Baseline, minutes_per_week: Decimal) -> Decimal:
    if not b.minutes_per_wte_week:
        return ZERO
    return Decimal(minutes_per_week) / b.minutes_per_wte_week


def coverage(
    b: Baseline,
    on: datetime.date,
    renewal: Decimal = ZERO,
    demand: dict[tuple[int, int], Decimal] | None = None,
) -> dict[tuple[int, int], tuple[Decimal, Decimal, Decimal | None]]:
    """(team, competency) -> (competent WTE, demand WTE, competent / demand or None without
    demand), for every pair with demand or anyone competent. ``demand`` (minutes a week)
    replaces the baseline's, for a projection with growth or a what-if."""
    demand = b.demand if demand is None else demand
    competent = competent_wte(b, on, renewal)
    out = {}
    for key in set(competent) | {k for k, v in demand.items() if v}:
        have = competent.get(key, ZERO)
        need = demand_wte(b, demand.get(key, ZERO))
        out[key] = (have, need, (have / need) if need else None)
    return out
