"""What is true now: the six kinds of skill-gap flag, computed in the database.

Each ``*_flags`` function takes the teams to look at (``None``: every team), today and the
settings, and returns ``Found`` rows; nothing is written here (``recompute`` persists them).
Contacts are never loaded: practice is read from the ``PracticeDay`` roll-up (see
``practice.py``) with ``GROUP BY`` and ``NOT EXISTS`` in SQL, so Python only shapes results
that are already small (a row per person and competency, or per team and competency).

1. ``unverified_flags``: roll-up rows with no verified attainment valid on that day at the
   level the work needed (``verified_on <= day < expires_on``, value ``sort_order`` at or
   above), one flag per person, team, competency and detail ("supervised" when a registered
   supervision period covers the day, see ``registry.py``; otherwise empty).
2. ``capacity_flags``: demand minutes per team and competency in the window against
   ``WTE x full-time hours x 60 x clinical fraction x weeks`` in the team while competent.
3. ``single_point_flags``: demand in the window and exactly one competent person in the team
   today.
4. ``decay_flags``: held (continuously, valid today) for at least the lapse months and not
   practised for that long ("decay"); or expiring within ``expiry_days`` where the team has
   demand ("expiring").
5. ``requirement_flags``: the development engine's red rows, batched.
6. ``outcome_flags``: see ``outcomes.py``.

"Competent" in a team-level flag means a valid attainment at the lowest level any rule of the
map asks of that competency.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Max, Q, Sum

from competencies.activity.flags.practice import RULES_SQL
from competencies.activity.flags.registry import supervised_periods
from competencies.models import (
    ActivityRequirement,
    Attainment,
    Competency,
    Flag,
    FlagSettings,
    PracticeDay,
    ScaleValue,
)
from ksf.models import PostAssignment, StaffMember, Team

Kind = Flag.Kind
ONE_DAY = datetime.timedelta(days=1)
FAR = datetime.date(9999, 12, 31)
VERIFIED = Attainment.Status.VERIFIED.value
REQUIREMENT_BATCH = 500

#: the kinds an import's days can change (post requirement gaps do not read activity)
ACTIVITY_KINDS = (
    Kind.UNVERIFIED_PRACTICE,
    Kind.CAPACITY_GAP,
    Kind.SINGLE_POINT,
    Kind.SKILL_DECAY,
    Kind.OUTCOME_OUTLIER,
)


@dataclass
class Found:
    """A flag as computed: its identity, its figures and the contacts behind it."""

    kind: str
    team_id: int
    staff_id: int | None = None
    competency_id: int | None = None
    detail: str = ""
    extra: str = ""  # the outcome measure, or the requirement's code
    figures: dict = field(default_factory=dict)
    contact_count: int = 0
    first_seen: datetime.date | None = None
    last_seen: datetime.date | None = None

    @property
    def key(self) -> str:
        return flag_key(
            self.kind, self.team_id, self.staff_id, self.competency_id, self.detail, self.extra
        )


def flag_key(kind, team_id, staff_id=None, competency_id=None, detail="", extra="") -> str:
    """The identity of a flag across recomputes (``Flag.key``)."""
    parts = [str(kind), str(team_id), str(staff_id or "-"), str(competency_id or "-"), detail]
    return ":".join([*parts, extra])[:200]


@dataclass
class Context:
    """What every flag needs, read once per recompute."""

    today: datetime.date
    settings: FlagSettings
    team_ids: list[int] | None
    window_first: datetime.date = field(init=False)
    levels: dict[int, int] = field(default_factory=dict)  # competency -> lowest level needed
    lapse: dict[int, int] = field(default_factory=dict)  # competency -> months
    work: dict[int, list[str]] = field(default_factory=dict)  # competency -> rule labels

    def __post_init__(self) -> None:
        weeks = self.settings.window_weeks
        self.window_first = self.today - datetime.timedelta(weeks=weeks) + ONE_DAY

    @property
    def window_days(self) -> int:
        return (self.today - self.window_first).days + 1

    def in_teams(self, prefix: str = "team_id") -> Q:
        return Q() if self.team_ids is None else Q(**{f"{prefix}__in": self.team_ids})


def context(team_ids: Iterable[int] | None, today: datetime.date) -> Context:
    ctx = Context(
        today=today,
        settings=FlagSettings.load(),
        team_ids=None if team_ids is None else sorted(set(team_ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT competency_id, MIN(level_order) FROM ({RULES_SQL}) rl GROUP BY competency_id"
        )
        ctx.levels = dict(cursor.fetchall())
    default_lapse = ctx.settings.lapse_months
    rules = ActivityRequirement.objects.filter(competency_id__isnull=False)  # the rest need none
    for row in rules.values("competency_id", "lapse_months", "label"):
        months = row["lapse_months"] or default_lapse
        ctx.lapse[row["competency_id"]] = min(ctx.lapse.get(row["competency_id"], months), months)
        labels = ctx.work.setdefault(row["competency_id"], [])
        if row["label"] not in labels:
            labels.append(row["label"])
    return ctx


# --- names for figures (so a reason reads without a query per flag) -----------------------


def name_figures(found: list[Found]) -> None:
    """Put the names of the person, team and competency in each flag's figures."""
    staff_ids = {f.staff_id for f in found if f.staff_id}
    staff_ids |= {f.figures.get("person_id") for f in found if f.figures.get("person_id")}
    people = {
        p["pk"]: f"{p['first_name']} {p['last_name']}"
        for p in StaffMember.objects.filter(pk__in=staff_ids).values(
            "pk", "first_name", "last_name"
        )
    }
    teams = dict(Team.objects.filter(pk__in={f.team_id for f in found}).values_list("pk", "name"))
    comps = {
        c.pk: str(c)
        for c in Competency.objects.filter(
            pk__in={f.competency_id for f in found if f.competency_id}
        ).only("pk", "code", "short_name")
    }
    for f in found:
        f.figures["team"] = teams.get(f.team_id, "")
        if f.staff_id:
            f.figures["person"] = people.get(f.staff_id, "")
        if f.figures.get("person_id"):
            f.figures["person"] = people.get(f.figures["person_id"], "")
        if f.competency_id:
            f.figures.setdefault("competency", comps.get(f.competency_id, ""))


