"""Importing an activity extract: streamed in, checked in SQL, upserted all or nothing.

1. The file's rows go into a temporary table of text columns: through ``COPY`` on PostgreSQL
   (the database parses the CSV), in batches elsewhere. Nothing is kept in memory.
2. The privacy guard (``privacy``) scans every column in one pass; a file with identifiable
   patient data is refused whole, before anything else, and nothing of it is kept or logged.
3. One statement turns the text into typed values, looks up staff numbers, team codes and the
   map's procedure codes, and marks each row's problems in a bit mask; the first rows with
   problems are listed by row and column, the rest counted.
4. In one transaction: records whose date was corrected lose their old copy, then an
   ``INSERT ... ON CONFLICT DO UPDATE`` writes new and changed rows and leaves unchanged ones
   alone, so importing the same file twice changes nothing.
5. The flags are recalculated for the teams and days the file touched.
"""

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.utils import timezone, translation
from django.utils.translation import gettext

from competencies.models import ActivityImportRun, ActivitySource
from ksf import dates
from ksf.imports.tabular import ImportFailed, RowError

from . import columns, partitions, privacy, problems
from .dialects import Dialect
from .reading import Extract, fail, open_extract

logger = logging.getLogger(__name__)

RAW = "activity_raw"
TYPED = "activity_typed"
VOCAB = "activity_vocab"
KEYS = "activity_keys"
DATES = "activity_dates"
# Below this many rows the planner's guesses do well enough, and statistics cost more than
# they save (a day's file is imported in a fraction of a second).
ANALYSE_FROM = 50_000
BATCH = 5000

# Contact columns written from the typed table, in order.
WRITTEN = [
    "source_id",
    "record_id",
    "contact_date",
    "staff_id",
    "team_id",
    "duration_minutes",
    "attendance",
    "mechanism",
    "activity_type",
    "procedure_scheme",
    "procedure_code",
    "condition_code",
    "patient_hash",
    "episode_hash",
    "outcome_measure",
    "outcome_before",
    "outcome_after",
    "run_id",
]
COMPARED = WRITTEN[3:-1]  # what makes a row "changed"


