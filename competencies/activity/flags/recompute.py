"""Persist what ``compute`` found against the stored flags, in bulk, in one transaction.

A flag's ``key`` (kind, team, person, competency, detail, measure or requirement) identifies
it across recomputes. Within the scope recomputed (the kinds, and the teams or all):

- found and not stored: a new flag, open, with a RAISED event;
- found and stored: figures, counts and last seen are updated and it is active again (a flag
  whose cause had cleared gets a RAISED event); a RESOLVED flag reopens (OPEN, REOPENED
  event) when its cause is present again with contacts after it was resolved (for kinds
  without contacts: when its cause had cleared and came back);
- stored, active and not found: inactive, with a CLEARED event; its status is kept.

``recompute_all`` rebuilds the practice roll-up and recomputes every kind for every team (the
nightly job); ``recompute_days`` rebuilds the roll-up for the teams and days an import
touched and recomputes the activity kinds for those teams only, so its cost follows the size
of those teams, not the size of the history. On PostgreSQL recomputes take a transaction-level
advisory lock so a nightly run and an import's re-flagging never interleave.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from dateutil.relativedelta import relativedelta
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from competencies.activity.flags import practice
from competencies.activity.flags.compute import (
    Found,
    compute,
    context,
    demand_of,
    name_figures,
    team_flags,
    unverified_flags,
    unverified_pairs,
)
from competencies.models import Flag, FlagEvent
from ksf import dates

MAX_PAIRS = 5000  # (person, competency) pairs recomputed one by one before a team-wide pass
LOCK_ID = 81_120_012  # any constant shared by every recompute
CONTACT_KINDS = {Flag.Kind.UNVERIFIED_PRACTICE, Flag.Kind.OUTCOME_OUTLIER}
UPDATED_FIELDS = [
    "figures",
    "contact_count",
    "first_seen",
    "last_seen",
    "active",
    "status",
    "computed_at",
    "staff",
    "competency",
]


def _lock() -> None:
    """One recompute at a time (PostgreSQL), without JIT (see ``practice.no_jit``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
        practice.no_jit()


PG_CASTS = {
    "figures": "jsonb",
    "first_seen": "date",
    "last_seen": "date",
    "computed_at": "timestamptz",
    "staff": "bigint",
    "competency": "bigint",
    "contact_count": "integer",
    "active": "boolean",
    "status": "varchar",
}


def _update(flags: Sequence[Flag | _Stored], names: list[str], batch: int = 1000) -> None:
    """``UPDATE ... FROM (VALUES ...)`` in batches: ``bulk_update``'s CASE per field and row
    costs seconds for a few thousand flags; this is one join per batch on both backends."""
    fields = [Flag._meta.get_field(n) for n in names]
    pg = connection.vendor == "postgresql"
    table = Flag._meta.db_table
    columns = [f.column for f in fields]
    if pg:
        # One array a column, unnested: a handful of parameters however many flags, where a
        # VALUES list costs its thousands of placeholders to convert, send and plan.
        arrays = [[flag.pk for flag in flags]]
        for f in fields:
            values = [f.get_db_prep_save(getattr(flag, f.attname), connection) for flag in flags]
            if PG_CASTS[f.name] == "jsonb":
                values = [getattr(v, "obj", v) for v in values]
                values = [
                    None if v is None else json.dumps(v, cls=DjangoJSONEncoder) for v in values
                ]
            arrays.append(values)
        types = ["bigint", *("text" if PG_CASTS[n] == "jsonb" else PG_CASTS[n] for n in names)]
        unnest = ", ".join(f"%s::{t}[]" for t in types)
        sets = ", ".join(
            f'"{c}" = v."{c}"' + ("::jsonb" if PG_CASTS[n] == "jsonb" else "")
            for c, n in zip(columns, names, strict=True)
        )
        alias = ", ".join(["id", *[f'"{c}"' for c in columns]])
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" SET {sets} FROM unnest({unnest}) AS v({alias}) '
                f'WHERE "{table}".id = v.id',
                arrays,
            )
        return
    cells = [f"%s::{PG_CASTS[n]}" if pg else "%s" for n in names]
    row = "(%s, " + ", ".join(cells) + ")"
    sets = ", ".join(f'"{c}" = v."{c}"' for c in columns)
    alias = ", ".join(["id", *[f'"{c}"' for c in columns]])
    with connection.cursor() as cursor:
        for start in range(0, len(flags), batch):
            chunk = flags[start : start + batch]
            params: list = []
            for flag in chunk:
                params.append(flag.pk)
                params.extend(
                    f.get_db_prep_save(getattr(flag, f.attname), connection) for f in fields
                )
            rows = ", ".join([row] * len(chunk))
            if pg:
                source = f"(VALUES {rows}) AS v({alias})"
            else:  # SQLite names a VALUES list's columns column1, column2...
                named = ", ".join(f'column{i + 1} AS "{c}"' for i, c in enumerate(["id", *columns]))
                source = f"(SELECT {named} FROM (VALUES {rows})) AS v"
            cursor.execute(
                f'UPDATE "{table}" SET {sets} FROM {source} WHERE "{table}".id = v.id',
                params,
            )


