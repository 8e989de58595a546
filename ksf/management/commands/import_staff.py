import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ksf.imports.progress import DONE, WRITING, Progress
from ksf.imports.services import execute_staff_import, start_staff_import
from ksf.imports.tabular import ImportFailed
from ksf.models import StaffImportRun


class ProgressBar:
    """Rows checked, then rows written, with a percentage and the time left, on one line of
    stderr that is rewritten in place (on a terminal; elsewhere one line per update)."""

    WIDTH = 30

    def __init__(self, stream) -> None:
        self.stream = stream
        self.shown = False
        self.in_place = getattr(stream, "isatty", lambda: False)()

    def __call__(self, progress: Progress) -> None:
        filled = self.WIDTH * progress.percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        if progress.phase in (WRITING, DONE):
            step = f"{progress.rows_written:,}/{progress.rows_to_write:,} changed rows written"
        else:
            step = f"{progress.rows_checked:,}/{progress.rows_total:,} rows checked"
        left = progress.seconds_left
        tail = f", about {left} s left" if left else ""
        line = f"[{bar}] {progress.percent:3d}% {step}{tail}"
        if self.in_place:
            self.stream.write("\r" + line.ljust(90))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.shown = True

    def end(self) -> None:
        if self.shown and self.in_place:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import staff from an HR/ESR-style CSV or XLSX file (all rows or none), showing "
        "progress on stderr. The run is listed in the admin under Import staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--no-logins", action="store_true", help="Do not create logins for new people."
        )
        parser.add_argument(
            "--quiet-progress", action="store_true", help="Do not show the progress bar."
        )

    def handle(self, *args, file: Path, no_logins: bool, quiet_progress: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        stream = getattr(self.stderr, "_out", sys.stderr)
        bar = ProgressBar(stream)
        try:
            run = start_staff_import(
                file.read_bytes(),
                file.name,
                user=None,
                create_logins=not no_logins,
                source=StaffImportRun.Source.COMMAND,
                enqueue=False,
            )
            outcome = execute_staff_import(run.pk, watchers=[] if quiet_progress else [bar])
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.end()
        if outcome.failure is not None:
            raise CommandError(str(outcome.failure))
        assert outcome.result is not None
        self.stdout.write(self.style.SUCCESS(f"{file.name}: {outcome.result.summary()}"))
