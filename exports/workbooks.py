"""Excel workbooks of development plans, written with pandas and xlsxwriter.

Everything a person typed is written as text, never as a formula or a link: a CPD title such
as ``=HYPERLINK(...)`` must not run when a manager opens the file. Dates are real Excel dates
and hours real numbers, so the sheets can be sorted, filtered and added up. Headers, sheet names
and labels are translated when the workbook is written; a requirement's words come from the
development presenter, as on the page.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from competencies.development.engine import Rag, RequirementStatus
from competencies.development.presenter import kind_label, mandatory_label
from exports.plan import DevelopmentPlan, ObjectiveLine, TeamPlans

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "d mmm yyyy"
MAX_WIDTH = 60

RAG_STYLE = {
    Rag.RED: {"bg_color": "#D5281B", "font_color": "#FFFFFF"},
    Rag.AMBER: {"bg_color": "#FFB81C", "font_color": "#000000"},
    Rag.GREEN: {"bg_color": "#007F3B", "font_color": "#FFFFFF"},
}


@dataclass(frozen=True)
class Column:
    header: str | Promise  # translated when the sheet is written
    width: int = 14
    wrap: bool = False


def _hours(value: Decimal) -> float:
    return float(value)


def _objective_status(o: ObjectiveLine) -> str:
    """'In progress', or 'In progress (overdue)' once its target date has passed."""
    if o.is_overdue:
        return gettext("%(status)s (overdue)") % {"status": o.status}
    return o.status


def _yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


class _Workbook:
    """A workbook being written: one call per sheet, formatted the same way everywhere."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.writer = pd.ExcelWriter(
            self.buffer,
            engine="xlsxwriter",
            date_format=DATE_FORMAT,
            datetime_format=DATE_FORMAT,
            engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}},
        )
        book = self.writer.book
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.top = book.add_format({"valign": "top"})
        self.bold = book.add_format({"bold": True, "valign": "top"})
        self.bold_number = book.add_format({"bold": True, "valign": "top", "num_format": "0.00"})
        self.rag = {
            rag.label: book.add_format({"bold": True, "valign": "top", "border": 1, **style})
            for rag, style in RAG_STYLE.items()
        }

    def sheet(
        self,
        name: str | Promise,
        columns: Sequence[Column],
        rows: Sequence[Sequence],
        *,
        rag_column: Column | None = None,
        total: tuple[Column, Column, float] | None = None,
    ) -> None:
        """Write ``rows`` under a frozen, filterable header.

        ``rag_column`` is the column whose cells are filled red, amber or green (the word
        stays in the cell). ``total`` is (label column, number column, value): a bold total row
        holding the number itself, not a formula.
        """
        name = str(name)
        headers = [str(c.header) for c in columns]
        frame = pd.DataFrame(list(rows), columns=headers, dtype=object)
        frame.to_excel(self.writer, sheet_name=name, index=False)
        sheet = self.writer.sheets[name]
        for index, column in enumerate(columns):
            width = min(MAX_WIDTH, max(column.width, len(column.header) + 2))
            sheet.set_column(index, index, width, self.wrap if column.wrap else self.top)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
        if rag_column:
            col = headers.index(str(rag_column.header))
            for offset, label in enumerate(frame[headers[col]]):
                sheet.write_string(offset + 1, col, label, self.rag[label])
        if total:
            label_col, number_col, value = total
            row = len(frame) + 1
            sheet.write_string(
                row, headers.index(str(label_col.header)), gettext("Total"), self.bold
            )
            sheet.write_number(row, headers.index(str(number_col.header)), value, self.bold_number)

    def close(self) -> bytes:
        self.writer.close()
        return self.buffer.getvalue()


# One person's plan --------------------------------------------------------------------------

SUMMARY_COLUMNS = [Column(_("Item"), 30), Column(_("Value"), 60, wrap=True)]

RAG_COLUMN = Column(_("RAG"), 8)

