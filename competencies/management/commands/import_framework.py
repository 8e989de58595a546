from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from competencies.interchange.detect import import_framework
from ksf.imports.tabular import ImportFailed


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, not gettext_lazy: argparse needs a real str for the description.
        return gettext(
            "Import a competency framework from a Moodle CSV or a CASE JSON package, as a draft."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=["moodle", "case"], help=gettext("Default: detect.")
        )

    def handle(self, *args, file: Path, format: str | None, **options):
        if not file.is_file():
            raise CommandError(gettext("%(file)s: no such file.") % {"file": file})
        try:
            framework = import_framework(file.read_bytes(), file.name, fmt=format)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        count = framework.competencies.count()
        # The English says "competencies" whatever the count; other languages may inflect.
        text = ngettext(
            "Imported %(framework)s (%(idnumber)s) with %(count)d competencies as a draft.",
            "Imported %(framework)s (%(idnumber)s) with %(count)d competencies as a draft.",
            count,
        )
        self.stdout.write(
            self.style.SUCCESS(
                text % {"framework": framework, "idnumber": framework.idnumber, "count": count}
            )
        )
