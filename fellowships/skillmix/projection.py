"""The 24-month projection: competent WTE against demand, month by month, per team and competency.

Pure: it reads nothing but a ``coverage.Baseline`` (the real one, or a what-if's copy), so a
projection or a what-if recomputation costs no queries.

Each month is read on one day: today for the first, then the first of each following month.
On that day a person counts when they are in post (assignments' known end dates pass), and:

- holds a valid sign-off at the level the map asks (``coverage.competent_share``);
- or their sign-off has expired since today: then they count for the *usual renewal rate*
  (``Baseline.renewal_rate``: the share of sign-offs that expired in the last three years and
  were renewed within 90 days; 0.80 while the history has fewer than ten), the expected share
  of a person who renews;
- or a fellowship is forecast to grant it by then (``register_future_attainments``).

Demand is the last 12 months' minutes a week, grown by ``growth`` percent a year (pro rata by
month) and changed by a what-if's demand changes from their month on. The first month the ratio
falls below ``FlagSettings.capacity_threshold`` is the month a line is called out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from fellowships.skillmix.coverage import ZERO, Baseline, competent_wte, demand_wte

MONTHS = 24
TWO = Decimal("0.01")


@dataclass(frozen=True)
class DemandChange:
    """Demand for one competency (or every one, ``competency_id=None``) changed by ``percent``
    from ``from_month`` on (``None``: from now)."""

    percent: Decimal
    competency_id: int | None = None
    from_month: datetime.date | None = None


@dataclass
class Point:
    on: datetime.date
    competent: Decimal
    demand: Decimal  # WTE
    ratio: Decimal | None

    @property
    def gap(self) -> Decimal:
        """WTE short of demand (0 when covered)."""
        return max(ZERO, self.demand - self.competent)


@dataclass
class Line:
    team_id: int
    competency_id: int
    label: str
    framework: str
    points: list[Point]
    first_below: Point | None = None

    @property
    def now(self) -> Point:
        return self.points[0]

    @property
    def end(self) -> Point:
        return self.points[-1]


@dataclass
class Projection:
    months: list[datetime.date]
    lines: list[Line]
    threshold: Decimal
    renewal_rate: Decimal
    renewal_from_history: bool
    growth: Decimal
    demand_changes: list[DemandChange] = field(default_factory=list)

    def line(self, team_id: int, competency_id: int) -> Line | None:
        return next(
            (x for x in self.lines if (x.team_id, x.competency_id) == (team_id, competency_id)),
            None,
        )

    @property
    def called_out(self) -> list[Line]:
        """Lines that fall below the threshold at some point, soonest first."""
        below = [(p, x) for x in self.lines if (p := x.first_below) is not None]
        return [x for _, x in sorted(below, key=lambda px: (px[0].on, px[1].label))]


def month_days(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """Today, then the first of each of the following ``months - 1`` months."""
    first = today.replace(day=1)
    return [today] + [first + relativedelta(months=i) for i in range(1, months)]


def demand_on(
    b: Baseline,
    on: datetime.date,
    growth: Decimal = ZERO,
    changes: list[DemandChange] | tuple = (),
) -> dict[tuple[int, int], Decimal]:
    """(team, competency) -> minutes a week expected on ``on``."""
    months = (on.year - b.today.year) * 12 + on.month - b.today.month
    base = Decimal(1) + Decimal(growth) / 100 * Decimal(max(months, 0)) / 12
    out = {}
    for (team_id, competency_id), minutes in b.demand.items():
        factor = base
        for ch in changes:
            if ch.from_month is not None and on < ch.from_month:
                continue
            if ch.competency_id is None or ch.competency_id == competency_id:
                factor *= Decimal(1) + Decimal(ch.percent) / 100
        out[(team_id, competency_id)] = max(ZERO, minutes * factor)
    return out


def project(
    b: Baseline,
    *,
    growth: Decimal = ZERO,
    demand_changes: list[DemandChange] | tuple = (),
    months: int = MONTHS,
    team_ids: list[int] | None = None,
    renewal: Decimal | None = None,
) -> Projection:
    """Every team and competency with demand, month by month (see the module's words)."""
    renewal = b.renewal_rate if renewal is None else renewal
    days = month_days(b.today, months)
    team_ids = b.team_ids if team_ids is None else team_ids
    keys = sorted(
        {k for k, v in b.demand.items() if v and k[0] in team_ids},
        key=lambda k: (k[0], b.competencies.get(k[1], ("", "", ""))[2], b.competency_label(k[1])),
    )
    series: dict[tuple[int, int], list[Point]] = {k: [] for k in keys}
    for on in days:
        have = competent_wte(b, on, renewal)
        need = demand_on(b, on, growth, demand_changes)
        for k in keys:
            competent = have.get(k, ZERO)
            demand = demand_wte(b, need.get(k, ZERO))
            ratio = (competent / demand).quantize(TWO) if demand else None
            series[k].append(Point(on, competent.quantize(TWO), demand.quantize(TWO), ratio))
    lines = []
    for k in keys:
        points = series[k]
        below = next((p for p in points if p.ratio is not None and p.ratio < b.threshold), None)
        lines.append(
            Line(
                team_id=k[0],
                competency_id=k[1],
                label=b.competency_label(k[1]),
                framework=b.competencies.get(k[1], ("", "", ""))[2],
                points=points,
                first_below=below,
            )
        )
    return Projection(
        months=days,
        lines=lines,
        threshold=b.threshold,
        renewal_rate=renewal,
        renewal_from_history=b.renewal_from_history,
        growth=Decimal(growth),
        demand_changes=list(demand_changes),
    )
