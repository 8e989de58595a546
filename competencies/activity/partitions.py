"""Monthly partitions of the contacts table on PostgreSQL (elsewhere: nothing to do).

The table is ``PARTITION BY RANGE (contact_date)`` with one partition a month and a default
partition for anything outside them (rows before the first month, so nothing is ever lost).
Migration 0011 creates the months from ``FIRST_MONTH`` to ``PREPARED_UNTIL``; the importer calls
``ensure_partitions`` for the months a file covers, so later years get theirs when they arrive.
A month whose rows already sit in the default partition is left there (PostgreSQL would refuse
to create it), which only costs pruning for that month.
"""

import datetime

from django.db import connection

TABLE = "competencies_contact"
FIRST_MONTH = datetime.date(2020, 1, 1)
PREPARED_UNTIL = datetime.date(2030, 12, 1)


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def partition_name(month: datetime.date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of every month from ``first``'s to ``last``'s, inclusive."""
    out, month = [], _month(first)
    while month <= last:
        out.append(month)
        month = _next(month)
    return out


def create_partition_sql(month: datetime.date) -> str:
    return (
        f'CREATE TABLE IF NOT EXISTS "{partition_name(month)}" PARTITION OF "{TABLE}" '
        f"FOR VALUES FROM ('{month.isoformat()}') TO ('{_next(month).isoformat()}')"
    )


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def ensure_partitions(first: datetime.date, last: datetime.date) -> None:
    """Create the monthly partitions ``first`` to ``last`` need (PostgreSQL; no-op elsewhere)."""
    if not is_partitioned():
        return
    wanted = [m for m in months(max(first, FIRST_MONTH), last)]
    if not wanted:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        present = {row[0] for row in cursor.fetchall()}
        for month in wanted:
            if partition_name(month) in present:
                continue
            cursor.execute(
                f'SELECT EXISTS (SELECT 1 FROM "{TABLE}_default" '
                "WHERE contact_date >= %s AND contact_date < %s)",
                [month, _next(month)],
            )
            if cursor.fetchone()[0]:
                continue
            cursor.execute(create_partition_sql(month))
