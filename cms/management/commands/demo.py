import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
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
            self.serve(addrport)

    def serve(self, addrport: str) -> None:
        """runserver with the demo profile (no debug pages; links use this address), and a
        background worker beside it for the work the admin queues (staff imports)."""
        env = dict(os.environ)
        if env.get("DJANGO_SETTINGS_MODULE", "cms.settings.dev") == "cms.settings.dev":
            env["DJANGO_SETTINGS_MODULE"] = "cms.settings.demo"
        env["WAGTAILADMIN_BASE_URL"] = f"http://{addrport}"
        env["DEMO_ALLOWED_HOSTS"] = addrport.rsplit(":", 1)[0] if ":" in addrport else addrport
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        worker = subprocess.Popen([sys.executable, manage, "db_worker"], env=env)  # noqa: S603
        try:
            subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
                [sys.executable, manage, "runserver", addrport, "--noreload"], env=env, check=False
            )
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            worker.wait(timeout=10)