class _Stored:
    """A stored flag as ``persist`` needs it: a tuple's worth of attributes, not a model
    instance (building thousands of those costs more than the queries around them)."""

    FIELDS = (
        "pk",
        "key",
        "kind",
        "active",
        "status",
        "status_at",
        "last_seen",
        "first_seen",
        "staff_id",
        "team_id",
        "competency_id",
        "figures",
        "contact_count",
    )
    __slots__ = (*FIELDS, "computed_at")

    @classmethod
    def of(cls, row: tuple) -> _Stored:
        stored = cls()
        for name, value in zip(cls.FIELDS, row, strict=True):
            setattr(stored, name, value)
        stored.computed_at = None
        return stored


def _state(flag: Flag | _Stored) -> tuple:
    """What a recompute may change, to skip writing flags it left as they were."""
    return (
        flag.figures,
        flag.contact_count,
        flag.first_seen,
        flag.last_seen,
        flag.active,
        flag.status,
        flag.staff_id,
        flag.competency_id,
    )


def persist(
    found: list[Found],
    kinds: Sequence[str],
    team_ids: Sequence[int] | None,
    *,
    within: Q | None = None,
    only: Callable[[Flag], bool] | None = None,
) -> dict[str, int]:
    """Bring the stored flags of this scope in line with ``found``; active counts per kind.

    The scope is the kinds and teams (``None``: all), narrowed by ``within`` (a filter) and
    ``only`` (a test of each stored flag), for a recompute that looked at less than that.
    """
    now = timezone.now()
    stored_qs = Flag.objects.filter(kind__in=list(kinds))
    if team_ids is not None:
        stored_qs = stored_qs.filter(team_id__in=list(team_ids))
    if within is not None:
        stored_qs = stored_qs.filter(within)
    stored = {
        f.key: f
        for f in map(_Stored.of, stored_qs.values_list(*_Stored.FIELDS))
        if only is None or only(f)
    }
    by_key: dict[str, Found] = {}
    for f in found:
        by_key.setdefault(f.key, f)
    new: list[Flag] = []
    changed: list[_Stored] = []
    unchanged: list[int] = []
    events: list[FlagEvent] = []
    for key, f in by_key.items():
        flag = stored.get(key)
        if flag is None:
            new.append(
                Flag(
                    kind=f.kind,
                    key=key,
                    staff_id=f.staff_id,
                    team_id=f.team_id,
                    competency_id=f.competency_id,
                    detail=f.detail,
                    figures=f.figures,
                    contact_count=f.contact_count,
                    first_seen=f.first_seen,
                    last_seen=f.last_seen,
                    active=True,
                    status=Flag.Status.OPEN,
                    computed_at=now,
                )
            )
            continue
        was_active = flag.active
        before = _state(flag)
        reopen = False
        if flag.status == Flag.Status.RESOLVED:
            if f.kind in CONTACT_KINDS:
                resolved_on = timezone.localtime(flag.status_at).date() if flag.status_at else None
                reopen = bool(f.last_seen and (resolved_on is None or f.last_seen > resolved_on))
            else:
                reopen = not was_active
        flag.staff_id = f.staff_id
        flag.competency_id = f.competency_id
        flag.figures = f.figures
        flag.contact_count = f.contact_count
        if f.kind in CONTACT_KINDS or flag.first_seen is None:
            flag.first_seen = f.first_seen
        flag.last_seen = f.last_seen
        flag.active = True
        flag.computed_at = now
        if reopen:
            flag.status = Flag.Status.OPEN
            events.append(FlagEvent(flag_id=flag.pk, action=FlagEvent.Action.REOPENED))
        elif not was_active:
            events.append(FlagEvent(flag_id=flag.pk, action=FlagEvent.Action.RAISED))
        if _state(flag) != before:
            changed.append(flag)
        else:
            unchanged.append(flag.pk)
    cleared: list[_Stored] = []
    for key, flag in stored.items():
        if key not in by_key and flag.active:
            flag.active = False
            flag.computed_at = now
            cleared.append(flag)
            events.append(FlagEvent(flag_id=flag.pk, action=FlagEvent.Action.CLEARED))
    if new:
        created = Flag.objects.bulk_create(new, batch_size=1000)
        if any(f.pk is None for f in created):  # a backend that returns no ids
            ids = dict(
                Flag.objects.filter(key__in=[f.key for f in created]).values_list("key", "pk")
            )
            for f in created:
                f.pk = ids[f.key]
        events.extend(FlagEvent(flag=f, action=FlagEvent.Action.RAISED) for f in created)
    if changed:
        _update(changed, UPDATED_FIELDS)
    if unchanged and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Flag._meta.db_table} SET computed_at = %s WHERE id = ANY(%s::bigint[])",
                [now, unchanged],
            )
    else:
        for start in range(0, len(unchanged), 5000):
            Flag.objects.filter(pk__in=unchanged[start : start + 5000]).update(computed_at=now)
    if cleared:
        _update(cleared, ["active", "computed_at"])
    if events:
        FlagEvent.objects.bulk_create(events, batch_size=1000)
    counts = Counter(f.kind for f in by_key.values())
    return {str(kind): counts.get(kind, 0) for kind in kinds}


