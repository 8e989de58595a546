"""The canonical activity extract: its columns, the words each coded column accepts, and the
limits a value must keep to. The importer's checks (in SQL on every engine) are built from
these declarations, so a rule is written once.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("source_id", True, ("activity id", "contact id", "record id", "id")),
    Column("contact_date", True, ("date", "care contact date", "activity date")),
    Column("staff_number", True, ("staff no", "care professional local identifier", "clinician")),
    Column("team_code", True, ("team", "care professional team local identifier")),
    Column("duration_minutes", True, ("duration", "minutes", "clinical contact duration")),
    Column("attendance", True, ("attendance status", "attended")),
    Column("mechanism", False, ("consultation mechanism", "contact mechanism")),
    Column("activity_type", False, ("type",)),
    Column("procedure_code", True, ("procedure", "snomed code", "procedure snomed ct")),
    Column("procedure_scheme", False, ("scheme", "code scheme")),
    Column("condition_code", False, ("condition", "finding", "diagnosis code")),
    Column("patient_key", False, ("patient", "patient id", "pseudonymised patient id")),
    Column("episode_id", False, ("episode", "referral id", "episode key")),
    Column("outcome_measure", False, ("measure", "outcome tool")),
    Column("outcome_before", False, ("score before", "baseline score")),
    Column("outcome_after", False, ("score after", "discharge score")),
)
NAMES = tuple(c.name for c in COLUMNS)
REQUIRED = tuple(c.name for c in COLUMNS if c.required)

# Columns whose values are checked against a strict shape; anything else in a file (columns the
# platform does not read) is free text, where the privacy guard looks for names and addresses.
IDENTIFIER_COLUMNS = ("source_id", "patient_key", "episode_id")

MAX_DURATION = 600  # minutes: a clinical contact longer than ten hours is a typing error
MAX_SCORE = 10_000
WHOLE_MINUTES = r"^[0-9]{1,4}$"
# The same shapes as character sets and lengths, for SQL (regular expressions cost too much
# a value over a million rows): characters allowed, and the longest value.
IDENTIFIER_CHARS, IDENTIFIER_LENGTH = "A-Za-z0-9._:/-", 64
CODE_CHARS, CODE_LENGTH = "A-Za-z0-9._:=|-", 40
SCORE = r"^-?[0-9]{1,5}(\.[0-9]{1,2})?$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
UK_DATE = r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$"

# Attendance: our words, CSDS codes (5, 6 attended; 2, 3, 4, 7 cancelled or did not attend)
# and common spellings. A source's own words are added from its saved mapping.
ATTENDANCE = {
    "attended": "attended",
    "5": "attended",
    "6": "attended",
    "att": "attended",
    "seen": "attended",
    "did_not_attend": "did_not_attend",
    "did not attend": "did_not_attend",
    "dna": "did_not_attend",
    "3": "did_not_attend",
    "7": "did_not_attend",
    "cancelled_by_patient": "cancelled_by_patient",
    "cancelled by patient": "cancelled_by_patient",
    "2": "cancelled_by_patient",
    "cancelled_by_provider": "cancelled_by_provider",
    "cancelled by provider": "cancelled_by_provider",
    "cancelled by service": "cancelled_by_provider",
    "4": "cancelled_by_provider",
}
MECHANISM = {
    "face_to_face": "face_to_face",
    "face to face": "face_to_face",
    "f2f": "face_to_face",
    "01": "face_to_face",
    "1": "face_to_face",
    "telephone": "telephone",
    "phone": "telephone",
    "02": "telephone",
    "2": "telephone",
    "video": "video",
    "video consultation": "video",
    "04": "video",
    "4": "video",
    "other": "other",
}
ACTIVITY_TYPE = {
    "assessment": "assessment",
    "intervention": "intervention",
    "treatment": "intervention",
    "review": "review",
    "advice": "advice",
    "group": "group",
    "other": "other",
}
SCHEME = {"snomed": "snomed", "snomed ct": "snomed", "sct": "snomed", "local": "local"}

LABELS = {
    "source_id": gettext_lazy("the source's id of the activity"),
    "contact_date": gettext_lazy("the contact date"),
    "staff_number": gettext_lazy("the care professional's staff number"),
    "team_code": gettext_lazy("the team code"),
    "duration_minutes": gettext_lazy("the duration in minutes"),
    "attendance": gettext_lazy("attendance"),
    "procedure_code": gettext_lazy("the procedure code"),
}


def normalise(header: str) -> str:
    """Headers match whatever their case, spacing, underscores or dashes."""
    return " ".join(str(header).replace("_", " ").replace("-", " ").lower().split())


def locate(headers: list[str], mapping: dict[str, str] | None = None) -> dict[str, int]:
    """Which position in the file holds each canonical column.

    A source's saved mapping names the header it uses for a column; otherwise the canonical
    name or one of its aliases is looked for.
    """
    positions = {normalise(h): i for i, h in reversed(list(enumerate(headers)))}
    found: dict[str, int] = {}
    used: set[int] = set()
    for column in COLUMNS:
        wanted = []
        if mapping and mapping.get(column.name):
            wanted.append(mapping[column.name])
        wanted += [column.name, *column.aliases]
        for name in wanted:
            at = positions.get(normalise(name))
            if at is not None and at not in used:
                found[column.name] = at
                used.add(at)
                break
    return found


_SAFE_HEADER = re.compile(r"[^\w \-./()]")


def shown_header(header: str) -> str:
    """A header as it can be shown back in a message (no markup, bounded)."""
    return _SAFE_HEADER.sub("", str(header))[:60] or "?"


def parse_date(text: str, date_format: str = "auto") -> datetime.date | None:
    """A contact date written yyyy-mm-dd (optionally with a time) or dd/mm/yyyy; None if not
    a real date. PostgreSQL's ``pg_temp.activity_date`` (``dialects``) says the same."""
    text = (text or "").strip()
    try:
        if date_format != "dmy" and _ISO_DATETIME.match(text):
            year, month, day = int(text[:4]), int(text[5:7]), int(text[8:10])
        elif date_format != "iso" and re.match(UK_DATE, text):
            day, month, year = (int(p) for p in text.split("/"))
        else:
            return None
        if not 1900 <= year <= 2999:
            return None
        return datetime.date(year, month, day)
    except ValueError:
        return None


ISO_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+)?$"
_ISO_DATETIME = re.compile(ISO_DATETIME)