def _level_names(competency_orders: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """(competency id, sort order) -> the scale value's name."""
    if not competency_orders:
        return {}
    frameworks = dict(
        Competency.objects.filter(pk__in={c for c, _ in competency_orders}).values_list(
            "pk", "framework_id"
        )
    )
    values = {
        (v["framework_id"], v["sort_order"]): v["name"]
        for v in ScaleValue.objects.filter(framework_id__in=set(frameworks.values())).values(
            "framework_id", "sort_order", "name"
        )
    }
    return {
        (c, order): values.get((frameworks.get(c), order), "") for c, order in competency_orders
    }


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _date_param() -> str:
    return "%s::date" if connection.vendor == "postgresql" else "%s"


# --- 1. practice without a valid attainment ------------------------------------------------


def _unverified_rows(
    ctx: Context,
    *,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    pairs: set[tuple[int, int]] | None = None,
    supervised: bool = True,
) -> list[tuple]:
    """Roll-up rows without a valid sign-off, grouped by person, team, competency, detail.

    ``first``/``last`` limit the days; ``pairs`` the (person, competency) pairs (for the
    incremental recompute: the whole history of the pairs a few days touched).
    """
    table = PracticeDay._meta.db_table
    where, params = ["p.day <= %s"], [min(ctx.today, last) if last else ctx.today]
    if ctx.team_ids is not None:
        if not ctx.team_ids:
            return []
        where.append(f"p.team_id IN ({', '.join(['%s'] * len(ctx.team_ids))})")
        params.extend(ctx.team_ids)
    if first is not None:
        where.append("p.day >= %s")
        params.append(first)
    source = f"{table} p"
    source_params: list = []
    if pairs is not None:
        if not pairs:
            return []
        pairs = sorted(pairs)
        source, source_params = _pairs_join(table, "staff_id", pairs)
    periods = []
    if supervised:
        if pairs is not None:
            staff_scope = sorted({s for s, _ in pairs})
        elif ctx.team_ids is not None:
            staff_scope = list(
                PracticeDay.objects.filter(team_id__in=ctx.team_ids)
                .values_list("staff_id", flat=True)
                .distinct()
            )
        else:
            staff_scope = None
        periods = supervised_periods(staff_scope) if staff_scope != [] else []
    cte, cte_params, detail = "", [], "''"
    if periods:
        d = _date_param()
        rows = ", ".join([f"(%s, %s, {d}, {d})"] * len(periods))
        cte = f"WITH sup (staff_id, competency_id, starts, ends) AS (VALUES {rows}) "
        for p in periods:
            cte_params.extend([p.staff_id, p.competency_id, p.start, p.end or FAR])
        detail = (
            "CASE WHEN EXISTS (SELECT 1 FROM sup s WHERE s.staff_id = p.staff_id "
            "AND s.competency_id = p.competency_id AND p.day >= s.starts AND p.day <= s.ends) "
            "THEN 'supervised' ELSE '' END"
        )
    sql = f"""
        {cte}
        SELECT p.staff_id, p.team_id, p.competency_id, {detail} AS detail,
               MIN(p.day), MAX(p.day), SUM(p.contacts), SUM(p.minutes), MAX(p.level_order)
        FROM {source}
        WHERE {" AND ".join(where)} AND NOT EXISTS (
            SELECT 1 FROM {Attainment._meta.db_table} a
            JOIN {ScaleValue._meta.db_table} v ON v.id = a.value_id
            WHERE a.staff_id = p.staff_id AND a.competency_id = p.competency_id
              AND a.status = %s AND a.verified_on <= p.day
              AND (a.expires_on IS NULL OR a.expires_on > p.day)
              AND v.sort_order >= p.level_order
        )
        GROUP BY 1, 2, 3, 4
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*cte_params, *source_params, *params, VERIFIED])
        return cursor.fetchall()


def _pairs_join(table: str, first: str, pairs: Sequence[tuple[int, int]]) -> tuple[str, list]:
    """``table p`` limited to these (``first``, competency) pairs, as a join the planner
    drives from the pairs into the roll-up's (staff, competency, day) or (team, ...) index:
    on PostgreSQL two arrays unnested (one parameter each, however many pairs), elsewhere
    a VALUES list."""
    if connection.vendor == "postgresql":
        return (
            f"unnest(%s::bigint[], %s::bigint[]) AS q(a, b) JOIN {table} p "
            f"ON p.{first} = q.a AND p.competency_id = q.b",
            [[a for a, _ in pairs], [b for _, b in pairs]],
        )
    rows = ", ".join(["(%s, %s)"] * len(pairs))
    return (
        f"(SELECT column1 AS a, column2 AS b FROM (VALUES {rows})) q JOIN {table} p "
        f"ON p.{first} = q.a AND p.competency_id = q.b",
        [x for pair in pairs for x in pair],
    )


def unverified_pairs(ctx: Context, first: datetime.date, last: datetime.date) -> set:
    """(person, competency) pairs with practice without a valid sign-off in these days."""
    return {(r[0], r[2]) for r in _unverified_rows(ctx, first=first, last=last, supervised=False)}


def unverified_flags(ctx: Context, pairs: set[tuple[int, int]] | None = None) -> list[Found]:
    rows = _unverified_rows(ctx, pairs=pairs)
    if not rows:
        return []
    pairs_staff = {r[0] for r in rows}
    pairs_comp = {r[2] for r in rows}
    # the latest expiry of a verified sign-off, to say "expired on" when there was one
    expiries: dict[tuple[int, int], list[datetime.date]] = defaultdict(list)
    for a in Attainment.objects.filter(
        status=VERIFIED,
        staff_id__in=pairs_staff,
        competency_id__in=pairs_comp,
        expires_on__isnull=False,
    ).values("staff_id", "competency_id", "expires_on"):
        expiries[(a["staff_id"], a["competency_id"])].append(a["expires_on"])
    level_names = _level_names({(r[2], r[8]) for r in rows})
    found = []
    for staff_id, team_id, competency_id, detail_, first, last, contacts, minutes, order in rows:
        first, last = _as_date(first), _as_date(last)
        expired = [d for d in expiries.get((staff_id, competency_id), []) if d <= last]
        figures = {
            "contacts": int(contacts),
            "minutes": int(minutes),
            "first": _iso(first),
            "last": _iso(last),
            "level": level_names.get((competency_id, order), ""),
            "expired_on": _iso(max(expired)) if expired else None,
            "work": ctx.work.get(competency_id, [])[:3],
        }
        found.append(
            Found(
                Kind.UNVERIFIED_PRACTICE,
                team_id,
                staff_id,
                competency_id,
                detail=detail_ or "",
                figures=figures,
                contact_count=int(contacts),
                first_seen=first,
                last_seen=last,
            )
        )
    return found


# --- validity intervals, shared by 2, 3 and 4 ----------------------------------------------


def _merge(intervals: list[tuple[datetime.date, datetime.date]]):
    """Union of inclusive day intervals, sorted."""
    merged: list[list[datetime.date]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + ONE_DAY:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _valid_intervals(
    ctx: Context, staff_ids: set[int], competency_ids: set[int], since: datetime.date | None
) -> dict[tuple[int, int], list[tuple[datetime.date, datetime.date]]]:
    """Per (person, competency): the days (merged) they held a valid sign-off at the level."""
    if not staff_ids or not competency_ids:
        return {}
    raw: dict[tuple[int, int], list] = defaultdict(list)
    levels = ctx.levels
    for staff_id, competency_id, verified_on, expires_on, order in _attainment_rows(
        ctx, staff_ids, competency_ids, since
    ):
        if order < levels.get(competency_id, 0):
            continue
        verified_on = _as_date(verified_on)
        end = _as_date(expires_on) - ONE_DAY if expires_on else FAR
        if end >= verified_on:
            raw[(staff_id, competency_id)].append((verified_on, end))
    return {k: v if len(v) == 1 else _merge(v) for k, v in raw.items()}


def _attainment_rows(ctx: Context, staff_ids, competency_ids, since) -> list[tuple]:
    """(staff, competency, verified on, expires on, level order) of verified sign-offs: on
    PostgreSQL one query with two array parameters (tens of thousands of rows at scale M,
    which the ORM takes seconds to hand over), elsewhere through the ORM."""
    if connection.vendor != "postgresql":
        rows = Attainment.objects.filter(
            status=VERIFIED,
            staff_id__in=staff_ids,
            competency_id__in=competency_ids,
            verified_on__lte=ctx.today,
        )
        if since is not None:
            rows = rows.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=since))
        return list(
            rows.values_list(
                "staff_id", "competency_id", "verified_on", "expires_on", "value__sort_order"
            )
        )
    competencies = sorted(competency_ids)
    sql = f"""
        SELECT a.staff_id, a.competency_id, a.verified_on, a.expires_on, v.sort_order
        FROM {Attainment._meta.db_table} a JOIN {ScaleValue._meta.db_table} v ON v.id = a.value_id
        JOIN unnest(%s::bigint[], %s::int[]) AS lv(competency_id, level)
          ON lv.competency_id = a.competency_id AND v.sort_order >= lv.level
        WHERE a.status = %s AND a.staff_id = ANY(%s::bigint[]) AND a.verified_on <= %s
    """
    params = [
        competencies,
        [ctx.levels.get(c, 0) for c in competencies],
        VERIFIED,
        sorted(staff_ids),
        ctx.today,
    ]
    if since is not None:
        sql += " AND (a.expires_on IS NULL OR a.expires_on > %s)"
        params.append(since)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _overlap(a_start, a_end, b_start, b_end) -> int:
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days + 1)


def demand_of(ctx: Context, pairs: Iterable[tuple[int, int]] | None = None) -> dict:
    """(team, competency) -> minutes and contacts needing it in the window (``pairs``: only
    these (team, competency) pairs, read through the roll-up's index)."""
    if pairs is not None:
        wanted = set(pairs)
        teams = sorted({t for t, _ in wanted})
        if not teams:
            return {}
        # The team's rows in the window, read once through (team, day): probing pair by pair
        # would read each team's window once per competency.
        table = PracticeDay._meta.db_table
        if connection.vendor == "postgresql":
            in_teams, params = "team_id = ANY(%s::bigint[])", [teams]
        else:
            in_teams, params = f"team_id IN ({', '.join(['%s'] * len(teams))})", teams
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT team_id, competency_id, SUM(minutes), SUM(contacts) FROM {table} "
                f"WHERE {in_teams} AND day >= %s AND day <= %s GROUP BY 1, 2",
                [*params, ctx.window_first, ctx.today],
            )
            return {
                (t, c): {"team_id": t, "competency_id": c, "minutes": m, "contacts": n}
                for t, c, m, n in cursor.fetchall()
                if (t, c) in wanted
            }
    return {
        (r["team_id"], r["competency_id"]): r
        for r in PracticeDay.objects.filter(
            ctx.in_teams(), day__gte=ctx.window_first, day__lte=ctx.today
        )
        .values("team_id", "competency_id")
        .annotate(minutes=Sum("minutes"), contacts=Sum("contacts"))
    }


def team_flags(ctx: Context, demand: dict | None = None) -> list[Found]:
    """2. capacity gaps and 3. single points of failure, from the same few queries."""
    demand = demand_of(ctx) if demand is None else demand
    demand = {k: v for k, v in demand.items() if v["minutes"]}
    if not demand:
        return []
    teams = {t for t, _ in demand}
    assignments = list(
        PostAssignment.objects.filter(team_id__in=teams, start_date__lte=ctx.today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=ctx.window_first))
        .values("staff_id", "team_id", "wte", "start_date", "end_date")
    )
    by_team: dict[int, list[dict]] = defaultdict(list)
    for a in assignments:
        by_team[a["team_id"]].append(a)
    valid = _valid_intervals(
        ctx, {a["staff_id"] for a in assignments}, {c for _, c in demand}, ctx.window_first
    )
    s = ctx.settings
    minutes_per_wte_day = Decimal(s.full_time_hours) * 60 * Decimal(s.clinical_fraction) / 7
    threshold = float(s.capacity_threshold)
    found: list[Found] = []
    for (team_id, competency_id), d in sorted(demand.items()):
        wte_days = Decimal(0)
        competent_now: set[int] = set()
        for a in by_team.get(team_id, []):
            a_end = a["end_date"] or FAR
            for v_start, v_end in valid.get((a["staff_id"], competency_id), []):
                # in the team, competent and within the window, all at once
                days = _overlap(
                    max(a["start_date"], v_start), min(a_end, v_end), ctx.window_first, ctx.today
                )
                wte_days += a["wte"] * days
                if a["start_date"] <= ctx.today <= a_end and v_start <= ctx.today <= v_end:
                    competent_now.add(a["staff_id"])
        capacity = float(wte_days * minutes_per_wte_day)
        ratio = capacity / d["minutes"]
        figures = {
            "demand_hours": round(d["minutes"] / 60, 1),
            "capacity_hours": round(capacity / 60, 1),
            "ratio": round(ratio, 2),
            "competent_wte": round(float(wte_days) / ctx.window_days, 2),
            "weeks": s.window_weeks,
            "contacts": int(d["contacts"]),
            "threshold": threshold,
            "competent_now": len(competent_now),
            "work": ctx.work.get(competency_id, [])[:3],
        }
        if ratio < threshold:
            found.append(
                Found(
                    Kind.CAPACITY_GAP,
                    team_id,
                    None,
                    competency_id,
                    figures=dict(figures),
                    contact_count=int(d["contacts"]),
                    first_seen=ctx.window_first,
                    last_seen=ctx.today,
                )
            )
        if len(competent_now) == 1:
            figures["person_id"] = next(iter(competent_now))
            found.append(
                Found(
                    Kind.SINGLE_POINT,
                    team_id,
                    None,
                    competency_id,
                    figures=figures,
                    contact_count=int(d["contacts"]),
                    first_seen=ctx.window_first,
                    last_seen=ctx.today,
                )
            )
    return found


