"""The flags workbook: one sheet of flags, one of counts by team and kind.

Built from what the flag pages read (``competencies.activity.flags.selectors``), with the
reason in words from the engine. Every text is written as text, never as a formula or a link
(``exports.workbooks._Workbook`` turns both off): a team or competency named ``=HYPERLINK(...)``
stays a name. Dates are real Excel dates and counts real numbers.
"""

from collections.abc import Sequence

from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from competencies.activity.flags.reasons import PROMPT_NOT_FINDING, reason
from competencies.activity.flags.selectors import TeamCounts
from competencies.models import Flag
from exports.workbooks import Column, _Workbook

FLAG_COLUMNS = [
    Column(_("Kind"), 28),
    Column(_("Team"), 24),
    Column(_("Service"), 24),
    Column(_("Person"), 24),
    Column(_("Staff number"), 12),
    Column(_("Competency"), 36, wrap=True),
    Column(_("Reason"), 60, wrap=True),
    Column(_("Figures"), 40, wrap=True),
    Column(_("Contacts"), 10),
    Column(_("First seen"), 13),
    Column(_("Last seen"), 13),
    Column(_("Cause present"), 10),
    Column(_("Status"), 14),
    Column(_("Note"), 40, wrap=True),
]


HIDDEN_FIGURES = {"person", "team", "competency", "label", "work", "person_id"}


def _figures(flag: Flag) -> str:
    """The flag's figures as ``key: value`` text (names are in their own columns)."""
    items = (flag.figures or {}).items()
    return "; ".join(
        f"{k}: {v}"
        for k, v in items
        if k not in HIDDEN_FIGURES and v not in (None, "", []) and not str(k).endswith("_hash")
    )


def filename(team_name: str | None = None) -> str:
    if team_name:
        return f"flags-{slugify(team_name) or 'team'}.xlsx"
    return "flags.xlsx"


def flags_workbook(flags: Sequence[Flag], counts: Sequence[TeamCounts]) -> bytes:
    """The workbook of ``flags`` (with person, team and competency joined in) and ``counts``."""
    book = _Workbook()
    rows = [
        [
            flag.get_kind_display(),
            flag.team.name,
            flag.team.service.name if flag.team.service_id else "",
            flag.staff.full_name if flag.staff_id else "",
            flag.staff.staff_number if flag.staff_id else "",
            str(flag.competency) if flag.competency_id else "",
            reason(flag),
            _figures(flag),
            flag.contact_count,
            flag.first_seen,
            flag.last_seen,
            gettext("Yes") if flag.active else gettext("No"),
            flag.get_status_display(),
            flag.status_note,
        ]
        for flag in flags
    ]
    book.sheet(gettext("Flags"), FLAG_COLUMNS, rows)
    sheet = book.writer.sheets[gettext("Flags")]
    sheet.write_comment(0, 6, str(PROMPT_NOT_FINDING))

    kinds = list(Flag.Kind.choices)
    count_columns = [
        Column(_("Team"), 24),
        Column(_("Service"), 24),
        *[Column(label, 14) for _value, label in kinds],
        Column(_("All flags"), 10),
        Column(_("Open"), 10),
    ]
    count_rows = [[c.team, c.service, *c.cells(), c.total, c.open] for c in counts]
    book.sheet(gettext("Counts by team"), count_columns, count_rows)
    return book.close()
