"""Outcome change per clinician against their team or service: the funnel plot and flag 6.

An episode is a distinct ``episode_hash`` within a measure whose contacts carry both scores;
its latest contact (by date, then id) gives the clinician, the team and the change
(after - before). Episodes ending in the last 12 months count. Per clinician and team the
database returns the count, the sum and the sum of squares of the changes (one query with a
``ROW_NUMBER()`` window); the mean and standard deviation follow from those.

A clinician with at least ``FlagSettings.minimum_episodes`` episodes is compared, with
``funnel``, with the other such clinicians of their team, or of their service when the team
has fewer than three; below the lower 99.8% limit raises a flag (detail "low").
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from competencies.activity.flags.funnel import BELOW998, Z95, Z998, Funnel, Unit, funnel
from competencies.activity.flags.practice import no_jit
from competencies.models import Contact, Flag, FlagSettings
from ksf import dates
from ksf.models import StaffMember, Team

OUTCOME_DAYS = 365
MIN_TEAM_UNITS = 3


@dataclass
class Row:
    staff_id: int
    team_id: int
    measure: str
    n: int
    total: float
    squares: float
    first: datetime.date
    last: datetime.date

    @property
    def mean(self) -> float:
        return self.total / self.n

    @property
    def sd(self) -> float:
        if self.n < 2:
            return 0.0
        return math.sqrt(max(0.0, (self.squares - self.total**2 / self.n) / (self.n - 1)))


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def episode_rows(
    team_ids: Sequence[int] | None, today: datetime.date, measure: str | None = None
) -> list[Row]:
    """Per clinician, team and measure: episodes and the sums of their changes."""
    where = [
        "c.episode_hash <> ''",
        "c.outcome_measure <> ''",
        "c.outcome_before IS NOT NULL",
        "c.outcome_after IS NOT NULL",
        "c.contact_date > %s",
        "c.contact_date <= %s",
    ]
    params: list = [today - datetime.timedelta(days=OUTCOME_DAYS), today]
    if team_ids is not None:
        if not team_ids:
            return []
        where.append(f"c.team_id IN ({', '.join(['%s'] * len(team_ids))})")
        params.extend(team_ids)
    if measure is not None:
        where.append("c.outcome_measure = %s")
        params.append(measure)
    sql = f"""
        SELECT staff_id, team_id, outcome_measure, COUNT(*), SUM(chg), SUM(chg * chg),
               MIN(contact_date), MAX(contact_date)
        FROM (
            SELECT c.staff_id, c.team_id, c.outcome_measure, c.contact_date,
                   (c.outcome_after - c.outcome_before) * 1.0 AS chg,
                   ROW_NUMBER() OVER (
                       PARTITION BY c.outcome_measure, c.episode_hash
                       ORDER BY c.contact_date DESC, c.id DESC
                   ) AS rn
            FROM {Contact._meta.db_table} c
            WHERE {" AND ".join(where)}
        ) e
        WHERE rn = 1
        GROUP BY staff_id, team_id, outcome_measure
    """
    with transaction.atomic(), connection.cursor() as cursor:
        no_jit()
        cursor.execute(sql, params)
        return [
            Row(s, t, m, int(n), float(total), float(squares), _as_date(f), _as_date(la))
            for s, t, m, n, total, squares, f, la in cursor.fetchall()
        ]


def measures(team_ids: Iterable[int], today: datetime.date | None = None) -> list[str]:
    """The outcome measures recorded with both scores for these teams' episodes."""
    today = today or dates.today()
    team_ids = sorted(set(team_ids))
    if not team_ids:
        return []
    return sorted(
        Contact.objects.filter(
            team_id__in=team_ids,
            contact_date__gt=today - datetime.timedelta(days=OUTCOME_DAYS),
            contact_date__lte=today,
            outcome_before__isnull=False,
            outcome_after__isnull=False,
        )
        .exclude(outcome_measure="")
        .exclude(episode_hash="")
        .values_list("outcome_measure", flat=True)
        .distinct()
    )


