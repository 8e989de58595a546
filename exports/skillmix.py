"""Skill-mix workbooks: a team's skill matrix, and the service workbook for the board.

The matrix sheet has one row a person (grouped by band) and one column a competency (grouped
by framework under a header row naming the framework); each cell holds the status letter, the
level and the expiry date as text ("C Proficient, expires 3 Mar 2027"), and conditional
formatting colours it by the letter, so the status reads without the colour. Headers are
frozen and filterable; the coverage sheet has a bar chart of competent WTE against demand.

The service workbook has a summary (WTE by band, headcount, vacancies, open flags by kind,
reviews overdue, fellows in training), the coverage of every key competency in every team, the
24-month projection with its chart (from ``fellowships.skillmix.projection``), and one matrix
sheet a team, all from a single baseline read.

Every text is written as text, never as a formula or a link (``exports.workbooks._Workbook``
turns both off, and the matrix cells are written with ``write_string``): a competency named
``=HYPERLINK(...)`` stays a name. Figures are real numbers and dates real dates.
"""

import datetime
import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from competencies.models import FlagSettings
from exports.workbooks import Column, _Workbook
from fellowships.skillmix import coverage as engine
from fellowships.skillmix import matrix as matrices
from fellowships.skillmix import projection
from fellowships.skillmix import service as boards

# Fill per status letter (the letter is in the cell too). NHS palette.
STATUS_STYLE = {
    matrices.Status.CURRENT: {"bg_color": "#007F3B", "font_color": "#FFFFFF"},
    matrices.Status.NOT_PRACTISED: {"bg_color": "#FFEB3B", "font_color": "#000000"},
    matrices.Status.EXPIRING: {"bg_color": "#FFB81C", "font_color": "#000000"},
    matrices.Status.EXPIRED: {"bg_color": "#D5281B", "font_color": "#FFFFFF"},
    matrices.Status.BELOW: {"bg_color": "#AE2573", "font_color": "#FFFFFF"},
    matrices.Status.NOT_HELD: {"bg_color": "#E8EDEE", "font_color": "#000000"},
}
PERSON_COLUMNS = 4  # name, band, post, WTE
INVALID_SHEET = re.compile(r"[\[\]:*?/\\]")


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(round(Decimal(value), 2))


def cell_text(cell: matrices.Cell) -> str:
    """The status letter, the level and the expiry, e.g. 'E Proficient, expires 3 Mar 2027'."""
    if cell.status is matrices.Status.NOT_HELD:
        return cell.status.letter
    text = f"{cell.status.letter} {cell.level}".strip()
    if cell.expires_on:
        text = gettext("%(text)s, expires %(date)s") % {
            "text": text,
            "date": date_format(cell.expires_on, "j M Y"),
        }
    return text


def sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = INVALID_SHEET.sub(" ", str(name)).strip().strip("'")[:31] or gettext("Team")
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def matrix_filename(team) -> str:
    return f"skill-matrix-{slugify(team.code or team.name) or 'team'}.xlsx"


def service_filename(service) -> str:
    return f"skill-mix-{slugify(service.code or service.name) or 'service'}.xlsx"