def recompute_all(today: datetime.date | None = None) -> dict[str, int]:
    """Rebuild the practice roll-up and every flag for every team; active flags per kind."""
    today = today or dates.today()
    kinds = list(Flag.Kind.values)
    with transaction.atomic():
        _lock()
        practice.rebuild()
        found = compute(None, today, kinds)
        return persist(found, kinds, None)


def recompute_days(
    team_ids: Iterable[int] | None,
    first: datetime.date,
    last: datetime.date,
    today: datetime.date | None = None,
) -> dict[str, int]:
    """After an import: the roll-up for these teams' days, then what those days can change.

    ``team_ids``: the teams whose contacts the import wrote (``None``: every team, e.g. when
    contacts may have moved between teams). Only what the touched rows can change is
    recomputed, so the cost follows the size of the import, not of the history:

    - practice without a valid sign-off: the (person, competency) pairs with such practice
      in those days (before or after the change) or an active flag there, each over its
      whole history (read through the roll-up's (staff, competency, day) index);
    - capacity gaps and single points of failure: the (team, competency) pairs those days
      touched, when the days fall in the window;
    - skill decay: a flag of a person and competency practised in those days clears once
      the practice is within the lapse months.

    Expiry warnings, outcome outliers (a 12-month statistic) and post requirement gaps
    (which do not read activity) are left to the nightly ``recompute_all``.
    Returns, per kind recomputed, how many active flags the touched pairs account for, and
    ``decay_cleared``: how many decay flags the new practice cleared.
    """
    today = today or dates.today()
    teams = None if team_ids is None else sorted(set(team_ids))
    unverified = Flag.Kind.UNVERIFIED_PRACTICE
    team_kinds = [Flag.Kind.CAPACITY_GAP, Flag.Kind.SINGLE_POINT]
    counts = {str(k): 0 for k in (unverified, *team_kinds)}
    if teams == []:
        return counts
    with transaction.atomic():
        _lock()
        ctx = context(teams, today)
        # practice without a sign-off in those days, before and after the roll-up changes;
        # the rows the rebuild removed and wrote are what the days changed
        pairs = unverified_pairs(ctx, first, last)
        old, new = practice.rebuild(teams, first, last, returning=True)
        pairs |= unverified_pairs(ctx, first, last)
        touched = {(r[0], r[1], r[2], _day(r[3])) for r in (*old, *new)}
        # and an active flag of a pair those days touched (its sign-off may have come since)
        staff_pairs = {(s, c) for s, _t, c, _d in touched} - pairs
        if staff_pairs:
            active = Flag.objects.filter(kind=unverified, active=True)
            if teams is not None:
                active = active.filter(team_id__in=teams)
            active = active.filter(staff_id__in={s for s, _ in staff_pairs})
            pairs |= {
                p for p in active.values_list("staff_id", "competency_id") if p in staff_pairs
            }
        if len(pairs) > MAX_PAIRS:  # many days at once: the teams' whole history is cheaper
            found = unverified_flags(ctx)
            name_figures(found)
            counts.update(persist(found, [unverified], teams))
        elif pairs:
            found = unverified_flags(ctx, pairs)
            name_figures(found)
            counts.update(
                persist(
                    found,
                    [unverified],
                    teams,
                    within=Q(
                        staff_id__in={s for s, _ in pairs},
                        competency_id__in={c for _, c in pairs},
                    ),
                    only=lambda flag: (flag.staff_id, flag.competency_id) in pairs,
                )
            )
        # capacity and single points: the touched (team, competency) pairs in the window
        team_pairs = {(t, c) for _s, t, c, _d in touched}
        if team_pairs and last >= ctx.window_first and first <= today:
            scoped = replace(ctx, team_ids=sorted({t for t, _ in team_pairs}))
            found = team_flags(scoped, demand_of(scoped, team_pairs))
            name_figures(found)
            counts.update(
                persist(
                    found,
                    team_kinds,
                    scoped.team_ids,
                    within=Q(competency_id__in={c for _, c in team_pairs}),
                    only=lambda flag: (flag.team_id, flag.competency_id) in team_pairs,
                )
            )
        # decay: only practice the days now hold can clear it
        counts["decay_cleared"] = _clear_decay(ctx, {(r[0], r[1], r[2], _day(r[3])) for r in new})
    return counts


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _clear_decay(ctx, touched: set) -> int:
    """Clear decay flags of people who practised in the touched days within the lapse months."""
    latest: dict[tuple[int, int], datetime.date] = {}
    for staff_id, _team, competency_id, day in touched:
        key = (staff_id, competency_id)
        latest[key] = max(latest.get(key, day), day)
    flags = Flag.objects.filter(
        kind=Flag.Kind.SKILL_DECAY,
        detail="decay",
        active=True,
        staff_id__in={s for s, _ in latest},
    ).only("pk", "staff_id", "competency_id", "active", "computed_at")
    now = timezone.now()
    cleared = []
    for flag in flags:
        day = latest.get((flag.staff_id, flag.competency_id))
        months = ctx.lapse.get(flag.competency_id, ctx.settings.lapse_months)
        if day and day >= ctx.today - relativedelta(months=months):
            flag.active = False
            flag.computed_at = now
            cleared.append(flag)
    if cleared:
        _update(cleared, ["active", "computed_at"])
        FlagEvent.objects.bulk_create(
            [FlagEvent(flag=f, action=FlagEvent.Action.CLEARED) for f in cleared]
        )
    return len(cleared)
