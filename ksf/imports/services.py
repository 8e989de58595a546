"""Staff import runs: start one, run it on the worker, record how it ended.

Starting keeps the upload in the database and queues ``ksf.tasks.run_staff_import``; the
``db_worker`` that picks it up imports the file all or nothing (``ksf.imports.staff``),
saving rows checked and rows written on the run as it goes, then the summary or the row and
column problems, and forgets the upload. A page reload, or another app server, reads the run.

While the import's transaction is open its progress is written through a second database
connection on PostgreSQL, so the run's page sees it at once. SQLite allows one writer at a
time, so there the page sees the checking, then the result.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.models import Q
from django.db.models.sql import UpdateQuery
from django.db.models.sql.constants import NO_RESULTS
from django.utils import timezone, translation

from ksf.imports.progress import Progress
from ksf.imports.staff import StaffImportResult, import_staff
from ksf.imports.tabular import ImportFailed, check_size
from ksf.models import StaffImportRun

logger = logging.getLogger(__name__)


def start_staff_import(
    data: bytes,
    filename: str,
    *,
    user: User | AnonymousUser | None,
    create_logins: bool,
    source: str = StaffImportRun.Source.ADMIN,
    enqueue: bool = True,
) -> StaffImportRun:
    """Record the upload as a run and queue it for the worker.

    A file too large or empty is refused here (ImportFailed), before it is stored.
    """
    check_size(data, filename)
    run = StaffImportRun.objects.create(
        filename=filename[-255:],
        upload=data,
        file_size=len(data),
        create_logins=create_logins,
        source=source,
        started_by=user if user is not None and user.is_authenticated else None,
        language=translation.get_language() or "",
    )
    if enqueue:
        from ksf.tasks import run_staff_import

        task = run_staff_import.enqueue(run.pk)  # with the ImmediateBackend it has run now
        StaffImportRun.objects.filter(pk=run.pk).update(task_id=str(task.id)[:64])
        run.refresh_from_db()
    return run


@dataclass
class RunOutcome:
    run: StaffImportRun
    result: StaffImportResult | None = None
    failure: ImportFailed | None = None


def execute_staff_import(
    run_id: int, *, watchers: Iterable[Callable[[Progress], None]] = ()
) -> RunOutcome:
    """Run a queued import once (a second call, or a second worker, finds it taken)."""
    now = timezone.now()
    claimed = StaffImportRun.objects.filter(pk=run_id, status=StaffImportRun.Status.QUEUED).update(
        status=StaffImportRun.Status.RUNNING, started_at=now, updated_at=now
    )
    run = StaffImportRun.objects.select_related("started_by").get(pk=run_id)
    if not claimed:
        return RunOutcome(run)
    saver = _RunSaver(run.pk)
    progress = Progress(watchers=[saver, *watchers])
    try:
        with translation.override(run.language or settings.LANGUAGE_CODE):
            result = import_staff(
                bytes(run.upload),
                run.filename,
                user=run.started_by,
                create_logins=run.create_logins,
                progress=progress,
                run=run,
            )
    except ImportFailed as failure:
        _finish(run, StaffImportRun.Status.FAILED, progress, failure=failure)
        return RunOutcome(run, failure=failure)
    except BaseException:
        _finish(run, StaffImportRun.Status.ERROR, progress)
        raise
    finally:
        saver.close()
    _finish(run, StaffImportRun.Status.DONE, progress, result=result)
    return RunOutcome(run, result=result)


def _finish(
    run: StaffImportRun,
    status: str,
    progress: Progress,
    *,
    result: StaffImportResult | None = None,
    failure: ImportFailed | None = None,
) -> None:
    now = timezone.now()
    values = {
        "status": status,
        "finished_at": now,
        "updated_at": now,
        "upload": b"",  # the file's personal data is not kept once it has been read
        "rows_total": progress.rows_total,
        "rows_checked": progress.rows_checked,
        "rows_to_write": progress.rows_to_write if result else 0,
        "rows_written": progress.rows_written if result else 0,
        "result": result.as_dict() if result else {},
        "problems": [
            {"row": e.row, "column": e.column, "message": e.message} for e in failure.shown
        ]
        if failure
        else [],
        "problem_count": len(failure.errors) if failure else 0,
    }
    StaffImportRun.objects.filter(pk=run.pk).update(**values)
    run.refresh_from_db()


class _RunSaver:
    """Saves a run's progress where other connections can read it."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.side = None
        # Inside someone else's transaction (a test, a caller's atomic block) nobody else
        # could see the progress anyway; PostgreSQL lets a second connection write it while
        # the import's transaction is open.
        if not connection.in_atomic_block and connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, progress: Progress) -> None:
        values = {
            "rows_total": progress.rows_total,
            "rows_checked": progress.rows_checked,
            "rows_to_write": progress.rows_to_write,
            "rows_written": progress.rows_written,
            "updated_at": timezone.now(),
        }
        if self.side is not None:
            try:
                query = UpdateQuery(StaffImportRun)
                query.add_update_values(values)
                query.add_q(Q(pk=self.pk))
                query.get_compiler(connection=self.side).execute_sql(NO_RESULTS)
            except DatabaseError:  # progress is a courtesy: never let it stop the import
                logger.exception("Could not save the progress of staff import run %s", self.pk)
                self.close()
        elif not connection.in_atomic_block:
            StaffImportRun.objects.filter(pk=self.pk).update(**values)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
