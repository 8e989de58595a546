from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.interchange.detect import import_framework
from ksf.imports.tabular import ImportFailed


class Command(BaseCommand):
    help = "Import a competency framework from a Moodle CSV or a CASE JSON package, as a draft."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["moodle", "case"], help="Default: detect.")

    def handle(self, *args, file: Path, format: str | None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            framework = import_framework(file.read_bytes(), file.name, fmt=format)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        count = framework.competencies.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {framework} ({framework.idnumber}) with {count} competencies as a draft."
            )
        )
