"""The few SQL pieces that differ between PostgreSQL and SQLite, for the activity importer.

The importer's statements are the same on both engines; they call these helper functions,
which PostgreSQL gets as inlined SQL functions in the session's temporary schema and SQLite
as Python functions registered on the connection (from ``columns`` and ``pseudonyms``, so
the rule is the same). Nothing here is created in the database's own schema.
"""

import nhs_number
from django.db.backends.base.base import BaseDatabaseWrapper

from . import columns, pseudonyms

_PG_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION pg_temp.activity_ymd(y int, m int, d int) RETURNS date
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN y BETWEEN 1900 AND 2999 AND m BETWEEN 1 AND 12 AND d >= 1
        AND d <= extract(day FROM make_date(y, m, 1) + interval '1 month - 1 day')
      THEN make_date(y, m, d) END $$""",
    # String tests rather than regular expressions: PostgreSQL's regex engine costs a few
    # microseconds a value, which is most of a million-row import.
    """CREATE OR REPLACE FUNCTION pg_temp.activity_date(v text, fmt text) RETURNS date
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE
        WHEN fmt <> 'dmy' AND length(v) >= 10 AND substr(v, 5, 1) = '-'
          AND substr(v, 8, 1) = '-' AND translate(substr(v, 1, 10), '0123456789-', '') = ''
          AND (length(v) = 10 OR substr(v, 11, 1) IN ('T', ' '))
          AND length(translate(substr(v, 1, 10), '0123456789', '')) = 2
        THEN pg_temp.activity_ymd(
          substr(v, 1, 4)::int, substr(v, 6, 2)::int, substr(v, 9, 2)::int)
        WHEN fmt <> 'iso' AND translate(v, '0123456789/', '') = ''
          AND length(split_part(v, '/', 1)) BETWEEN 1 AND 2
          AND length(split_part(v, '/', 2)) BETWEEN 1 AND 2
          AND length(split_part(v, '/', 3)) = 4 AND split_part(v, '/', 4) = ''
        THEN pg_temp.activity_ymd(
          split_part(v, '/', 3)::int, split_part(v, '/', 2)::int, split_part(v, '/', 1)::int)
      END $$""",
    """CREATE OR REPLACE FUNCTION pg_temp.activity_nhs(v text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN length(v) = 10 AND translate(v, '0123456789', '') = '' THEN (11 - ((
          substr(v, 1, 1)::int * 10 + substr(v, 2, 1)::int * 9 + substr(v, 3, 1)::int * 8
        + substr(v, 4, 1)::int * 7 + substr(v, 5, 1)::int * 6 + substr(v, 6, 1)::int * 5
        + substr(v, 7, 1)::int * 4 + substr(v, 8, 1)::int * 3 + substr(v, 9, 1)::int * 2
      ) % 11)) % 11 = substr(v, 10, 1)::int ELSE false END $$""",
    """CREATE OR REPLACE FUNCTION pg_temp.activity_hash(v text, inner_key bytea, outer_key bytea)
    RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN v = '' THEN '' ELSE encode(
        sha256(outer_key || sha256(inner_key || convert_to(v, 'UTF8'))), 'hex') END $$""",
]


def _sqlite_date(value: str | None, date_format: str) -> str | None:
    found = columns.parse_date(value or "", date_format)
    return found.isoformat() if found else None


def _sqlite_nhs(value: str | None) -> int:
    value = value or ""
    return int(len(value) == 10 and value.isdigit() and nhs_number.is_valid(value))


def _sqlite_hash(value: str | None, _inner: bytes, _outer: bytes) -> str:
    return pseudonyms.pseudonym(value or "")


class Dialect:
    """SQL spellings for one connection's engine."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def install(self) -> None:
        """Make the helper functions available to this connection's session."""
        self.connection.ensure_connection()
        if self.postgres:
            with self.connection.cursor() as cursor:
                # The checks are wide expressions over many rows: JIT-compiling them costs far
                # more than it saves (half a minute for a 200,000-row file). See ``uninstall``.
                cursor.execute("SET jit = off")
                for statement in _PG_FUNCTIONS:
                    cursor.execute(statement)
        else:
            raw = self.connection.connection
            raw.create_function("activity_date", 2, _sqlite_date, deterministic=True)
            raw.create_function("activity_nhs", 1, _sqlite_nhs, deterministic=True)
            raw.create_function("activity_hash", 3, _sqlite_hash, deterministic=True)

    def uninstall(self) -> None:
        """Give the session back its JIT setting (the functions go with the session)."""
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute("RESET jit")

    def fn(self, name: str) -> str:
        return f"pg_temp.{name}" if self.postgres else name

    def matches(self, expression: str, pattern: str) -> str:
        """``expression`` matches the regular expression (a trusted constant)."""
        quoted = pattern.replace("'", "''")
        if self.postgres:
            return f"({expression} ~ '{quoted}')"
        return f"({expression} REGEXP '{quoted}')"

    def matches_anycase(self, expression: str, pattern: str) -> str:
        quoted = pattern.replace("'", "''")
        if self.postgres:
            return f"({expression} ~* '{quoted}')"
        return f"({expression} REGEXP '(?i){quoted}')"

    def differs(self, left: str, right: str) -> str:
        return f"({left} IS DISTINCT FROM {right})" if self.postgres else f"({left} IS NOT {right})"

    def only(self, expression: str, allowed: str) -> str:
        """``expression`` is made only of ``allowed`` characters (letters given as a-z and
        A-Z ranges, a trailing - literal): cheaper than a regular expression."""
        if self.postgres:
            spelled = (
                allowed.replace("a-z", "abcdefghijklmnopqrstuvwxyz")
                .replace("A-Z", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                .replace("0-9", "0123456789")
            )
            return f"(translate({expression}, '{spelled}', '') = '')"
        return f"({expression} NOT GLOB '*[^{allowed}]*')"

    def has_any(self, expression: str, characters: str) -> str:
        """``expression`` holds one of ``characters`` (a cheap test before a regex)."""
        find = "strpos" if self.postgres else "instr"
        return "(" + " OR ".join(f"{find}({expression}, '{c}') > 0" for c in characters) + ")"

    def digits_only(self, expression: str) -> str:
        return f"replace(replace({expression}, ' ', ''), '-', '')"

    def trimmed(self, table: str, width: int) -> str:
        """The raw rows with every value trimmed, as a subquery the planner keeps whole
        (``OFFSET 0``), so the helper functions see plain columns and PostgreSQL inlines
        them instead of calling them row by row."""
        values = ", ".join(f"trim(coalesce(c{i}, '')) AS c{i}" for i in range(width))
        fence = "OFFSET 0" if self.postgres else "LIMIT -1 OFFSET 0"
        return f"(SELECT rn, {values} FROM {table} {fence})"

    def analyse(self, cursor, table: str) -> None:
        """Give the planner the temporary table's statistics (PostgreSQL never gathers them
        for temporary tables by itself)."""
        if self.postgres:
            cursor.execute(f"ANALYZE {table}")

    def temp_table(self, name: str) -> str:
        return f"CREATE TEMP TABLE {name}"
