"""What can be wrong with a row of an activity extract, as bits of a mask worked out in SQL,
and the words that say so by row and column.

The typed table (``importer``) holds each row's mask; a valid file costs one count. When
something is wrong, the first rows with problems are read back and each set bit becomes a
``RowError`` naming the file's own heading for the column.
"""

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext

from ksf.imports.tabular import ImportFailed, RowError

from . import columns
from .dialects import Dialect

IDENTIFIER = (columns.IDENTIFIER_CHARS, columns.IDENTIFIER_LENGTH)
CODE = (columns.CODE_CHARS, columns.CODE_LENGTH)


def shaped(d: Dialect, expression: str, allowed: str, longest: int) -> str:
    """A value of 1 to ``longest`` characters, all of them ``allowed``."""
    return f"length({expression}) BETWEEN 1 AND {longest} AND {d.only(expression, allowed)}"


def _checks(d: Dialect) -> list[tuple[int, str, str, Callable[[dict], str]]]:
    """(bit, canonical column, SQL condition on the typed row x, message for a row)."""
    minutes = columns.MAX_DURATION
    return [
        (
            1,
            "source_id",
            "x.record_id = ''",
            lambda r: gettext("The source's id of the activity is missing."),
        ),
        (
            2,
            "source_id",
            f"x.record_id <> '' AND NOT ({shaped(d, 'x.record_id', *IDENTIFIER)})",
            lambda r: gettext(
                "This is not an identifier: use letters, digits and . _ : / - only, at most 64 "
                "characters."
            ),
        ),
        (4, "contact_date", "x.date_text = ''", lambda r: gettext("The contact date is missing.")),
        (
            8,
            "contact_date",
            "x.date_text <> '' AND x.contact_date IS NULL",
            lambda r: (
                gettext("'%(value)s' is not a date: write it as yyyy-mm-dd or dd/mm/yyyy.")
                % {"value": r["date_text"][:20]}
            ),
        ),
        (
            16,
            "contact_date",
            "x.contact_date > %s",
            lambda r: (
                gettext("%(value)s is in the future: a contact is recorded once it has happened.")
                % {"value": r["date_text"][:20]}
            ),
        ),
        (
            32,
            "staff_number",
            "x.staff_text = ''",
            lambda r: gettext("The staff number is missing."),
        ),
        (
            64,
            "staff_number",
            "x.staff_text <> '' AND x.staff_id IS NULL",
            lambda r: (
                gettext(
                    "Nobody has staff number '%(value)s': import the staff file first, or correct "
                    "the number."
                )
                % {"value": r["staff_text"][:20]}
            ),
        ),
        (128, "team_code", "x.team_text = ''", lambda r: gettext("The team code is missing.")),
        (
            256,
            "team_code",
            "x.team_text <> '' AND x.team_id IS NULL",
            lambda r: (
                gettext("There is no team with code '%(value)s'.") % {"value": r["team_text"][:20]}
            ),
        ),
        (
            512,
            "duration_minutes",
            "x.duration_minutes IS NULL",
            lambda r: (
                gettext("The duration is missing or not a whole number of minutes.")
                if r["duration_text"]
                else gettext("The duration is missing.")
            ),
        ),
        (
            1024,
            "duration_minutes",
            f"x.duration_minutes > {minutes}",
            lambda r: (
                gettext(
                    "%(value)s minutes is out of range: a contact lasts from 0 to %(limit)s "
                    "minutes."
                )
                % {"value": r["duration_text"][:6], "limit": minutes}
            ),
        ),
        (
            2048,
            "attendance",
            "x.attendance IS NULL",
            lambda r: (
                gettext(
                    "'%(value)s' is not an attendance value: use attended, did_not_attend, "
                    "cancelled_by_patient or cancelled_by_provider (or the CSDS codes 2 to 7), or "
                    "add this source's word to its attendance values."
                )
                % {"value": r["attendance_text"][:30]}
                if r["attendance_text"]
                else gettext("Attendance is missing.")
            ),
        ),
        (
            4096,
            "mechanism",
            "x.mechanism_text <> '' AND x.mechanism = ''",
            lambda r: (
                gettext(
                    "'%(value)s' is not a consultation mechanism: use face_to_face, telephone, "
                    "video or other."
                )
                % {"value": r["mechanism_text"][:30]}
            ),
        ),
        (
            8192,
            "activity_type",
            "x.type_text <> '' AND x.activity_type = ''",
            lambda r: (
                gettext(
                    "'%(value)s' is not an activity type: use assessment, intervention, review, "
                    "advice, group or other."
                )
                % {"value": r["type_text"][:30]}
            ),
        ),
        (
            16384,
            "procedure_scheme",
            "x.procedure_scheme IS NULL",
            lambda r: (
                gettext("'%(value)s' is not a code scheme: use snomed or local.")
                % {"value": r["scheme_text"][:20]}
            ),
        ),
        (
            32768,
            "procedure_code",
            f"NOT ({shaped(d, 'x.procedure_code', *CODE)})",
            lambda r: gettext(
                "The procedure code is missing or not a code (letters, digits and . _ : = | - "
                "only, at most 40 characters)."
            ),
        ),
        (
            65536,
            "procedure_code",
            f"k.procedure_code IS NULL AND {shaped(d, 'x.procedure_code', *CODE)}",
            lambda r: (
                gettext(
                    "Procedure code %(code)s (%(scheme)s) is not in the activity-to-competency "
                    "map: add it to the map, then import the file again."
                )
                % {"code": r["procedure_code"][:40], "scheme": r["procedure_scheme"] or "?"}
            ),
        ),
        (
            131072,
            "condition_code",
            f"x.condition_code <> '' AND NOT ({shaped(d, 'x.condition_code', *CODE)})",
            lambda r: gettext(
                "This is not a code (letters, digits and . _ : = | - only, at most 40 characters)."
            ),
        ),
        (
            262144,
            "outcome_before",
            "(x.before_text <> '' AND x.outcome_before IS NULL) "
            "OR (x.after_text <> '' AND x.outcome_after IS NULL)",
            lambda r: gettext("An outcome score is not a number (up to two decimal places)."),
        ),
        (
            524288,
            "outcome_measure",
            "(x.before_text <> '' OR x.after_text <> '') AND x.outcome_measure = ''",
            lambda r: gettext("Outcome scores are given without the measure they were scored on."),
        ),
    ]


