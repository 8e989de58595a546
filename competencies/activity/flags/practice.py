"""The work that needs a competency, per person, team, day and level: the ``PracticeDay`` roll-up.

Every flag about practice reads this roll-up instead of the contacts table, so a recompute
aggregates thousands of rows rather than millions. It is rebuilt in one ``INSERT ... SELECT``
per call, entirely in the database:

- the map's rules, each with the sort order of the level it needs (the rule's level, or the
  first proficient value of the competency's framework);
- attended contacts joined to the rules: a rule with a procedure code matches on scheme and
  code (and on activity type too when it names one); a rule without a code matches on activity
  type; the contact date must fall within the rule's range. The two kinds of rule are joined
  separately (``UNION ALL``) so each join is an equality join the planner can hash;
- per contact and competency, the highest level any matching rule needs (a contact that two
  rules map to the same competency counts once);
- grouped by person, team, competency, day and level: contacts and minutes.

``rebuild(team_ids, first, last)`` deletes and re-derives the rows of those teams and days
(``None``: all of them), so an import that touched one day costs one day's contacts. It then
re-adds the weeks those days fall in into ``PracticeWeek`` (per team, competency and week),
which is what the skill-mix pages read a year of a team's demand from.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection
from django.db.models import Count

from competencies.models import (
    ActivityRequirement,
    Competency,
    Contact,
    PracticeDay,
    PracticeWeek,
    ScaleValue,
)
from competencies.models.activity import Attendance

RULES_SQL = f"""
SELECT r.id AS rule_id, r.competency_id, r.procedure_scheme, r.procedure_code,
       r.activity_type, r.valid_from, r.valid_to,
       COALESCE(lv.sort_order, fp.first_proficient, 0) AS level_order
FROM {ActivityRequirement._meta.db_table} r
JOIN {Competency._meta.db_table} cc ON cc.id = r.competency_id
LEFT JOIN {ScaleValue._meta.db_table} lv ON lv.id = r.level_id
LEFT JOIN (
    SELECT framework_id, MIN(sort_order) AS first_proficient
    FROM {ScaleValue._meta.db_table} WHERE proficient GROUP BY framework_id
) fp ON fp.framework_id = cc.framework_id
WHERE r.competency_id IS NOT NULL
"""


def no_jit() -> None:
    """Tune PostgreSQL for this transaction's aggregates: JIT off (with a partition a month,
    compiling the plan of one aggregate over the contacts costs more than running it) and
    enough memory to hash-aggregate a year of contacts instead of sorting them on disk."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")


def _filters(team_ids: Sequence[int] | None, first, last, alias: str, day: str):
    where, params = [], []
    if team_ids is not None:
        where.append(f"{alias}.team_id IN ({', '.join(['%s'] * len(team_ids))})")
        params.extend(team_ids)
    if first is not None:
        where.append(f"{alias}.{day} >= %s")
        params.append(first)
    if last is not None:
        where.append(f"{alias}.{day} <= %s")
        params.append(last)
    return where, params


