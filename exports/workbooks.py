"""Excel workbooks of development plans, written with pandas and xlsxwriter.

Everything a person typed is written as text, never as a formula or a link: a CPD title such
as ``=HYPERLINK(...)`` must not run when a manager opens the file. Dates are real Excel dates
and hours real numbers, so the sheets can be sorted, filtered and added up.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from competencies.development.engine import RequirementStatus
from exports.plan import DevelopmentPlan, TeamPlans

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "d mmm yyyy"
MAX_WIDTH = 60

RAG_STYLE = {
    "Red": {"bg_color": "#D5281B", "font_color": "#FFFFFF"},
    "Amber": {"bg_color": "#FFB81C", "font_color": "#000000"},
    "Green": {"bg_color": "#007F3B", "font_color": "#FFFFFF"},
}


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    wrap: bool = False


def _hours(value: Decimal) -> float:
    return float(value)


def _kind(row: RequirementStatus) -> str:
    return "KSF dimension" if row.kind == "ksf" else "Competency"


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
            label: book.add_format({"bold": True, "valign": "top", "border": 1, **style})
            for label, style in RAG_STYLE.items()
        }

    def sheet(
        self,
        name: str,
        columns: Sequence[Column],
        rows: Sequence[Sequence],
        *,
        rag_column: str | None = None,
        total: tuple[str, str, float] | None = None,
    ) -> None:
        """Write ``rows`` under a frozen, filterable header.

        ``rag_column`` names the column whose cells are filled red, amber or green (the word
        stays in the cell). ``total`` is (label column, number column, value): a bold total row
        holding the number itself, not a formula.
        """
        headers = [c.header for c in columns]
        frame = pd.DataFrame(list(rows), columns=headers, dtype=object)
        frame.to_excel(self.writer, sheet_name=name, index=False)
        sheet = self.writer.sheets[name]
        for index, column in enumerate(columns):
            width = min(MAX_WIDTH, max(column.width, len(column.header) + 2))
            sheet.set_column(index, index, width, self.wrap if column.wrap else self.top)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
        if rag_column:
            col = headers.index(rag_column)
            for offset, label in enumerate(frame[rag_column]):
                sheet.write_string(offset + 1, col, label, self.rag[label])
        if total:
            label_col, number_col, value = total
            row = len(frame) + 1
            sheet.write_string(row, headers.index(label_col), "Total", self.bold)
            sheet.write_number(row, headers.index(number_col), value, self.bold_number)

    def close(self) -> bytes:
        self.writer.close()
        return self.buffer.getvalue()


# One person's plan --------------------------------------------------------------------------

SUMMARY_COLUMNS = [Column("Item", 30), Column("Value", 60, wrap=True)]

REQUIREMENT_COLUMNS = [
    Column("RAG", 8),
    Column("State", 24, wrap=True),
    Column("Type", 15),
    Column("Code", 10),
    Column("Requirement", 40, wrap=True),
    Column("Framework", 24, wrap=True),
    Column("Post", 24, wrap=True),
    Column("Mandatory", 11),
    Column("Needed", 22, wrap=True),
    Column("Held", 18, wrap=True),
    Column("Verified on", 13),
    Column("Expires on", 13),
    Column("Assessor", 18),
    Column("Due", 13),
    Column("What to do next", 50, wrap=True),
]

OBJECTIVE_COLUMNS = [
    Column("Objective", 40, wrap=True),
    Column("The gap it closes", 28, wrap=True),
    Column("Actions", 45, wrap=True),
    Column("Support needed", 30, wrap=True),
    Column("Target date", 13),
    Column("Status", 16),
]

CPD_COLUMNS = [
    Column("Date", 13),
    Column("Activity", 40, wrap=True),
    Column("Type", 24),
    Column("Hours", 8),
    Column("What you did", 45, wrap=True),
    Column("What you learnt", 40, wrap=True),
    Column("How it changed your practice", 40, wrap=True),
    Column("Benefit to service users", 40, wrap=True),
    Column("Evidence", 30, wrap=True),
]

FELLOWSHIP_COLUMNS = [
    Column("Fellowship", 30, wrap=True),
    Column("Step", 40, wrap=True),
    Column("State", 20),
    Column("Due", 13),
    Column("Completed on", 13),
]


def requirement_cells(row: RequirementStatus) -> list:
    return [
        row.rag.label,
        row.state,
        _kind(row),
        row.code,
        row.title,
        row.framework_title,
        row.post_title,
        "Mandatory" if row.mandatory else "Desirable",
        row.required,
        row.held,
        row.verified_on,
        row.expires_on,
        row.assessor,
        row.due,
        row.next_step,
    ]


def _summary_rows(plan: DevelopmentPlan) -> list[list]:
    person = plan.person
    rows: list[list] = [
        ["Name", person.full_name],
        ["Staff number", person.staff_number],
        ["Profession", person.get_profession_display()],
        ["Pay band", person.get_band_display()],
        ["Current posts", "; ".join(f"{p.title} (band {p.band})" for p in plan.posts) or "None"],
        ["Team", "; ".join(plan.teams) or "None"],
        ["Line manager", "; ".join(plan.line_managers) or "Not recorded"],
        ["HCPC registration number", person.hcpc_number or "Not recorded"],
        ["HCPC renewal date", person.hcpc_renewal_date or "Not recorded"],
        ["Requirements", len(plan.rows)],
        ["Red (overdue or expired)", plan.counts["red"]],
        ["Amber (in progress or expiring soon)", plan.counts["amber"]],
        ["Green (met)", plan.counts["green"]],
        ["Next development review due", plan.next_review_due or "No current post"],
        ["Development review overdue", "Yes" if plan.review_overdue else "No"],
        ["PDP objectives from", plan.pdp.description if plan.pdp else "No development review yet"],
        ["CPD period from", plan.cpd_start],
        ["CPD period to", plan.cpd_end],
        ["CPD activities", len(plan.cpd)],
        ["CPD hours", _hours(plan.cpd_total_hours)],
    ]
    rows += [[f"CPD hours: {t.label}", _hours(t.hours)] for t in plan.cpd_hours_by_type]
    rows.append(["Prepared on", plan.today])
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
    book.sheet("Summary", SUMMARY_COLUMNS, _summary_rows(plan))
    book.sheet(
        "Requirements",
        REQUIREMENT_COLUMNS,
        [requirement_cells(r) for r in plan.rows],
        rag_column="RAG",
    )
    book.sheet(
        "PDP objectives",
        OBJECTIVE_COLUMNS,
        [
            [o.objective, o.gap, o.actions, o.support, o.target_date, o.status]
            for o in plan.objectives
        ],
    )
    book.sheet(
        "CPD log",
        CPD_COLUMNS,
        _cpd_rows(plan),
        total=("Activity", "Hours", _hours(plan.cpd_total_hours)),
    )
    if plan.fellowship_progress:
        book.sheet(
            "Fellowship progress",
            FELLOWSHIP_COLUMNS,
            [
                [f.fellowship, f.step, f.state, f.due, f.completed_on]
                for f in plan.fellowship_progress
            ],
        )
    return book.close()


# A team's plans -----------------------------------------------------------------------------

TEAM_SUMMARY_COLUMNS = [
    Column("Name", 24),
    Column("Staff number", 14),
    Column("Post", 30, wrap=True),
    Column("Red", 7),
    Column("Amber", 8),
    Column("Green", 8),
    Column("Next review due", 16),
    Column("Review overdue", 15),
    Column("CPD hours (last 12 months)", 14),
]

PERSON_COLUMNS = [Column("Name", 24), Column("Staff number", 14)]


def team_workbook(plans: TeamPlans) -> bytes:
    """Every current member's plan in one .xlsx file: a row each, then all their rows."""
    book = _Workbook()
    book.sheet(
        "Summary",
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
                "Yes" if m.review_overdue else "No",
                _hours(m.cpd_hours),
            ]
            for m in plans.members
        ],
    )
    book.sheet(
        "Requirements",
        PERSON_COLUMNS + REQUIREMENT_COLUMNS,
        [
            [m.person.full_name, m.person.staff_number, *requirement_cells(r)]
            for m in plans.members
            for r in m.status.rows
        ],
        rag_column="RAG",
    )
    book.sheet(
        "PDP objectives",
        [*PERSON_COLUMNS, Column("From review", 40, wrap=True), *OBJECTIVE_COLUMNS],
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
                o.status,
            ]
            for m in plans.members
            if m.pdp
            for o in m.objectives
        ],
    )
    return book.close()
