import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from fellowships.credentials.verify import verify


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return gettext(
            "Check an Open Badges 3.0 credential file: its schema, its signature and whether "
            "it was revoked. Exits 0 when it is valid."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(
                gettext("Could not read %(file)s: %(error)s")
                % {"file": file, "error": exc.strerror or exc}
            ) from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(
                gettext("%(file)s is not a JSON file: %(error)s") % {"file": file, "error": exc}
            ) from exc
        result = verify(document)
        if not result.valid:
            raise CommandError(
                gettext("not valid:") + "\n" + "\n".join(f"- {r}" for r in result.reasons)
            )
        subject = document["credentialSubject"]
        holder = (
            result.credential.enrolment.staff.full_name
            if result.credential
            else subject["identifier"][0]["identityHash"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                gettext("valid: %(holder)s holds %(achievement)s, issued by %(issuer)s")
                % {
                    "holder": holder,
                    "achievement": subject["achievement"]["name"],
                    "issuer": document["issuer"].get("name", document["issuer"]["id"]),
                }
            )
        )
