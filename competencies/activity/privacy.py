"""The privacy guard: an extract carrying identifiable patient data is refused whole.

It looks at every column, whatever it is called, in one pass over the loaded rows:

- NHS numbers: 10 digits passing the modulus-11 check, also written with spaces or dashes.
  Written with spaces or dashes, one is enough. Plain 10-digit values are common in
  identifiers and codes (a tenth of random numbers pass the check), so a column of
  identifiers or codes is refused when most of its 10-digit values are valid NHS numbers;
  anywhere else, one is enough;
- dates of birth: a column whose heading says birth or DOB, or a date anywhere but in the
  contact date column;
- postcodes, addresses (a house number and a street word) and personal names in columns the
  platform does not read as codes: a regular expression finds candidates in SQL and
  ``ksf.privacy.looks_like_name`` judges the first few distinct ones.

The message says which column and why, and the first row; it never repeats the value, and
nothing from a refused file is written or logged.
"""

from django.utils.translation import gettext

from ksf.imports.tabular import RowError
from ksf.privacy import contains_nhs_number, looks_like_name

from . import columns
from .dialects import Dialect

# Columns read as strictly shaped values: a value there either passes its check (so is a date,
# a number of minutes, a known word) or is reported as a bad row.
STRICT = {
    "contact_date",
    "duration_minutes",
    "attendance",
    "mechanism",
    "activity_type",
    "procedure_scheme",
    "outcome_before",
    "outcome_after",
}
CODES = {"procedure_code", "condition_code", "staff_number", "team_code", "outcome_measure"}

SPACED_NHS = r"^[0-9]{3}[ -][0-9]{3}[ -][0-9]{4}$"
DATE_LIKE = r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
POSTCODE = r"(^|[^A-Za-z0-9])[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}($|[^A-Za-z0-9])"
ADDRESS = (
    r"[0-9]+[a-z]? +[a-z'-]+ +(street|st|road|rd|avenue|ave|lane|close|drive|way|crescent|"
    r"terrace|place|gardens|court|grove|hill|park|square)($|[^a-z])"
)
NAME_CANDIDATE = r"(mr|mrs|ms|miss|mx|dr)\.? +[A-Za-z]|[A-Z][a-z]+ +[A-Z][a-z]+"
NHS_CANDIDATE = r"(^|[^0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}([^0-9]|$)"
BIRTH_HEADING = ("birth", "dob", "d.o.b", "born")
CANDIDATES_JUDGED = 25


def _message(kind: str) -> str:
    return {
        "nhs": gettext(
            "This column holds NHS numbers (10 digits that pass the NHS number check). An activity "
            "extract must not identify patients: remove the column, or replace it with the "
            "source's pseudonymised patient key."
        ),
        "birth": gettext(
            "This column holds dates of birth. An activity extract must not identify patients: "
            "remove the column."
        ),
        "date": gettext(
            "This column holds dates, which may be dates of birth. Only the contact date may be a "
            "date: remove the column."
        ),
        "postcode": gettext(
            "This column holds postcodes. An activity extract must not say where patients live: "
            "remove the column."
        ),
        "address": gettext(
            "This column holds addresses. An activity extract must not say where patients live: "
            "remove the column."
        ),
        "name": gettext(
            "This column holds people's names. An activity extract must not identify patients: "
            "remove the column."
        ),
    }[kind]


def scan(
    cursor, dialect: Dialect, table: str, headers: list[str], positions: dict[str, int]
) -> list[RowError]:
    """Problems that refuse the whole file (empty when the file is clean)."""
    role = {at: name for name, at in positions.items()}
    nhs = dialect.fn("activity_nhs")
    first_row = "rn + 1" if dialect.postgres else "rn"
    truth = "true" if dialect.postgres else "1"
    probes: list[tuple[int, str, str]] = []  # (column position, kind, SQL condition)
    for at, header in enumerate(headers):
        name = role.get(at)
        value = f"c{at}"
        lowered = header.lower()
        if name != "contact_date" and any(word in lowered for word in BIRTH_HEADING):
            probes.append((at, "birth", f"{value} <> ''"))
        if name in STRICT:
            continue
        digits = dialect.digits_only(value)
        probes.append(
            (
                at,
                "nhs_spaced",
                f"length({value}) = 12 AND {dialect.matches(value, SPACED_NHS)} "
                f"AND {nhs}({digits}) = {truth}",
            )
        )
        probes.append((at, "ten", f"length({value}) = 10 AND {dialect.only(value, '0-9')}"))
        probes.append(
            (
                at,
                "nhs",
                f"length({value}) = 10 AND {nhs}({value}) = {truth}",
            )
        )
        if name in CODES:
            continue
        probes.append(
            (at, "date", f"{dialect.has_any(value, '/-.')} AND {dialect.matches(value, DATE_LIKE)}")
        )
        if name in columns.IDENTIFIER_COLUMNS:
            continue
        probes.append((at, "postcode", dialect.matches(value, POSTCODE)))
        spaced = dialect.has_any(value, " ")
        probes.append((at, "address", f"{spaced} AND {dialect.matches_anycase(value, ADDRESS)}"))
        probes.append((at, "name", f"{spaced} AND {dialect.matches(value, NAME_CANDIDATE)}"))
        probes.append((at, "nhs_within", dialect.matches(value, NHS_CANDIDATE)))
    if not probes:
        return []
    select = ", ".join(
        f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END), "
        f"min(CASE WHEN {condition} THEN {first_row} END)"
        for _, _, condition in probes
    )
    cursor.execute(f"SELECT {select} FROM {table} t")
    found = cursor.fetchone()
    results = {
        (at, kind): (found[2 * i] or 0, found[2 * i + 1]) for i, (at, kind, _) in enumerate(probes)
    }
    refusals: dict[int, tuple[str, int | None]] = {}
    for (at, kind), (count, row) in results.items():
        if not count or at in refusals:
            continue
        name = role.get(at)
        if kind == "ten":
            continue
        if kind == "nhs" and (name in CODES or name in columns.IDENTIFIER_COLUMNS):
            ten = results.get((at, "ten"), (0, None))[0]
            if count * 2 <= ten:  # most 10-digit values fail the check: ids, not NHS numbers
                continue
        if kind in JUDGES:
            pattern, judge = JUDGES[kind]
            row = _judge(cursor, table, at, first_row, pattern, judge)
            if row is None:
                continue
        refusals[at] = ("nhs" if kind in ("nhs_spaced", "nhs_within") else kind, row)
    return [
        RowError(row, columns.shown_header(headers[at]), _message(kind))
        for at, (kind, row) in sorted(refusals.items())
    ]


def _judge(cursor, table: str, at: int, first_row: str, pattern: str, judge) -> int | None:
    """The first row whose value ``judge`` confirms, of the first few SQL candidates."""
    from django.db import connection

    dialect = Dialect(connection)
    value = f"c{at}"
    cursor.execute(
        f"SELECT {value}, min({first_row}) FROM {table} t "
        f"WHERE {dialect.matches(value, pattern)} GROUP BY {value} "
        f"ORDER BY min({first_row}) LIMIT {CANDIDATES_JUDGED}"
    )
    for text, row in cursor.fetchall():
        if judge(text):
            return row
    return None


# Candidates found in SQL that Python confirms: (pattern, confirmation).
JUDGES = {
    "name": (NAME_CANDIDATE, looks_like_name),
    "nhs_within": (NHS_CANDIDATE, contains_nhs_number),
}