class _SkillBook(_Workbook):
    def __init__(self) -> None:
        super().__init__()
        book = self.writer.book
        self.status = {
            status: book.add_format({"border": 1, **style})
            for status, style in STATUS_STYLE.items()
        }
        self.header = book.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "bottom",
                "border": 1,
                "bg_color": "#E8EDEE",
            }
        )
        self.group = book.add_format(
            {"bold": True, "align": "center", "border": 1, "bg_color": "#D8DDE0"}
        )
        self.band = book.add_format({"bold": True, "bg_color": "#F0F4F5"})
        self.text = book.add_format({"valign": "top"})
        self.number = book.add_format({"valign": "top", "num_format": "0.00"})
        self.taken: set[str] = set()

    def name(self, wanted: str) -> str:
        return sheet_name(wanted, self.taken)

    def table(self, name, columns, rows, **kwargs) -> str:
        """``_Workbook.sheet`` under a unique sheet name; returns the name used."""
        used = self.name(str(name))
        self.sheet(used, columns, rows, **kwargs)
        return used

    # The matrix sheet ----------------------------------------------------------------------

    def matrix_sheet(self, wanted: str, m: matrices.Matrix, *, title: str) -> str:
        name = self.name(wanted)
        sheet = self.writer.book.add_worksheet(name)
        self.writer.sheets[name] = sheet
        sheet.write_string(0, 0, title, self.bold)
        group_row, header_row, first = 1, 2, 3
        heads = [gettext("Name"), gettext("Band"), gettext("Post"), gettext("WTE")]
        for col, head in enumerate(heads):
            sheet.write_string(header_row, col, head, self.header)
            sheet.write_blank(group_row, col, None, self.group)
        col = PERSON_COLUMNS
        for group in m.frameworks:
            last = col + len(group.columns) - 1
            if last > col:
                sheet.merge_range(group_row, col, group_row, last, "", self.group)
            sheet.write_string(group_row, col, group.name, self.group)
            for column in group.columns:
                sheet.write_string(header_row, col, column.label, self.header)
                sheet.set_column(col, col, 16)
                col += 1
        last_col = max(col - 1, PERSON_COLUMNS - 1)
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 9)
        sheet.set_column(2, 2, 26)
        sheet.set_column(3, 3, 7)
        sheet.set_row(header_row, 60)
        row = first
        for band in m.bands:
            for r in band.rows:
                sheet.write_string(row, 0, r.name, self.text)
                sheet.write_string(row, 1, band.label, self.text)
                sheet.write_string(row, 2, r.post, self.text)
                sheet.write_number(row, 3, float(r.wte), self.number)
                for offset, cell in enumerate(r.cells):
                    sheet.write_string(row, PERSON_COLUMNS + offset, cell_text(cell))
                row += 1
        last_row = max(row - 1, first)
        if m.columns and row > first:
            cells = (first, PERSON_COLUMNS, last_row, last_col)
            for status, style in self.status.items():
                sheet.conditional_format(
                    *cells,
                    {
                        "type": "text",
                        "criteria": "begins with",
                        "value": status.letter,
                        "format": style,
                    },
                )
        sheet.freeze_panes(first, PERSON_COLUMNS)
        sheet.autofilter(header_row, 0, last_row, last_col)
        key_row = last_row + 2
        sheet.write_string(key_row, 0, gettext("Key"), self.bold)
        for i, status in enumerate(matrices.Status):
            sheet.write_string(key_row + 1 + i, 0, status.letter, self.status[status])
            sheet.write_string(key_row + 1 + i, 1, f"{status.label}: {status.meaning}")
        return name

    # Coverage with its chart ----------------------------------------------------------------

    def coverage_sheet(self, wanted: str, lines, *, title: str, team: str = "") -> str:
        columns = [
            Column(_("Competency"), 36, wrap=True),
            Column(_("Framework"), 24, wrap=True),
            Column(_("Competent WTE"), 12),
            Column(_("Demand WTE"), 12),
            Column(_("Competent per demand"), 12),
            Column(_("Below threshold"), 10),
        ]
        rows = [
            [
                line.column.label,
                line.column.framework,
                _float(line.competent_wte),
                _float(line.demand_wte),
                _float(line.ratio),
                gettext("Yes") if line.below else gettext("No"),
            ]
            for line in lines
        ]
        name = self.table(wanted, columns, rows)
        if rows:
            chart = self.writer.book.add_chart({"type": "bar"})
            n = len(rows)
            for col, colour, pattern in (
                (2, "#005EB8", None),
                (3, "#425563", "wide_upward_diagonal"),
            ):
                series = {
                    "name": [name, 0, col],
                    "categories": [name, 1, 0, n, 0],
                    "values": [name, 1, col, n, col],
                    "border": {"color": colour},
                }
                if pattern:
                    series["pattern"] = {
                        "pattern": pattern,
                        "fg_color": colour,
                        "bg_color": "#FFFFFF",
                    }
                else:
                    series["fill"] = {"color": colour}
                chart.add_series(series)
            chart.set_title({"name": title})
            chart.set_x_axis({"name": gettext("WTE")})
            chart.set_y_axis({"reverse": True})
            chart.set_size({"width": 720, "height": max(288, 36 * n + 120)})
            self.writer.sheets[name].insert_chart(1, len(columns) + 1, chart)
        return name


