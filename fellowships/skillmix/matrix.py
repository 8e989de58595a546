"""The team skill matrix: people by competency, each cell the level held, its expiry and
whether it is practised, with coverage per competency (competent WTE against demand).

Everything comes from one ``fellowships.skillmix.coverage.baseline`` (a fixed number of
queries whatever the team's size) and the board's flag settings. Rows are grouped by band and
columns by framework; filters narrow both. Each cell carries a status (a letter and a word),
so the page and the workbook say it in text and colour is only an aid.
"""

import datetime
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from competencies.models import FlagSettings
from fellowships.skillmix import coverage as engine
from ksf.models import Band
from ksf.models.choices import BAND_ORDER

_DIGITS = re.compile(r"(\d+)")

#: people a page of the matrix shows: most teams fit on one; a team of 200 (28,000 cells)
#: would be a page of megabytes that no one could take in
PEOPLE_PER_PAGE = 30


class Status(StrEnum):
    """What a cell says about a person and a competency."""

    CURRENT = "current"
    NOT_PRACTISED = "unpractised"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    BELOW = "below"
    NOT_HELD = "none"

    @property
    def letter(self) -> str:
        return STATUS_LETTERS[self]

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def meaning(self) -> str:
        return str(STATUS_MEANINGS[self])


STATUS_LETTERS = {
    Status.CURRENT: "C",
    Status.NOT_PRACTISED: "P",
    Status.EXPIRING: "E",
    Status.EXPIRED: "X",
    Status.BELOW: "L",
    Status.NOT_HELD: "-",
}
STATUS_LABELS = {
    Status.CURRENT: _("Current"),
    Status.NOT_PRACTISED: _("Not practised"),
    Status.EXPIRING: _("Expiring soon"),
    Status.EXPIRED: _("Expired"),
    Status.BELOW: _("Below the level needed"),
    Status.NOT_HELD: _("Not held"),
}
STATUS_MEANINGS = {
    Status.CURRENT: _(
        "Signed off, in date, and practised recently (or the team has no such work)."
    ),
    Status.NOT_PRACTISED: _(
        "Signed off and in date, but not practised in the team's activity for a while."
    ),
    Status.EXPIRING: _("Signed off, but the sign-off expires soon."),
    Status.EXPIRED: _("The sign-off has expired."),
    Status.BELOW: _("Signed off at a lower level than the team's work needs."),
    Status.NOT_HELD: _("No verified sign-off."),
}


@dataclass(frozen=True)
class Cell:
    status: Status
    level: str = ""
    expires_on: datetime.date | None = None
    practised_on: datetime.date | None = None


@dataclass(frozen=True)
class Column:
    pk: int
    idnumber: str
    name: str
    framework: str

    @property
    def label(self) -> str:
        return f"{self.idnumber} {self.name}".strip()


@dataclass
class Row:
    staff_id: int
    name: str
    band: str
    wte: Decimal
    post: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class BandGroup:
    band: str
    label: str
    rows: list[Row]


@dataclass
class FrameworkGroup:
    name: str
    columns: list[Column]


@dataclass(frozen=True)
class CoverageLine:
    column: Column
    competent_wte: Decimal
    demand_wte: Decimal
    ratio: Decimal | None
    below: bool

    @property
    def has_demand(self) -> bool:
        return self.demand_wte > 0


@dataclass(frozen=True)
class Filters:
    framework: str = ""
    competency_id: int | None = None
    band: str = ""


@dataclass
class Matrix:
    today: datetime.date
    threshold: Decimal
    frameworks: list[FrameworkGroup]
    bands: list[BandGroup]
    coverage: list[CoverageLine]
    # What the filters may choose from (the whole team, before filtering).
    framework_choices: list[str]
    competency_choices: list[tuple[int, str]]
    band_choices: list[tuple[str, str]]
    #: the page of people shown (``None``: everyone, as the workbook has them)
    page: Page | None = None

    @property
    def people(self) -> int:
        """How many people match the filters (on every page)."""
        return self.page.paginator.count if self.page else len(self.rows)

    @property
    def columns(self) -> list[Column]:
        return [c for g in self.frameworks for c in g.columns]

    @property
    def rows(self) -> list[Row]:
        return [r for g in self.bands for r in g.rows]

    @property
    def statuses(self) -> list[Status]:
        return list(Status)


