import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from fellowships.models import Credential


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return gettext(
            "Write the Open Badges 3.0 credential of a person's completed enrolment on a "
            "programme (by staff number and programme code) to a JSON file, as issued."
        )

    def add_arguments(self, parser):
        parser.add_argument("staff_number", help=gettext("The fellow's staff number"))
        parser.add_argument("programme_code", help=gettext("The programme's code, e.g. MSK-POCUS"))
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, staff_number: str, programme_code: str, output: Path, **options):
        credential = (
            Credential.objects.filter(
                enrolment__staff__staff_number=staff_number,
                enrolment__programme__code=programme_code,
                enrolment__status="completed",
            )
            .select_related("enrolment__staff", "enrolment__programme")
            .order_by("-enrolment__completed_on", "-issued_at")
            .first()
        )
        if credential is None:
            raise CommandError(
                gettext(
                    "No credential for staff number %(staff)s on programme %(code)s: "
                    "either nobody has that staff number, they have not completed that "
                    "programme, or their credential has not been issued yet."
                )
                % {"staff": staff_number, "code": programme_code}
            )
        try:
            output.write_text(
                json.dumps(credential.document, indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
        except OSError as exc:
            raise CommandError(
                gettext("Could not write %(output)s: %(error)s")
                % {"output": output, "error": exc.strerror or exc}
            ) from exc
        note = gettext(" It was revoked.") if credential.is_revoked else ""
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Wrote the credential of %(person)s for %(programme)s to %(output)s.")
                % {
                    "person": credential.enrolment.staff.full_name,
                    "programme": credential.enrolment.programme.title,
                    "output": output,
                }
                + note
            )
        )
