from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ksf.imports.staff import import_staff
from ksf.imports.tabular import ImportFailed


class Command(BaseCommand):
    help = "Import staff from an HR/ESR-style CSV or XLSX file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--no-logins", action="store_true", help="Do not create logins for new people."
        )

    def handle(self, *args, file: Path, no_logins: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            result = import_staff(file.read_bytes(), file.name, create_logins=not no_logins)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{file.name}: {result.summary()}"))