def _names(staff_ids) -> dict[int, str]:
    return {
        p["pk"]: f"{p['first_name']} {p['last_name']}"
        for p in StaffMember.objects.filter(pk__in=set(staff_ids)).values(
            "pk", "first_name", "last_name"
        )
    }


def funnel_for(team_ids: Iterable[int], measure: str, today: datetime.date | None = None) -> Funnel:
    """The funnel of these teams' clinicians (each with enough episodes) for one measure.

    Units are labelled by the clinician's name and keyed by their staff id (as a string);
    a clinician working in several of the teams is one unit.
    """
    today = today or dates.today()
    minimum = FlagSettings.load().minimum_episodes
    merged: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for row in episode_rows(sorted(set(team_ids)), today, measure):
        acc = merged[row.staff_id]
        acc[0] += row.n
        acc[1] += row.total
        acc[2] += row.squares
    eligible = {s: acc for s, acc in merged.items() if acc[0] >= minimum}
    names = _names(eligible)
    units = []
    for staff_id, (n, total, squares) in sorted(
        eligible.items(), key=lambda i: names.get(i[0], "")
    ):
        r = Row(staff_id, 0, measure, int(n), total, squares, today, today)
        units.append(Unit(names.get(staff_id, ""), str(staff_id), r.n, r.mean, r.sd))
    return funnel(units)


def _unit(row: Row) -> Unit:
    return Unit(str(row.staff_id), f"{row.staff_id}:{row.team_id}", row.n, row.mean, row.sd)


def outcome_flags(ctx) -> list:
    """Flag 6 for the context's teams (``compute.Context``)."""
    from competencies.activity.flags.compute import Found

    minimum = ctx.settings.minimum_episodes
    rows = [r for r in episode_rows(ctx.team_ids, ctx.today) if r.n >= minimum]
    if not rows:
        return []
    by_team: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for r in rows:
        by_team[(r.team_id, r.measure)].append(r)
    small = {t for (t, _m), units in by_team.items() if len(units) < MIN_TEAM_UNITS}
    by_service: dict[tuple[int, str], list[Row]] = defaultdict(list)
    service_of: dict[int, int] = {}
    if small:
        service_of = dict(Team.objects.filter(pk__in=small).values_list("pk", "service_id"))
        service_teams = list(
            Team.objects.filter(service_id__in=set(service_of.values())).values_list(
                "pk", "service_id"
            )
        )
        service_of.update(dict(service_teams))
        wider = rows
        if ctx.team_ids is not None:
            wider = [
                r
                for r in episode_rows(sorted(t for t, _ in service_teams), ctx.today)
                if r.n >= minimum
            ]
        for r in wider:
            if r.team_id in service_of:
                by_service[(service_of[r.team_id], r.measure)].append(r)
    found = []
    for (team_id, measure), units in sorted(by_team.items()):
        compared = "team"
        peers = units
        if team_id in small:
            compared = "service"
            peers = by_service.get((service_of.get(team_id), measure), units)
        if len(peers) < 2:
            continue
        f = funnel([_unit(r) for r in peers])
        for r in units:
            point = f.point_for(f"{r.staff_id}:{r.team_id}")
            if point is None or point.band != BELOW998:
                continue
            _n, lo998, lo95, _hi95, _hi998 = f.limits([r.n])[0]
            found.append(
                Found(
                    Flag.Kind.OUTCOME_OUTLIER,
                    team_id,
                    r.staff_id,
                    None,
                    detail="low",
                    extra=measure,
                    figures={
                        "measure": measure,
                        "episodes": r.n,
                        "mean_change": round(r.mean, 2),
                        "target": round(f.target, 2),
                        "lower_998": round(lo998, 2),
                        "lower_95": round(lo95, 2),
                        "z": round(point.z, 2),
                        "compared_with": compared,
                        "clinicians": len(peers),
                        "phi": round(f.phi, 3),
                        "tau2": round(f.tau2, 3),
                        "z95": Z95,
                        "z998": Z998,
                    },
                    contact_count=r.n,
                    first_seen=r.first,
                    last_seen=r.last,
                )
            )
    return found