REQUIREMENT_COLUMNS = [
    RAG_COLUMN,
    Column(_("State"), 24, wrap=True),
    Column(_("Type"), 15),
    Column(_("Code"), 10),
    Column(_("Requirement"), 40, wrap=True),
    Column(_("Framework"), 24, wrap=True),
    Column(_("Post"), 24, wrap=True),
    Column(_("Mandatory"), 11),
    Column(_("Needed"), 22, wrap=True),
    Column(_("Held"), 18, wrap=True),
    Column(_("Verified on"), 13),
    Column(_("Expires on"), 13),
    Column(_("Assessor"), 18),
    Column(_("Due by"), 13),
    Column(_("Overdue"), 10),
    Column(_("What to do next"), 50, wrap=True),
]

OBJECTIVE_COLUMNS = [
    Column(_("Objective"), 40, wrap=True),
    Column(_("The gap it closes"), 28, wrap=True),
    Column(_("Actions"), 45, wrap=True),
    Column(_("Support needed"), 30, wrap=True),
    Column(_("Target date"), 13),
    Column(_("Status"), 16),
]

CPD_ACTIVITY_COLUMN = Column(_("Activity"), 40, wrap=True)
CPD_HOURS_COLUMN = Column(_("Hours"), 8)

CPD_COLUMNS = [
    Column(_("Date"), 13),
    CPD_ACTIVITY_COLUMN,
    Column(_("Type"), 24),
    CPD_HOURS_COLUMN,
    Column(_("What you did"), 45, wrap=True),
    Column(_("What you learnt"), 40, wrap=True),
    Column(_("How it changed your practice"), 40, wrap=True),
    Column(_("Benefit to service users"), 40, wrap=True),
    Column(_("Evidence"), 30, wrap=True),
]

FELLOWSHIP_COLUMNS = [
    Column(_("Fellowship"), 30, wrap=True),
    Column(_("Step"), 40, wrap=True),
    Column(_("State"), 20),
    Column(_("Due"), 13),
    Column(_("Completed on"), 13),
]


def requirement_cells(row: RequirementStatus) -> list:
    return [
        row.rag.label,
        row.state,
        kind_label(row.kind),
        row.code,
        row.title,
        row.framework_title,
        row.post_title,
        mandatory_label(row.mandatory),
        row.required,
        row.held,
        row.verified_on,
        row.expires_on,
        row.assessor,
        row.due_by,  # empty where nothing is still due (e.g. verified and valid)
        _yes_no(row.overdue) if row.due_by else "",
        row.next_step,
    ]


def _summary_rows(plan: DevelopmentPlan) -> list[list]:
    person = plan.person
    none, not_recorded = gettext("None"), gettext("Not recorded")
    posts = "; ".join(
        gettext("%(post)s (band %(band)s)") % {"post": p.title, "band": p.band} for p in plan.posts
    )
    rows: list[list] = [
        [gettext("Name"), person.full_name],
        [gettext("Staff number"), person.staff_number],
        [gettext("Profession"), person.get_profession_display()],
        [gettext("Pay band"), person.get_band_display()],
        [gettext("Current posts"), posts or none],
        [gettext("Team"), "; ".join(plan.teams) or none],
        [gettext("Line manager"), "; ".join(plan.line_managers) or not_recorded],
        [gettext("HCPC registration number"), person.hcpc_number or not_recorded],
        [gettext("HCPC renewal date"), person.hcpc_renewal_date or not_recorded],
        [gettext("Requirements"), len(plan.rows)],
        [gettext("Red (overdue or expired)"), plan.counts["red"]],
        [gettext("Amber (in progress or expiring soon)"), plan.counts["amber"]],
        [gettext("Green (met)"), plan.counts["green"]],
        [
            gettext("Next development review due"),
            plan.next_review_due or gettext("No current post"),
        ],
        [gettext("Development review overdue"), _yes_no(plan.review_overdue)],
        [
            gettext("PDP objectives from"),
            plan.pdp.description if plan.pdp else gettext("No development review yet"),
        ],
        [gettext("CPD period from"), plan.cpd_start],
        [gettext("CPD period to"), plan.cpd_end],
        [gettext("CPD activities"), len(plan.cpd)],
        [gettext("CPD hours"), _hours(plan.cpd_total_hours)],
    ]
    rows += [
        [gettext("CPD hours: %(type)s") % {"type": t.label}, _hours(t.hours)]
        for t in plan.cpd_hours_by_type
    ]
    rows.append([gettext("Prepared on"), plan.today])
    return rows


