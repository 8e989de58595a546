from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from competencies.interchange.detect import export_framework
from competencies.models import Framework


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, not gettext_lazy: argparse needs a real str for the description.
        return gettext(
            "Export a framework (by ID number; the newest version unless --framework-version) "
            "to Moodle CSV or CASE JSON."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "framework",
            help=gettext("The framework's ID number, e.g. RPS-PRESCRIBING, or NHS-KSF"),
        )
        parser.add_argument("--format", choices=["moodle", "case"], required=True)
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--framework-version", dest="fw_version")

    def handle(
        self, *args, framework: str, format: str, output: Path, fw_version: str | None, **options
    ):
        if framework == "NHS-KSF":
            if format != "case":
                raise CommandError(
                    gettext("The KSF is exported as CASE JSON only: use --format case.")
                )
            import json

            from competencies.interchange.ksf_case import export_ksf_case_package

            package = export_ksf_case_package(base_url=settings.WAGTAILADMIN_BASE_URL)
            output.write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
            self.stdout.write(
                self.style.SUCCESS(gettext("Wrote the KSF to %(output)s.") % {"output": output})
            )
            return
        versions = Framework.objects.filter(idnumber=framework)
        if fw_version:
            versions = versions.filter(version=fw_version)
        chosen = versions.order_by("-live", "-pk").first()
        if chosen is None:
            raise CommandError(
                gettext("No framework with ID number '%(idnumber)s'.") % {"idnumber": framework}
            )
        try:
            content, _, _ = export_framework(
                chosen, format, base_url=settings.WAGTAILADMIN_BASE_URL
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        output.write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Wrote %(framework)s to %(output)s (%(size)d bytes).")
                % {"framework": chosen, "output": output, "size": len(content)}
            )
        )