# --- 4. skill decay and expiry -------------------------------------------------------------


def decay_flags(ctx: Context, demand: dict | None = None) -> list[Found]:
    demand = demand_of(ctx) if demand is None else demand
    mapped = set(ctx.levels)
    if not mapped:
        return []
    members = list(
        PostAssignment.objects.current(ctx.today)
        .filter(ctx.in_teams())
        .values_list("staff_id", "team_id")
        .distinct()
    )
    if not members:
        return []
    staff_ids = {s for s, _ in members}
    valid = _valid_intervals(ctx, staff_ids, mapped, None)
    holding = {}  # (staff, competency) -> (held since, valid until)
    for (staff_id, competency_id), intervals in valid.items():
        for start, end in intervals:
            if start <= ctx.today <= end:
                holding[(staff_id, competency_id)] = (start, end)
    if not holding:
        return []
    practised = PracticeDay.objects.filter(day__lte=ctx.today)
    if ctx.team_ids is not None:  # everyone's practice otherwise: no long lists of ids
        practised = practised.filter(staff_id__in={s for s, _ in holding})
    last_practised = {
        (r["staff_id"], r["competency_id"]): r["last"]
        for r in practised.values("staff_id", "competency_id").annotate(last=Max("day"))
    }
    horizon = ctx.today + datetime.timedelta(days=ctx.settings.expiry_days)
    held_by: dict[int, list[tuple[int, datetime.date, datetime.date]]] = defaultdict(list)
    for (staff_id, competency_id), (since, until) in sorted(holding.items()):
        held_by[staff_id].append((competency_id, since, until))
    found: list[Found] = []
    for staff_id, team_id in sorted(members):
        for competency_id, since, until in held_by.get(staff_id, []):
            months = ctx.lapse.get(competency_id, ctx.settings.lapse_months)
            cutoff = ctx.today - relativedelta(months=months)
            last = last_practised.get((staff_id, competency_id))
            if since <= cutoff and (last is None or last < cutoff):
                found.append(
                    Found(
                        Kind.SKILL_DECAY,
                        team_id,
                        staff_id,
                        competency_id,
                        detail="decay",
                        figures={
                            "months": months,
                            "held_since": _iso(since),
                            "last_practised": _iso(last),
                            "work": ctx.work.get(competency_id, [])[:3],
                        },
                        first_seen=ctx.today,
                        last_seen=ctx.today,
                    )
                )
            expires = until + ONE_DAY if until != FAR else None
            team_demand = demand.get((team_id, competency_id))
            if expires and expires <= horizon and team_demand and team_demand["minutes"]:
                found.append(
                    Found(
                        Kind.SKILL_DECAY,
                        team_id,
                        staff_id,
                        competency_id,
                        detail="expiring",
                        figures={
                            "expires_on": _iso(expires),
                            "days_left": (expires - ctx.today).days,
                            "team_contacts": int(team_demand["contacts"]),
                            "weeks": ctx.settings.window_weeks,
                            "work": ctx.work.get(competency_id, [])[:3],
                        },
                        first_seen=ctx.today,
                        last_seen=ctx.today,
                    )
                )
    return found


