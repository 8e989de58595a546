"""The scenario workbook: a what-if against the baseline projection, month by month.

Sheets: *Summary* (the scenario, its changes, and per competency the first month each falls
below the threshold), *Month by month* (a row per competency and month: competent WTE and
demand WTE in the baseline and in the scenario, the ratios and the difference), and a line
chart of competent WTE for the first competency called out. Built from two
``fellowships.skillmix.projection.Projection`` objects; no rules here. Text stays text (the
writer turns formulas and links off), numbers are numbers, months are real dates.
"""

from __future__ import annotations

from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exports.workbooks import Column, _Workbook
from fellowships.models import ScenarioChange
from fellowships.skillmix.projection import Projection

SUMMARY_COLUMNS = [
    Column(_("Competency"), 36, wrap=True),
    Column(_("Framework"), 30, wrap=True),
    Column(_("First month below threshold (baseline)"), 18),
    Column(_("First month below threshold (scenario)"), 18),
    Column(_("Competent WTE in 24 months (baseline)"), 14),
    Column(_("Competent WTE in 24 months (scenario)"), 14),
]
MONTH_COLUMNS = [
    Column(_("Competency"), 36, wrap=True),
    Column(_("Month"), 12),
    Column(_("Competent WTE (baseline)"), 12),
    Column(_("Demand WTE (baseline)"), 12),
    Column(_("Ratio (baseline)"), 10),
    Column(_("Competent WTE (scenario)"), 12),
    Column(_("Demand WTE (scenario)"), 12),
    Column(_("Ratio (scenario)"), 10),
    Column(_("Difference in competent WTE"), 12),
]
CHANGE_COLUMNS = [Column(_("Change"), 80, wrap=True)]


def filename(team: str, scenario: str) -> str:
    return f"scenario-{slugify(team) or 'team'}-{slugify(scenario) or 'what-if'}.xlsx"


def describe(change: ScenarioChange) -> str:
    """A change's particulars in words, after its kind."""
    parts = []
    if change.staff_id:
        parts.append(str(change.staff))
    if change.band:
        parts.append(gettext("band %(band)s") % {"band": change.band})
    if change.wte is not None:
        parts.append(gettext("%(wte)s WTE") % {"wte": change.wte})
    names = [str(c) for c in change.competencies.all()] if change.pk else []
    if names:
        parts.append(", ".join(names))
    if change.programme_id:
        parts.append(str(change.programme.title))
    if change.to_team_id:
        parts.append(gettext("to %(team)s") % {"team": change.to_team})
    if change.percent is not None:
        parts.append(f"{change.percent:+}%")
        parts.append(
            str(change.competency) if change.competency_id else gettext("every competency")
        )
    if change.from_month:
        parts.append(gettext("from %(month)s") % {"month": change.from_month.strftime("%m/%Y")})
    return (": " + "; ".join(parts)) if parts else ""


def _f(value):
    return None if value is None else float(value)


def scenario_workbook(
    team: str, name: str, baseline: Projection, scenario: Projection, changes: list[str]
) -> bytes:
    book = _Workbook()
    summary = []
    for line in baseline.lines:
        twin = scenario.line(line.team_id, line.competency_id)
        summary.append(
            [
                line.label,
                line.framework,
                line.first_below.on if line.first_below else gettext("Not in 24 months"),
                (twin.first_below.on if twin and twin.first_below else gettext("Not in 24 months")),
                _f(line.points[-1].competent),
                _f(twin.points[-1].competent) if twin else None,
            ]
        )
    book.sheet(gettext("Summary"), SUMMARY_COLUMNS, summary)
    sheet = book.writer.sheets[gettext("Summary")]
    sheet.write_string(
        len(summary) + 2,
        0,
        gettext("Scenario '%(name)s' for %(team)s; threshold %(threshold)s; renewal rate %(rate)s")
        % {
            "name": name,
            "team": team,
            "threshold": baseline.threshold,
            "rate": baseline.renewal_rate,
        },
    )
    rows = []
    for line in baseline.lines:
        twin = scenario.line(line.team_id, line.competency_id)
        for i, p in enumerate(line.points):
            q = twin.points[i] if twin else None
            rows.append(
                [
                    line.label,
                    p.on,
                    _f(p.competent),
                    _f(p.demand),
                    _f(p.ratio),
                    _f(q.competent) if q else None,
                    _f(q.demand) if q else None,
                    _f(q.ratio) if q else None,
                    _f(q.competent - p.competent) if q else None,
                ]
            )
    book.sheet(gettext("Month by month"), MONTH_COLUMNS, rows)
    book.sheet(gettext("Changes"), CHANGE_COLUMNS, [[c] for c in changes])
    if baseline.lines:
        chosen = (baseline.called_out or scenario.called_out or baseline.lines)[0]
        index = baseline.lines.index(chosen) if chosen in baseline.lines else 0
        months = len(baseline.months)
        first, last = index * months + 1, index * months + months
        sheet_name = gettext("Month by month")
        chart = book.writer.book.add_chart({"type": "line"})
        for col, label in (
            (2, gettext("Baseline")),
            (5, gettext("Scenario")),
            (3, gettext("Demand")),
        ):
            chart.add_series(
                {
                    "name": label,
                    "categories": [sheet_name, first, 1, last, 1],
                    "values": [sheet_name, first, col, last, col],
                    "marker": {"type": {2: "circle", 5: "diamond", 3: "square"}[col]},
                    "line": {"dash_type": {2: "solid", 5: "round_dot", 3: "dash"}[col]},
                }
            )
        chart.set_title({"name": gettext("Competent WTE: %(c)s") % {"c": chosen.label}})
        chart.set_y_axis({"name": gettext("WTE")})
        sheet.insert_chart(len(summary) + 4, 0, chart)
    return book.close()