# A team's matrix ---------------------------------------------------------------------------


def matrix_workbook(team, m: matrices.Matrix) -> bytes:
    """The team's matrix (as shown, with any filters) and its coverage, as an .xlsx file."""
    book = _SkillBook()
    title = gettext("Skill matrix: %(team)s, %(date)s") % {
        "team": team.name,
        "date": date_format(m.today, "j F Y"),
    }
    book.matrix_sheet(gettext("Skill matrix"), m, title=title)
    book.coverage_sheet(
        gettext("Coverage"),
        m.coverage,
        title=gettext("Competent WTE against demand: %(team)s") % {"team": team.name},
    )
    return book.close()


# The service workbook for the board --------------------------------------------------------


def service_workbook(
    service,
    teams: Sequence,
    today: datetime.date,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The board's workbook for ``service``: summary, coverage, projection, a sheet a team.

    ``progress(done, total)`` is told after each team's sheet, for the background run's page.
    """
    team_ids = [t.pk for t in teams]
    total = len(team_ids) + 2
    tell = progress or (lambda done, total: None)
    base = engine.baseline(team_ids, today)
    result = boards.board(teams, today, base=base)
    book = _SkillBook()
    _summary(book, service, result)
    tell(1, total)
    _service_coverage(book, result)
    _projection_sheets(book, base, result)
    tell(2, total)
    settings = FlagSettings.load()
    found = engine.coverage(base, today)
    for index, team in enumerate(teams, start=3):
        m = matrices.matrix_from(base, team.pk, settings=settings, found=found)
        book.matrix_sheet(
            team.name,
            m,
            title=gettext("Skill matrix: %(team)s, %(date)s")
            % {"team": team.name, "date": date_format(today, "j F Y")},
        )
        tell(index, total)
    return book.close()


def _summary(book: _SkillBook, service, result: boards.ServiceBoard) -> None:
    columns = [
        Column(_("Team"), 28, wrap=True),
        Column(_("Headcount"), 10),
        Column(_("WTE"), 8),
        Column(_("Funded WTE"), 10),
        Column(_("Vacancies (WTE)"), 10),
        *[Column(gettext("WTE %(band)s") % {"band": label}, 10) for _b, label in result.bands],
        *[Column(label, 12) for _k, label in result.kinds],
        Column(_("Open flags"), 9),
        Column(_("Key competencies below threshold"), 14),
        Column(_("Reviews overdue"), 10),
        Column(_("Fellows in training"), 10),
        Column(_("Next fellow finishes"), 14),
    ]

    def line(name: str, col: boards.TeamColumn) -> list:
        finishes = sorted(f.finishes_on or f.target_date for f in col.fellows)
        return [
            name,
            col.headcount,
            _float(col.wte),
            _float(col.funded_wte),
            _float(col.vacancies),
            *[_float(col.wte_by_band.get(b, Decimal(0))) for b, _l in result.bands],
            *[col.flags.get(k, 0) for k, _l in result.kinds],
            col.open_flags,
            col.below_threshold,
            col.reviews_overdue,
            len(col.fellows),
            finishes[0] if finishes else None,
        ]

    rows = [line(c.team.name, c) for c in result.teams]
    rows.append(line(gettext("All teams"), result.totals))
    name = book.table(gettext("Summary"), columns, rows)
    sheet = book.writer.sheets[name]
    sheet.write_comment(
        0,
        0,
        gettext("%(service)s on %(date)s. Capacity threshold: %(threshold)s.")
        % {
            "service": service.name,
            "date": date_format(result.today, "j F Y"),
            "threshold": result.threshold,
        },
    )


def _service_coverage(book: _SkillBook, result: boards.ServiceBoard) -> None:
    columns = [
        Column(_("Team"), 28, wrap=True),
        Column(_("Competency"), 36, wrap=True),
        Column(_("Framework"), 24, wrap=True),
        Column(_("Competent WTE"), 12),
        Column(_("Demand WTE"), 12),
        Column(_("Competent per demand"), 12),
        Column(_("Below threshold"), 10),
    ]
    rows = []
    for col in result.teams:
        for key in result.key_competencies:
            cover = col.cover.get(key.pk)
            if cover is None:
                continue
            rows.append(
                [
                    col.team.name,
                    f"{key.idnumber} {key.name}".strip(),
                    key.framework,
                    _float(cover.competent_wte),
                    _float(cover.demand_wte),
                    _float(cover.ratio),
                    gettext("Yes") if cover.below else gettext("No"),
                ]
            )
    book.table(gettext("Coverage"), columns, rows)


def _projection_sheets(book: _SkillBook, base: engine.Baseline, result) -> None:
    """Month by month for 24 months, the service's competent WTE and demand (every key
    competency of every team added up) with a line chart, and each team and competency that
    falls below the threshold, with the first month it does."""
    run = projection.project(base)
    if not run.lines:
        return
    columns = [
        Column(_("Month"), 13),
        Column(_("Competent WTE"), 12),
        Column(_("Demand WTE"), 12),
        Column(_("Team and competency pairs below threshold"), 16),
    ]
    rows = []
    for index, on in enumerate(run.months):
        points = [line.points[index] for line in run.lines]
        rows.append(
            [
                on,
                _float(sum((p.competent for p in points), Decimal(0))),
                _float(sum((p.demand for p in points), Decimal(0))),
                sum(1 for p in points if p.ratio is not None and p.ratio < run.threshold),
            ]
        )
    name = book.table(gettext("Projection"), columns, rows)
    chart = book.writer.book.add_chart({"type": "line"})
    n = len(rows)
    for col, colour, dash, marker in (
        (1, "#005EB8", "solid", "circle"),
        (2, "#425563", "dash", "square"),
    ):
        chart.add_series(
            {
                "name": [name, 0, col],
                "categories": [name, 1, 0, n, 0],
                "values": [name, 1, col, n, col],
                "line": {"color": colour, "dash_type": dash, "width": 2.25},
                "marker": {"type": marker, "border": {"color": colour}, "fill": {"color": colour}},
            }
        )
    chart.set_title({"name": gettext("Competent WTE against demand, the next 24 months")})
    chart.set_y_axis({"name": gettext("WTE"), "min": 0})
    chart.set_x_axis({"date_axis": True, "num_format": "mmm yy"})
    chart.set_size({"width": 760, "height": 360})
    book.writer.sheets[name].insert_chart(1, len(columns) + 1, chart)

    teams = {c.team.pk: c.team.name for c in result.teams}
    called = [
        [
            teams.get(line.team_id, ""),
            line.label,
            line.framework,
            line.first_below.on,
            _float(line.first_below.competent),
            _float(line.first_below.demand),
        ]
        for line in run.called_out
    ]
    book.table(
        gettext("Falls below threshold"),
        [
            Column(_("Team"), 28, wrap=True),
            Column(_("Competency"), 36, wrap=True),
            Column(_("Framework"), 24, wrap=True),
            Column(_("First month below"), 14),
            Column(_("Competent WTE then"), 12),
            Column(_("Demand WTE then"), 12),
        ],
        called,
    )