# --- 5. post requirement gaps --------------------------------------------------------------


def requirement_flags(ctx: Context) -> list[Found]:
    from competencies.development.engine import requirement_facts
    from competencies.development.facts import Rag

    assignments = list(
        PostAssignment.objects.current(ctx.today)
        .filter(ctx.in_teams())
        .order_by("staff_id", "start_date")
        .values("staff_id", "team_id", "post__title")
    )
    teams_of: dict[int, dict[str, int]] = defaultdict(dict)
    for a in assignments:
        teams_of[a["staff_id"]].setdefault(a["post__title"], a["team_id"])
    staff_ids = sorted(teams_of)
    found: list[Found] = []
    for start in range(0, len(staff_ids), REQUIREMENT_BATCH):
        people = list(
            StaffMember.objects.filter(pk__in=staff_ids[start : start + REQUIREMENT_BATCH])
        )
        for staff_id, rows in requirement_facts(people, ctx.today).items():
            posts = teams_of.get(staff_id, {})
            for row in rows:
                if row.rag != Rag.RED:
                    continue
                team_id = posts.get(row.post_title) or next(iter(posts.values()), None)
                if team_id is None:
                    continue
                found.append(
                    Found(
                        Kind.REQUIREMENT_GAP,
                        team_id,
                        staff_id,
                        row.competency_id,
                        detail=str(row.kind),
                        extra=row.code or row.title[:60],
                        figures={
                            "label": row.title,
                            "code": row.code,
                            "post": row.post_title,
                            "state": str(row.state),
                            "due": _iso(row.due),
                            "expires_on": _iso(row.expires_on),
                            "required_value": row.required_value,
                            "target_level": row.target_level,
                        },
                        first_seen=ctx.today,
                        last_seen=ctx.today,
                    )
                )
    return found