@dataclass
class Progress:
    """How far a run has got; watchers are told at most twice a second and at each phase."""

    total_bytes: int = 0
    bytes_read: int = 0
    rows_read: int = 0
    rows_valid: int = 0
    phase: str = ActivityImportRun.Phase.READING
    watchers: Sequence[Callable[["Progress"], None]] = ()
    started: float = field(default_factory=time.monotonic)
    _told: float = 0.0

    # Reading is most of the work; checking, writing and flagging share the rest.
    SHARES = {"reading": (0, 55), "checking": (55, 70), "writing": (70, 92), "flagging": (92, 99)}

    @property
    def percent(self) -> int:
        if self.phase == ActivityImportRun.Phase.DONE:
            return 100
        start, end = self.SHARES.get(self.phase, (0, 100))
        if self.phase == ActivityImportRun.Phase.READING and self.total_bytes:
            return (
                start + (end - start) * min(self.bytes_read, self.total_bytes) // self.total_bytes
            )
        return start

    @property
    def seconds_left(self) -> int | None:
        elapsed, done = time.monotonic() - self.started, self.percent
        if done < 2 or elapsed < 1:
            return None
        return 0 if done >= 100 else max(1, round(elapsed * (100 - done) / done))

    def move(self, phase: str) -> None:
        self.phase = phase
        self.tell(force=True)

    def tell(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._told < 0.5:
            return
        self._told = now
        for watcher in self.watchers:
            watcher(self)


@dataclass
class Outcome:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    first_date: datetime.date | None = None
    last_date: datetime.date | None = None
    team_ids: list[int] = field(default_factory=list)


class Refused(ImportFailed):
    """The file carries identifiable patient data."""


def import_file(
    path: Path,
    source: ActivitySource,
    *,
    user: User | AnonymousUser | None = None,
    filename: str | None = None,
    watchers: Iterable[Callable[[Progress], None]] = (),
    flag: bool = True,
) -> ActivityImportRun:
    """Import an extract now (the command line, the benchmark): a run records what happened."""
    run = ActivityImportRun.objects.create(
        source=source,
        filename=(filename or path.name)[-255:],
        file_size=path.stat().st_size,
        started_by=user if user is not None and user.is_authenticated else None,
        from_command=True,
        language=translation.get_language() or "",
    )
    return execute(run.pk, path=path, watchers=watchers, flag=flag)


def execute(
    run_id: int,
    *,
    path: Path | None = None,
    watchers: Iterable[Callable[[Progress], None]] = (),
    flag: bool = True,
) -> ActivityImportRun:
    """Run a queued import once (a second call, or a second worker, finds it taken)."""
    now = timezone.now()
    claimed = ActivityImportRun.objects.filter(
        pk=run_id, status=ActivityImportRun.Status.QUEUED
    ).update(status=ActivityImportRun.Status.RUNNING, started_at=now, updated_at=now)
    run = ActivityImportRun.objects.select_related("source").get(pk=run_id)
    if not claimed:
        return run
    path = path or Path(run.upload_path)
    saver = _RunSaver(run.pk)
    progress = Progress(total_bytes=run.file_size, watchers=[saver, *watchers])
    status, outcome, failure = ActivityImportRun.Status.ERROR, None, None
    try:
        with translation.override(run.language or settings.LANGUAGE_CODE):
            outcome = _import(path, run, progress)
            status = ActivityImportRun.Status.DONE
            if flag and outcome.team_ids:
                progress.move(ActivityImportRun.Phase.FLAGGING)
                _reflag(outcome)
    except Refused as refused:
        status, failure = ActivityImportRun.Status.REFUSED, refused
    except ImportFailed as problem:
        status, failure = ActivityImportRun.Status.FAILED, problem
    finally:
        saver.close()
        _finish(run, status, progress, outcome, failure)
        if run.upload_path:
            Path(run.upload_path).unlink(missing_ok=True)
    run.refresh_from_db()
    return run


def _reflag(outcome: Outcome) -> None:
    from competencies.activity.flags.recompute import recompute_days

    recompute_days(outcome.team_ids, outcome.first_date, outcome.last_date)


def _finish(
    run: ActivityImportRun,
    status: str,
    progress: Progress,
    outcome: Outcome | None,
    failure: ImportFailed | None,
) -> None:
    now = timezone.now()
    values = {
        "status": status,
        "phase": ActivityImportRun.Phase.DONE,
        "percent": 100,
        "seconds_left": 0,
        "finished_at": now,
        "updated_at": now,
        "upload_path": "",
        "bytes_read": progress.bytes_read,
        "rows_read": progress.rows_read,
        "rows_valid": progress.rows_valid,
        "problems": [
            {"row": e.row, "column": e.column, "message": e.message} for e in failure.shown
        ]
        if failure
        else [],
        "problem_count": len(failure.errors) if failure else 0,
    }
    if outcome and status == ActivityImportRun.Status.DONE:
        values |= {
            "added": outcome.added,
            "changed": outcome.changed,
            "unchanged": outcome.unchanged,
            "first_date": outcome.first_date,
            "last_date": outcome.last_date,
        }
    ActivityImportRun.objects.filter(pk=run.pk).update(**values)


class _RunSaver:
    """Saves a run's progress where the run's page can read it while the import works.

    PostgreSQL: through a second connection (the first is busy with COPY or the write
    transaction). SQLite: on the same connection, between batches, outside any transaction.
    """

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.side = None
        if not connection.in_atomic_block and connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, progress: Progress) -> None:
        values = {
            "phase": progress.phase,
            "bytes_read": progress.bytes_read,
            "rows_read": progress.rows_read,
            "rows_valid": progress.rows_valid,
            "percent": progress.percent,
            "seconds_left": progress.seconds_left,
            "updated_at": timezone.now(),
        }
        try:
            if self.side is not None:
                assignments = ", ".join(f"{name} = %s" for name in values)
                with self.side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {ActivityImportRun._meta.db_table} SET {assignments} "
                        "WHERE id = %s",
                        [*values.values(), self.pk],
                    )
            elif not connection.in_atomic_block:
                ActivityImportRun.objects.filter(pk=self.pk).update(**values)
        except DatabaseError:  # progress is a courtesy: never let it stop the import
            logger.exception("Could not save the progress of activity import run %s", self.pk)
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


# --- the import itself ---------------------------------------------------------------------


