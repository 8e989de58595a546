"""The cohort workbook: every enrolment with its progress, risk and next milestone.

Progress per milestone is a heatmap (0% to 100%, with the figure in each cell), headers are
frozen and filterable, and a chart shows how many fellows are on track, at risk or overdue.
Built from ``fellowships.selectors.progress_for``; no rules of its own.
"""

from collections import Counter
from collections.abc import Sequence

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exports.workbooks import Column, _Workbook
from fellowships.selectors import EnrolmentProgress

COLUMNS = [
    Column(_("Fellow"), 24),
    Column(_("Staff number"), 12),
    Column(_("Programme"), 32, wrap=True),
    Column(_("Cohort"), 14),
    Column(_("Status"), 14),
    Column(_("Progress"), 12),
    Column(_("Forecast"), 14),
    Column(_("Target date"), 13),
    Column(_("Overall %"), 10),
    Column(_("Next milestone"), 36, wrap=True),
    Column(_("Supervisors"), 36, wrap=True),
]


def cohort_workbook(rows: Sequence[tuple[EnrolmentProgress, list]]) -> bytes:
    book = _Workbook()
    titles: list[str] = []
    for progress, _supervisors in rows:
        for p in progress.milestones:
            if p.spec.title not in titles:
                titles.append(p.spec.title)
    columns = [*COLUMNS, *[Column(t[:60], 14) for t in titles]]
    data = []
    for progress, supervisors in rows:
        e, f = progress.enrolment, progress.forecast
        by_title = {p.spec.title: p.percent for p in progress.milestones}
        nxt = progress.next_milestone
        data.append(
            [
                e.staff.full_name,
                e.staff.staff_number,
                str(e.programme),
                e.cohort,
                e.get_status_display(),
                f.risk.label,
                f.forecast_date,
                e.target_date,
                f.percent,
                nxt.spec.title if nxt else "",
                "; ".join(
                    f"{s.supervisor.full_name} ({s.get_role_display()})" for s in supervisors
                ),
                *[by_title.get(t) for t in titles],
            ]
        )
    name = gettext("Enrolments")
    book.sheet(name, columns, data)
    sheet = book.writer.sheets[name]
    if data:
        first = len(COLUMNS) - 3  # "Overall %"
        sheet.conditional_format(
            1,
            first,
            len(data),
            len(columns) - 1,
            {
                "type": "3_color_scale",
                "min_type": "num",
                "min_value": 0,
                "mid_type": "num",
                "mid_value": 50,
                "max_type": "num",
                "max_value": 100,
                "min_color": "#F8D7DA",
                "mid_color": "#FFF3CD",
                "max_color": "#D4EDDA",
            },
        )
    counts = Counter(p.forecast.risk.label for p, _ in rows)
    summary = gettext("Summary")
    book.sheet(
        summary,
        [Column(_("Progress"), 20), Column(_("Fellows"), 10)],
        sorted(counts.items()),
    )
    if counts:
        chart = book.writer.book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": gettext("Fellows"),
                "categories": [summary, 1, 0, len(counts), 0],
                "values": [summary, 1, 1, len(counts), 1],
            }
        )
        chart.set_title({"name": gettext("Fellows by progress")})
        chart.set_legend({"none": True})
        book.writer.sheets[summary].insert_chart("D2", chart)
    return book.close()