# --- all together --------------------------------------------------------------------------


def compute(
    team_ids: Iterable[int] | None,
    today: datetime.date,
    kinds: Sequence[str] = tuple(Kind.values),
) -> list[Found]:
    """Every flag of these kinds for these teams (``None``: all), with names in figures."""
    from competencies.activity.flags.outcomes import outcome_flags

    ctx = context(team_ids, today)
    if ctx.team_ids == []:
        return []
    found: list[Found] = []
    demand = None
    if {Kind.CAPACITY_GAP, Kind.SINGLE_POINT, Kind.SKILL_DECAY} & set(kinds):
        demand = demand_of(ctx)
    if Kind.UNVERIFIED_PRACTICE in kinds:
        found += unverified_flags(ctx)
    if {Kind.CAPACITY_GAP, Kind.SINGLE_POINT} & set(kinds):
        found += [f for f in team_flags(ctx, demand) if f.kind in kinds]
    if Kind.SKILL_DECAY in kinds:
        found += decay_flags(ctx, demand)
    if Kind.REQUIREMENT_GAP in kinds:
        found += requirement_flags(ctx)
    if Kind.OUTCOME_OUTLIER in kinds:
        found += outcome_flags(ctx)
    name_figures(found)
    return found


__all__ = [
    "ACTIVITY_KINDS",
    "Context",
    "Found",
    "compute",
    "context",
    "decay_flags",
    "demand_of",
    "flag_key",
    "name_figures",
    "requirement_flags",
    "team_flags",
    "unverified_flags",
    "unverified_pairs",
]