def _import(path: Path, run: ActivityImportRun, progress: Progress) -> Outcome:
    extract = open_extract(path, run.filename)
    positions = columns.locate(extract.headers, run.source.column_mapping or {})
    missing = [name for name in columns.REQUIRED if name not in positions]
    if missing:
        raise ImportFailed(
            run.filename,
            [
                RowError(
                    1,
                    (run.source.column_mapping or {}).get(name) or name,
                    gettext("This column is missing from the header row."),
                )
                for name in missing
            ],
        )
    dialect = Dialect(connection)
    dialect.install()
    width = len(extract.headers)
    with connection.cursor() as cursor:
        for table in (RAW, TYPED, VOCAB, KEYS, DATES):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        try:
            _load(cursor, dialect, extract, width, progress)
            if progress.rows_read > settings.ACTIVITY_IMPORT_MAX_ROWS:
                raise fail(
                    run.filename,
                    gettext(
                        "The file has %(count)s rows; the limit is %(limit)s. Split it by month."
                    )
                    % {
                        "count": f"{progress.rows_read:,}",
                        "limit": f"{settings.ACTIVITY_IMPORT_MAX_ROWS:,}",
                    },
                )
            if not progress.rows_read:
                raise fail(run.filename, gettext("The file has a header row but no activity."))
            progress.move(ActivityImportRun.Phase.CHECKING)
            found = privacy.scan(
                cursor, dialect, dialect.trimmed(RAW, width), extract.headers, positions
            )
            if found:
                raise Refused(run.filename, found)
            _vocabulary(cursor, run.source)
            _type(cursor, dialect, run, positions, width)
            if progress.rows_read > ANALYSE_FROM:
                dialect.analyse(cursor, TYPED)
            problems.check(cursor, TYPED, run.filename, extract.headers, positions)
            cursor.execute(f"SELECT count(*), min(contact_date), max(contact_date) FROM {TYPED}")
            progress.rows_valid, first, last = cursor.fetchone()
            first, last = _as_date(first), _as_date(last)
            progress.move(ActivityImportRun.Phase.WRITING)
            outcome = _write(cursor, dialect, run, first, last)
        finally:
            for table in (RAW, TYPED, VOCAB, KEYS, DATES):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            dialect.uninstall()
    return outcome


def _as_date(value: object) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _load(cursor, dialect: Dialect, extract: Extract, width: int, progress: Progress) -> None:
    names = [f"c{i}" for i in range(width)]
    if dialect.postgres:
        cursor.execute(
            f"CREATE TEMP TABLE {RAW} (rn bigint GENERATED ALWAYS AS IDENTITY, "
            + ", ".join(f"{n} text" for n in names)
            + ")"
        )
        _copy(cursor, extract, names, progress)
    else:
        cursor.execute(
            f"CREATE TEMP TABLE {RAW} (rn integer PRIMARY KEY, "
            + ", ".join(f"{n} text" for n in names)
            + ")"
        )
        _batches(cursor, extract, width, progress)
    cursor.execute(f"SELECT count(*) FROM {RAW}")
    progress.rows_read = cursor.fetchone()[0]
    if progress.rows_read > ANALYSE_FROM:
        dialect.analyse(cursor, RAW)
    progress.bytes_read = extract.size
    progress.tell(force=True)


def _copy(cursor, extract: Extract, names: list[str], progress: Progress) -> None:
    """Stream the file into the raw table with COPY; ragged rows come back as row problems."""
    target = f"COPY {RAW} ({', '.join(names)}) FROM STDIN"
    import psycopg

    psycopg_cursor = cursor.cursor
    try:
        with transaction.atomic():  # a refused COPY leaves the connection usable
            _copy_rows(psycopg_cursor, target, extract, names, progress)
    except (DatabaseError, psycopg.Error) as exc:
        raise _copy_problem(extract.filename, exc) from None


def _copy_rows(psycopg_cursor, target: str, extract: Extract, names, progress) -> None:
    if extract.kind == "csv":
        with psycopg_cursor.copy(target + " WITH (FORMAT csv)") as copy:
            for block in extract.text_blocks():
                copy.write(block)
                progress.bytes_read += len(block)
                progress.tell()
    else:
        width = len(names)
        with psycopg_cursor.copy(target) as copy:
            for number, row in enumerate(extract.rows(), start=1):
                if any(row):
                    copy.write_row((row + [""] * width)[:width])
                if number % BATCH == 0:
                    progress.bytes_read = extract.size * min(number, 10**6) // 10**6
                    progress.tell()


