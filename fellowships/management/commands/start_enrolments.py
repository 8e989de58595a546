from django.core.management.base import BaseCommand
from django.utils.translation import gettext, ngettext

from fellowships.enrolments.services import start_due
from fellowships.tasks import schedule_daily_start


class Command(BaseCommand):
    help = (
        "Make approved fellowship enrolments whose start date has come active (run daily, or "
        "once with --schedule to let the task worker do it every morning)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule: bool, **options):
        if schedule:
            queued = schedule_daily_start()
            self.stdout.write(
                gettext("Queued the daily start of enrolments.")
                if queued
                else gettext("The daily start of enrolments is already queued.")
            )
            return
        started = start_due()
        self.stdout.write(
            ngettext("%(n)d enrolment started.", "%(n)d enrolments started.", started)
            % {"n": started}
        )