def _overlapping_rules() -> bool:
    return (
        ActivityRequirement.objects.filter(competency_id__isnull=False)
        .values("competency_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )


def _type_rules() -> bool:
    """Whether a line of the map matches on activity type alone (no procedure code)."""
    return ActivityRequirement.objects.filter(
        competency_id__isnull=False, procedure_code=""
    ).exists()


#: the columns ``rebuild(..., returning=True)`` gives back, old rows and new
ROW_COLUMNS = "staff_id, team_id, competency_id, day, level_order, contacts, minutes"


def rebuild(
    team_ids: Sequence[int] | None = None,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    *,
    returning: bool = False,
):
    """Re-derive the roll-up rows of these teams and days from the contacts; how many rows.

    ``returning``: instead, the rows removed and the rows written, each a list of
    (staff, team, competency, day, level order, contacts, minutes), so an incremental
    recompute knows exactly what changed without reading the roll-up again.
    """
    if team_ids is not None:
        team_ids = sorted(set(team_ids))
        if not team_ids:
            return ([], []) if returning else 0
    table = PracticeDay._meta.db_table
    contacts = Contact._meta.db_table
    del_where, del_params = _filters(team_ids, first, last, table, "day")
    back = f" RETURNING {ROW_COLUMNS}" if returning else ""
    old: list[tuple] = []
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if del_where:
            cursor.execute(
                f"DELETE FROM {table} WHERE {' AND '.join(del_where)}{back}",
                del_params,
            )
        else:
            cursor.execute(f"DELETE FROM {table}{back}")
        if returning:
            old = cursor.fetchall()
        where, params = _filters(team_ids, first, last, "c", "contact_date")
        contact_where = " AND ".join(["c.attendance = %s", *where])
        matched = f"""
            SELECT c.id AS contact_id, c.contact_date AS day, c.staff_id, c.team_id,
                   c.duration_minutes AS minutes, r.competency_id, r.level_order
            FROM {contacts} c
            JOIN rules r ON r.procedure_code <> ''
                 AND c.procedure_scheme = r.procedure_scheme
                 AND c.procedure_code = r.procedure_code
                 AND (r.activity_type = '' OR c.activity_type = r.activity_type)
                 AND c.contact_date >= r.valid_from
                 AND (r.valid_to IS NULL OR c.contact_date <= r.valid_to)
            WHERE {contact_where}
        """
        by_type = _type_rules()
        if by_type:  # rules matching on activity type alone: a second pass over the contacts
            matched += f"""
            UNION ALL
            SELECT c.id, c.contact_date, c.staff_id, c.team_id, c.duration_minutes,
                   r.competency_id, r.level_order
            FROM {contacts} c
            JOIN rules r ON r.procedure_code = ''
                 AND c.activity_type = r.activity_type
                 AND c.contact_date >= r.valid_from
                 AND (r.valid_to IS NULL OR c.contact_date <= r.valid_to)
            WHERE {contact_where}
            """
        # a contact two rules of one competency match must count once, at the higher level;
        # when no competency has two rules that cannot happen, and the extra pass is skipped
        if _overlapping_rules():
            needs = f"""
                SELECT contact_id, day, staff_id, team_id, minutes, competency_id,
                       MAX(level_order) AS level_order
                FROM ({matched}) m
                GROUP BY contact_id, day, staff_id, team_id, minutes, competency_id
            """
        else:
            needs = matched
        sql = f"""
            WITH rules AS MATERIALIZED ({RULES_SQL}),
            needs AS ({needs})
            INSERT INTO {table} (staff_id, team_id, competency_id, day, level_order,
                                 contacts, minutes)
            SELECT staff_id, team_id, competency_id, day, level_order, COUNT(*), SUM(minutes)
            FROM needs
            GROUP BY staff_id, team_id, competency_id, day, level_order{back}
        """
        attended = [Attendance.ATTENDED.value]
        # A day or two of a month whose partition was empty when last analysed looks like
        # one row to the planner, which then loops over the map for every contact (seconds
        # for a day's file): the map is small, so it is always hashed.
        # The map's rules are worked out once (MATERIALIZED: inlined, the planner guessed a
        # handful of matches and looped over the competencies for each of millions of them).
        narrow = pg
        if narrow:
            cursor.execute("SET LOCAL enable_nestloop = off")
        try:
            cursor.execute(sql, [*attended, *params] * (2 if by_type else 1))
            new = cursor.fetchall() if returning else []
            written = cursor.rowcount
        finally:
            if narrow:
                cursor.execute("SET LOCAL enable_nestloop = on")
        _refresh_weeks(cursor, team_ids, first, last)
        if pg and not del_where:
            # The whole roll-up was rewritten: without fresh statistics the planner reads it
            # as the empty or half-sized table it last sampled, and the skill-mix pages'
            # per-person reads turn from an index lookup into a scan of every row.
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(f"ANALYZE {PracticeWeek._meta.db_table}")
        return (old, new) if returning else written


def monday(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week: the key of its ``PracticeWeek`` rows."""
    return day - datetime.timedelta(days=day.weekday())


def week_of_sql(column: str) -> str:
    """SQL for the Monday of the week of a date column (ISO weeks begin on Monday)."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('week', {column}) AS date)"
    return f"date({column}, 'weekday 0', '-6 days')"  # the coming Sunday, less six days


def _refresh_weeks(cursor, team_ids, first, last) -> None:
    """Re-add up the weeks that hold the days ``first`` to ``last`` of these teams (``None``:
    every team, or no bound), from the daily rows just rebuilt."""
    weeks = PracticeWeek._meta.db_table
    first_week = monday(first) if first is not None else None
    last_week = monday(last) if last is not None else None
    where, params = _filters(team_ids, first_week, last_week, weeks, "week")
    if where:
        cursor.execute(f"DELETE FROM {weeks} WHERE {' AND '.join(where)}", params)
    else:
        cursor.execute(f"DELETE FROM {weeks}")
    last_day = last_week + datetime.timedelta(days=6) if last_week is not None else None
    where, params = _filters(team_ids, first_week, last_day, "p", "day")
    cursor.execute(
        f"""
        INSERT INTO {weeks} (team_id, competency_id, week, contacts, minutes)
        SELECT p.team_id, p.competency_id, {week_of_sql("p.day")}, SUM(p.contacts),
               SUM(p.minutes)
        FROM {PracticeDay._meta.db_table} p
        {"WHERE " + " AND ".join(where) if where else ""}
        GROUP BY p.team_id, p.competency_id, {week_of_sql("p.day")}
        """,
        params,
    )