def mask_sql(dialect: Dialect) -> str:
    """The expression giving a typed row's problem bits (its one parameter is today)."""
    parts = [
        f"CASE WHEN {condition} THEN {bit} ELSE 0 END" for bit, _, condition, _ in _checks(dialect)
    ]
    return "(" + " + ".join(parts) + ")"


def check(cursor, table: str, filename: str, headers: list[str], positions: dict[str, int]) -> None:
    """Raise ImportFailed listing the rows with problems (the first few hundred), if any."""
    from django.db import connection

    from .dialects import Dialect

    checks = _checks(Dialect(connection))
    cursor.execute(
        "SELECT "
        + ", ".join(f"sum(CASE WHEN (mask & {bit}) <> 0 THEN 1 ELSE 0 END)" for bit, *_ in checks)
        + f", count(*) - count(DISTINCT record_id) FROM {table}"
    )
    counts = cursor.fetchone()
    per_check, duplicates = [c or 0 for c in counts[:-1]], counts[-1] or 0
    total = sum(per_check) + duplicates
    if not total:
        return

    def heading(name: str) -> str:
        at = positions.get(name)
        return columns.shown_header(headers[at]) if at is not None else name

    errors: list[RowError] = []
    limit = settings.IMPORT_MAX_REPORTED
    if sum(per_check):
        names = [
            "rn", "mask", "date_text", "staff_text", "team_text", "duration_text",
            "attendance_text", "mechanism_text", "type_text", "scheme_text",
            "procedure_code", "procedure_scheme",
        ]  # fmt: skip
        cursor.execute(
            f"SELECT {', '.join(names)} FROM {table} WHERE mask <> 0 ORDER BY rn LIMIT %s",
            [limit],
        )
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            for bit, column, _, message in checks:
                if row["mask"] & bit:
                    errors.append(RowError(row["rn"], heading(column), message(row)))
    if duplicates and len(errors) < limit:
        cursor.execute(
            f"SELECT t.rn, d.first FROM {table} t JOIN (SELECT record_id, min(rn) AS first "
            f"FROM {table} GROUP BY record_id HAVING count(*) > 1) d "
            "ON d.record_id = t.record_id WHERE t.rn > d.first ORDER BY t.rn LIMIT %s",
            [limit],
        )
        for number, first in cursor.fetchall():
            errors.append(
                RowError(
                    number,
                    heading("source_id"),
                    gettext("This id is also on row %(row)s: each activity appears once in a file.")
                    % {"row": first},
                )
            )
    errors.sort(key=lambda e: e.row or 0)
    shown = errors[:limit]
    # The rest are counted, not read: placeholders keep the total right for "and N more".
    shown += [RowError(None, None, "")] * max(0, total - len(shown))
    raise ImportFailed(filename, shown)