def _copy_problem(filename: str, exc: Exception) -> ImportFailed:
    """PostgreSQL's COPY says which line of the file it could not read."""
    import re

    diag = getattr(exc, "diag", None) or getattr(exc.__cause__, "diag", None)
    context = getattr(diag, "context", "") or ""
    line = re.search(r"line (\d+)", context)
    row = int(line.group(1)) + 1 if line else None  # COPY counts from the first data line
    detail = str(getattr(diag, "message_primary", "") or "")
    if "extra data" in detail or "missing data" in detail:
        message = gettext("This row has a different number of values from the header row.")
    elif "unterminated" in detail:
        message = gettext("A quoted value is not closed: check the quotation marks.")
    elif "encoding" in detail or "invalid byte" in detail:
        message = gettext("This row is not UTF-8 text: save the file as 'CSV UTF-8'.")
    else:
        message = gettext("This row could not be read as CSV.")
    return ImportFailed(filename, [RowError(row, None, message)])


def _batches(cursor, extract: Extract, width: int, progress: Progress) -> None:
    placeholders = ", ".join(["%s"] * (width + 1))
    statement = f"INSERT INTO {RAW} VALUES ({placeholders})"
    batch: list[list[object]] = []
    ragged: list[RowError] = []
    number = 1
    limit = settings.ACTIVITY_IMPORT_MAX_ROWS
    for number, row in enumerate(extract.rows(), start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width and len(ragged) < settings.IMPORT_MAX_REPORTED:
            ragged.append(
                RowError(
                    number,
                    None,
                    gettext("This row has a different number of values from the header row."),
                )
            )
        batch.append([number, *(row + [""] * width)[:width]])
        if len(batch) >= BATCH:
            cursor.executemany(statement, batch)
            batch = []
            progress.rows_read = number - 1
            progress.bytes_read = min(extract.size, extract.size * number // max(limit, 1) * 0)
            progress.tell()
        if number - 1 > limit:
            break
    if batch:
        cursor.executemany(statement, batch)
    if ragged:
        raise ImportFailed(extract.filename, ragged)


def _vocabulary(cursor, source: ActivitySource) -> None:
    """The words each coded column accepts, with the source's own attendance words."""
    cursor.execute(f"CREATE TEMP TABLE {VOCAB} (kind varchar(12), word text, value text)")
    attendance = dict(columns.ATTENDANCE)
    for word, meaning in (source.attendance_values or {}).items():
        meaning = columns.ATTENDANCE.get(str(meaning).strip().lower())
        if meaning:
            attendance[str(word).strip().lower()] = meaning
    rows = [("attendance", word, value) for word, value in attendance.items()]
    rows += [("mechanism", word, value) for word, value in columns.MECHANISM.items()]
    rows += [("type", word, value) for word, value in columns.ACTIVITY_TYPE.items()]
    rows += [("scheme", word, value) for word, value in columns.SCHEME.items()]
    cursor.executemany(f"INSERT INTO {VOCAB} VALUES (%s, %s, %s)", rows)


def _type(
    cursor, dialect: Dialect, run: ActivityImportRun, positions: dict[str, int], width: int
) -> None:
    """One pass: typed values, lookups and each row's problems as a bit mask."""
    from competencies.models import ActivityRequirement
    from ksf.models import StaffMember, Team

    def text(name: str) -> str:
        at = positions.get(name)
        return f"r.c{at}" if at is not None else "''"

    def number(name: str, pattern: str, kind: str) -> str:
        # PostgreSQL folds a constant cast while planning, so an absent column is NULL here.
        if name not in positions:
            return f"CAST(NULL AS {kind})"
        value = text(name)
        if pattern == columns.WHOLE_MINUTES:  # the common case, without a regex
            valid = f"length({value}) BETWEEN 1 AND 4 AND {dialect.only(value, '0-9')}"
        else:
            valid = f"{value} <> '' AND {dialect.matches(value, pattern)}"
        return f"CASE WHEN {valid} THEN CAST({value} AS {kind}) END"

    fn = dialect.fn
    code = text("procedure_code")
    scheme_given = text("procedure_scheme")
    scheme = (
        f"coalesce(vs.value, CASE WHEN {scheme_given} = '' AND "
        f"{code} <> '' AND {dialect.only(code, '0-9')} THEN 'snomed' "
        f"WHEN {scheme_given} = '' THEN 'local' END)"
    )
    keyed = [name for name in ("patient_key", "episode_id") if name in positions]
    if keyed:
        _pseudonyms(cursor, dialect, [positions[name] for name in keyed])

    def hashed(name: str, alias: str) -> tuple[str, str]:
        if name not in positions:
            return "''", ""
        return (
            f"coalesce({alias}.hash, '')",
            f"LEFT JOIN {KEYS} {alias} ON {alias}.value = {text(name)}",
        )

    # A file holds few distinct dates (one for a day's file, a year's worth for a million
    # rows): each is parsed once, and the rows look theirs up.
    cursor.execute(
        f"{dialect.temp_table(DATES)} AS SELECT value, {fn('activity_date')}(value, %s) AS day "
        f"FROM (SELECT DISTINCT trim(coalesce(c{positions['contact_date']}, '')) AS value "
        f"FROM {RAW}) u",
        [run.source.date_format],
    )
    patient, patient_join = hashed("patient_key", "kp")
    episode, episode_join = hashed("episode_id", "ke")
    score = columns.SCORE
    select = f"""
        SELECT r.rn + {1 if dialect.postgres else 0} AS rn,
          {text("source_id")} AS record_id,
          {text("contact_date")} AS date_text,
          kd.day AS contact_date,
          {text("staff_number")} AS staff_text, s.id AS staff_id,
          {text("team_code")} AS team_text, t.id AS team_id,
          {text("duration_minutes")} AS duration_text,
          {number("duration_minutes", columns.WHOLE_MINUTES, "integer")} AS duration_minutes,
          {text("attendance")} AS attendance_text, va.value AS attendance,
          {text("mechanism")} AS mechanism_text, coalesce(vm.value, '') AS mechanism,
          {text("activity_type")} AS type_text, coalesce(vt.value, '') AS activity_type,
          {scheme_given} AS scheme_text, {scheme} AS procedure_scheme,
          {code} AS procedure_code,
          {text("condition_code")} AS condition_code,
          {patient} AS patient_hash,
          {episode} AS episode_hash,
          {text("outcome_measure")} AS outcome_measure,
          {text("outcome_before")} AS before_text,
          {text("outcome_after")} AS after_text,
          {number("outcome_before", score, "numeric")} AS outcome_before,
          {number("outcome_after", score, "numeric")} AS outcome_after
        FROM {dialect.trimmed(RAW, width)} r
        LEFT JOIN {DATES} kd ON kd.value = {text("contact_date")}
        LEFT JOIN {StaffMember._meta.db_table} s ON s.staff_number = {text("staff_number")}
        LEFT JOIN {Team._meta.db_table} t ON t.code = {text("team_code")}
        LEFT JOIN {VOCAB} va ON va.kind = 'attendance' AND va.word = lower({text("attendance")})
        LEFT JOIN {VOCAB} vm ON vm.kind = 'mechanism' AND vm.word = lower({text("mechanism")})
        LEFT JOIN {VOCAB} vt ON vt.kind = 'type' AND vt.word = lower({text("activity_type")})
        LEFT JOIN {VOCAB} vs ON vs.kind = 'scheme' AND vs.word = lower({scheme_given})
        {patient_join} {episode_join}
        {"OFFSET 0" if dialect.postgres else "LIMIT -1 OFFSET 0"}
    """
    map_table = ActivityRequirement._meta.db_table
    # Every line of the map makes its code known, also a line that needs no competency
    # (everyday work): such codes are accepted, and the flags never see them.
    known = f"SELECT DISTINCT procedure_scheme, procedure_code FROM {map_table}"
    mask = problems.mask_sql(dialect)
    cursor.execute(
        f"{dialect.temp_table(TYPED)} AS SELECT x.*, {mask} AS mask FROM ({select}) x "
        f"LEFT JOIN ({known}) k ON k.procedure_scheme = x.procedure_scheme "
        "AND k.procedure_code = x.procedure_code",
        [dates.today()],
    )


def _pseudonyms(cursor, dialect: Dialect, at: list[int]) -> None:
    """Each distinct patient or episode key once, with its keyed hash: hashing is the dearest
    step of a row, and a patient's key comes back on each of their contacts."""
    from .pseudonyms import padded_keys

    inner, outer = padded_keys()
    distinct = " UNION ".join(f"SELECT trim(coalesce(c{i}, '')) AS value FROM {RAW}" for i in at)
    cursor.execute(
        f"{dialect.temp_table(KEYS)} AS SELECT value, {dialect.fn('activity_hash')}(value, %s, %s) "
        f"AS hash FROM ({distinct}) u WHERE value <> ''",
        [inner, outer],
    )
    cursor.execute(f"SELECT count(*) FROM {KEYS}")
    if cursor.fetchone()[0] > ANALYSE_FROM:
        dialect.analyse(cursor, KEYS)


def _write(
    cursor,
    dialect: Dialect,
    run: ActivityImportRun,
    first: datetime.date | None,
    last: datetime.date | None,
) -> Outcome:
    """Upsert the typed rows; count what was added, changed and left as it was."""
    from competencies.models import Contact

    table = Contact._meta.db_table
    source = run.source_id
    existing = (
        # Records are looked for within the file's own period, which keeps the search to
        # those months' partitions: a corrected file covers the period of what it corrects.
        f"(SELECT record_id, contact_date, {', '.join(COMPARED)} FROM {table} "
        "WHERE source_id = %s AND contact_date BETWEEN %s AND %s)"
    )
    same = " AND ".join(f"NOT {dialect.differs(f'e.{c}', f'n.{c}')}" for c in COMPARED)
    cursor.execute(
        f"SELECT count(e.record_id), "
        "sum(CASE WHEN e.contact_date <> n.contact_date THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN e.record_id IS NOT NULL AND e.contact_date = n.contact_date AND {same} "
        f"THEN 1 ELSE 0 END) FROM {TYPED} n LEFT JOIN {existing} e ON e.record_id = n.record_id",
        [source, first, last],
    )
    matched, moved, unchanged = (value or 0 for value in cursor.fetchone())
    cursor.execute(f"SELECT count(*) FROM {TYPED}")
    total = cursor.fetchone()[0]
    outcome = Outcome(
        added=total - matched,
        changed=matched - unchanged,
        unchanged=unchanged,
        first_date=first,
        last_date=last,
    )
    if first and last:
        partitions.ensure_partitions(first, last)
    values = ", ".join({"source_id": "%s", "run_id": "%s"}.get(c, f"n.{c}") for c in WRITTEN)
    changed_any = " OR ".join(dialect.differs(f"{table}.{c}", f"excluded.{c}") for c in COMPARED)
    with transaction.atomic():
        # A record whose contact date was corrected: its old copy goes (the key has the date).
        # Rare, so looked for only when the count above found one.
        if moved:
            cursor.execute(
                f"DELETE FROM {table} WHERE source_id = %s AND record_id IN ("
                f"SELECT n.record_id FROM {TYPED} n JOIN {table} c ON c.source_id = %s "
                "AND c.record_id = n.record_id AND c.contact_date <> n.contact_date "
                "AND c.contact_date BETWEEN %s AND %s) AND contact_date BETWEEN %s AND %s",
                [source, source, first, last, first, last],
            )
        insert = f"INSERT INTO {table} ({', '.join(WRITTEN)}) SELECT {values} FROM {TYPED} n"
        upsert = (
            f"{insert} {'WHERE true ' if not dialect.postgres else ''}"
            "ON CONFLICT (source_id, record_id, contact_date) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in [*COMPARED, "run_id"])
            + f" WHERE {changed_any}"
        )
        if matched:
            cursor.execute(upsert, [source, run.pk])
        else:
            # Nothing of the file is held yet (new activity, the usual case): a plain insert,
            # without probing the key for each row first; should another import have written
            # some of these records meanwhile, the unique key says so and the upsert runs.
            try:
                with transaction.atomic():
                    cursor.execute(insert, [source, run.pk])
            except IntegrityError:
                cursor.execute(upsert, [source, run.pk])
    cursor.execute(f"SELECT DISTINCT team_id FROM {TYPED}")
    outcome.team_ids = sorted(row[0] for row in cursor.fetchall())
    return outcome