def _cpd_rows(plan: DevelopmentPlan) -> list[list]:
    return [
        [
            line.date,
            line.title,
            line.type_label,
            _hours(line.hours),
            line.description,
            line.learning,
            line.practice_change,
            line.service_user_benefit,
            "; ".join(e.title for e in line.evidence),
        ]
        for line in plan.cpd
    ]


def plan_workbook(plan: DevelopmentPlan) -> bytes:
    """The person's development plan as an .xlsx file."""
    book = _Workbook()
    book.sheet(_("Summary"), SUMMARY_COLUMNS, _summary_rows(plan))
    book.sheet(
        _("Requirements"),
        REQUIREMENT_COLUMNS,
        [requirement_cells(r) for r in plan.rows],
        rag_column=RAG_COLUMN,
    )
    book.sheet(
        _("PDP objectives"),
        OBJECTIVE_COLUMNS,
        [
            [o.objective, o.gap, o.actions, o.support, o.target_date, _objective_status(o)]
            for o in plan.objectives
        ],
    )
    book.sheet(
        _("CPD log"),
        CPD_COLUMNS,
        _cpd_rows(plan),
        total=(CPD_ACTIVITY_COLUMN, CPD_HOURS_COLUMN, _hours(plan.cpd_total_hours)),
    )
    if plan.fellowship_progress:
        book.sheet(
            _("Fellowship progress"),
            FELLOWSHIP_COLUMNS,
            [
                [f.fellowship, f.step, f.state, f.due, f.completed_on]
                for f in plan.fellowship_progress
            ],
        )
    return book.close()


# A team's plans -----------------------------------------------------------------------------

TEAM_SUMMARY_COLUMNS = [
    Column(_("Name"), 24),
    Column(_("Staff number"), 14),
    Column(_("Post"), 30, wrap=True),
    Column(_("Red"), 7),
    Column(_("Amber"), 8),
    Column(_("Green"), 8),
    Column(_("Next review due"), 16),
    Column(_("Review overdue"), 15),
    Column(_("CPD hours (last 12 months)"), 14),
]

PERSON_COLUMNS = [Column(_("Name"), 24), Column(_("Staff number"), 14)]


def team_workbook(plans: TeamPlans) -> bytes:
    """Every current member's plan in one .xlsx file: a row each, then all their rows."""
    book = _Workbook()
    book.sheet(
        _("Summary"),
        TEAM_SUMMARY_COLUMNS,
        [
            [
                m.person.full_name,
                m.person.staff_number,
                "; ".join(m.posts),
                m.counts["red"],
                m.counts["amber"],
                m.counts["green"],
                m.next_review_due,
                _yes_no(m.review_overdue),
                _hours(m.cpd_hours),
            ]
            for m in plans.members
        ],
    )
    book.sheet(
        _("Requirements"),
        PERSON_COLUMNS + REQUIREMENT_COLUMNS,
        [
            [m.person.full_name, m.person.staff_number, *requirement_cells(r)]
            for m in plans.members
            for r in m.status.rows
        ],
        rag_column=RAG_COLUMN,
    )
    book.sheet(
        _("PDP objectives"),
        [*PERSON_COLUMNS, Column(_("From review"), 40, wrap=True), *OBJECTIVE_COLUMNS],
        [
            [
                m.person.full_name,
                m.person.staff_number,
                m.pdp.description,
                o.objective,
                o.gap,
                o.actions,
                o.support,
                o.target_date,
                _objective_status(o),
            ]
            for m in plans.members
            if m.pdp
            for o in m.objectives
        ],
    )
    return book.close()