def natural(text: str) -> tuple:
    """'2' before '10', 'EL.1' before 'EL.2': numbers in a code compared as numbers."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(text))


def status_of(
    holding,
    today: datetime.date,
    *,
    expiry_days: int,
    lapse_months: int,
    has_demand: bool,
    level_needed: int = 0,
) -> Status:
    """The cell's status: expiry first, then the level, then practice (only where the team
    has the work). A sign-off is valid up to the day before it expires, as the engine reads."""
    if holding is None:
        return Status.NOT_HELD
    expires = holding.expires_on
    if not holding.valid_on(today):
        return Status.EXPIRED
    if holding.level_rank < level_needed:
        return Status.BELOW
    if expires is not None and expires <= today + datetime.timedelta(days=expiry_days):
        return Status.EXPIRING
    if has_demand:
        lapsed = today - datetime.timedelta(days=round(lapse_months * 30.44))
        if holding.practised_on is None or holding.practised_on < lapsed:
            return Status.NOT_PRACTISED
    return Status.CURRENT


def team_matrix(team_id: int, today: datetime.date, filters: Filters | None = None) -> Matrix:
    """The matrix of one team on ``today``, narrowed by ``filters``, everyone on it."""
    return matrix_from(engine.baseline([team_id], today), team_id, filters)


def matrix_from(
    base: engine.Baseline,
    team_id: int,
    filters: Filters | None = None,
    *,
    settings: FlagSettings | None = None,
    found: dict | None = None,
    page: int | str | None = None,
) -> Matrix:
    """The matrix of one of the baseline's teams: no queries beyond the settings (pass them,
    and ``found``, the baseline's coverage, to build many teams' matrices from one read).

    ``page``: only that page of ``PEOPLE_PER_PAGE`` people (a number out of range gives the
    nearest page) gets its cells; without it, everyone does. Coverage is always the whole
    team's."""
    filters = filters or Filters()
    settings = settings or FlagSettings.load()
    today = base.today
    found = engine.coverage(base, today) if found is None else found
    by_person: dict[int, engine.Member] = {}
    for m in base.assignments:  # one row a person: their posts' WTE in this team added up
        if m.team_id != team_id:
            continue
        if m.staff_id in by_person:
            first = by_person[m.staff_id]
            by_person[m.staff_id] = replace(first, wte=first.wte + m.wte)
        else:
            by_person[m.staff_id] = m
    members = list(by_person.values())
    member_ids = {m.staff_id for m in members}

    held_competencies = {c for (s, c) in base.holdings if s in member_ids}
    demanded = {c for (t, c), v in base.demand.items() if t == team_id and v}
    all_columns = [
        Column(pk, *base.competencies[pk])
        for pk in held_competencies | demanded
        if pk in base.competencies
    ]
    # Frameworks the team's work needs most come first, then those its people hold most: a
    # framework few of them hold (prescribing, in a team of support workers) goes to the end
    # rather than opening the table with a block of empty cells.
    needed: dict[str, int] = {}
    held: dict[str, int] = {}
    for column in all_columns:
        needed[column.framework] = needed.get(column.framework, 0) + (column.pk in demanded)
    for staff_id, competency_id in base.holdings:
        if staff_id in member_ids and competency_id in base.competencies:
            name = base.competencies[competency_id][2]
            held[name] = held.get(name, 0) + 1
    all_columns.sort(
        key=lambda c: (
            -needed.get(c.framework, 0),
            -held.get(c.framework, 0),
            c.framework.lower(),
            natural(c.idnumber),
            c.name.lower(),
        )
    )

    columns = [
        c
        for c in all_columns
        if (not filters.framework or c.framework == filters.framework)
        and (filters.competency_id is None or c.pk == filters.competency_id)
    ]
    frameworks: list[FrameworkGroup] = []
    for column in columns:
        if not frameworks or frameworks[-1].name != column.framework:
            frameworks.append(FrameworkGroup(column.framework, []))
        frameworks[-1].columns.append(column)

    band_labels = dict(Band.choices)
    groups: dict[str, list[Row]] = {}
    shown = [
        m
        for m in sorted(members, key=lambda m: (BAND_ORDER.get(m.band, 99), m.name))
        if not filters.band or m.band == filters.band
    ]
    people_page = None
    if page is not None:
        people_page = Paginator(shown, PEOPLE_PER_PAGE).get_page(page)
        shown = list(people_page.object_list)
    for m in shown:
        row = Row(m.staff_id, m.name, m.band, m.wte, m.post_title)
        for column in columns:
            holding = base.holdings.get((m.staff_id, column.pk))
            status = status_of(
                holding,
                today,
                expiry_days=settings.expiry_days,
                lapse_months=settings.lapse_months,
                has_demand=column.pk in demanded,
                level_needed=base.levels.get(column.pk, 0),
            )
            row.cells.append(
                Cell(
                    status,
                    holding.level_name if holding else "",
                    holding.expires_on if holding else None,
                    holding.practised_on if holding else None,
                )
            )
        groups.setdefault(m.band, []).append(row)
    bands = [
        BandGroup(band, str(band_labels.get(band, band)), rows)
        for band, rows in sorted(groups.items(), key=lambda item: BAND_ORDER.get(item[0], 99))
    ]

    threshold = base.threshold
    lines = []
    for column in columns:
        competent, demand, ratio = found.get((team_id, column.pk), (Decimal(0), Decimal(0), None))
        lines.append(
            CoverageLine(
                column,
                competent,
                demand,
                ratio,
                below=bool(demand) and (ratio is None or ratio < threshold),
            )
        )

    present_bands = sorted({m.band for m in members}, key=lambda b: BAND_ORDER.get(b, 99))
    return Matrix(
        today=today,
        threshold=threshold,
        frameworks=frameworks,
        bands=bands,
        coverage=lines,
        framework_choices=sorted({c.framework for c in all_columns}, key=str.lower),
        competency_choices=[(c.pk, c.label) for c in all_columns],
        band_choices=[(b, str(band_labels.get(b, b))) for b in present_bands],
        page=people_page,
    )
