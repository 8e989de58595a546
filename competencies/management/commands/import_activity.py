"""Import a caseload activity extract (CSV or XLSX) from the command line."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from competencies.activity.importer import Progress, import_file
from competencies.models import ActivityImportRun, ActivitySource


class Bar:
    """A one-line progress bar on stderr: rows read, rows valid, per cent, time left."""

    WIDTH = 30

    def __init__(self, stream) -> None:
        self.stream = stream

    def __call__(self, progress: Progress) -> None:
        filled = self.WIDTH * progress.percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        left = progress.seconds_left
        tail = f", about {left}s left" if left else ""
        self.stream.write(
            f"\r[{bar}] {progress.percent:3d}% {progress.phase}: {progress.rows_read:,} rows read, "
            f"{progress.rows_valid:,} valid{tail}   "
        )
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import an activity extract, all or nothing: new and changed contacts are written, "
        "unchanged ones left alone, then the flags are recalculated for the days it covers. "
        "The run is listed on the activity imports page."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source",
            default="",
            help="The code of the activity source whose column mapping to use "
            "(default: the only source, or the one with code 'default').",
        )
        parser.add_argument("--no-flags", action="store_true", help="Do not recalculate flags.")
        parser.add_argument("--quiet-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, file: Path, source: str, no_flags: bool, quiet_progress: bool, **o):
        if not file.is_file():
            raise CommandError(gettext("%(file)s is not a file.") % {"file": file})
        chosen = self._source(source)
        watchers = [] if quiet_progress else [Bar(sys.stderr)]
        run = import_file(file, chosen, watchers=watchers, flag=not no_flags)
        if not quiet_progress:
            sys.stderr.write("\n")
        if run.status != ActivityImportRun.Status.DONE:
            lines = [f"{run.filename}: {run.get_status_display()}"]
            for problem in run.problems:
                where = ", ".join(
                    part
                    for part in (
                        f"row {problem['row']}" if problem.get("row") else "",
                        f"column '{problem['column']}'" if problem.get("column") else "",
                    )
                    if part
                )
                lines.append(
                    f"  {where}: {problem['message']}" if where else f"  {problem['message']}"
                )
            if run.problem_count > len(run.problems):
                lines.append(f"  … and {run.problem_count - len(run.problems):,} more problems.")
            raise CommandError("\n".join(lines))
        self.stdout.write(
            gettext("%(file)s: %(added)s added, %(changed)s changed, %(unchanged)s unchanged.")
            % {
                "file": run.filename,
                "added": f"{run.added:,}",
                "changed": f"{run.changed:,}",
                "unchanged": f"{run.unchanged:,}",
            }
        )

    def _source(self, code: str) -> ActivitySource:
        if code:
            found = ActivitySource.objects.filter(code=code).first()
            if not found:
                known = ", ".join(ActivitySource.objects.values_list("code", flat=True)) or "none"
                raise CommandError(
                    gettext("There is no activity source '%(code)s' (known: %(known)s).")
                    % {"code": code, "known": known}
                )
            return found
        sources = list(ActivitySource.objects.all()[:2])
        if len(sources) == 1:
            return sources[0]
        default = ActivitySource.objects.filter(code="default").first()
        if default:
            return default
        if not sources:
            return ActivitySource.objects.create(name="Default", code="default")
        raise CommandError(gettext("Say which source the file comes from with --source CODE."))
