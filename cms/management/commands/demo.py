from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext


class Command(BaseCommand):
    help = "Set up the database, load the demo health board and serve it at http://127.0.0.1:8000"

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not serve.")

    def handle(self, *args, addrport: str, no_serve: bool, **options):
        self.stdout.write(gettext("Setting up the database…"))
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                + gettext("Open http://%(address)s/ and sign in with a demo login.")
                % {"address": addrport}
            )
        )
        self.stdout.write(
            gettext("The admin is at http://%(address)s/admin/ (sign in as admin).")
            % {"address": addrport}
            + "\n"
        )
        if not no_serve:
            call_command("runserver", addrport, use_reloader=False)
