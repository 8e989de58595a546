from django.core.management.base import BaseCommand
from django.utils.translation import gettext, ngettext

from competencies.portfolio.reminders import send_expiry_reminders


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, not gettext_lazy: argparse needs a real str for the description.
        return gettext(
            "Remind people whose sign-offs expire in 90, 30 or 7 days (portal and email). "
            "Run daily from a scheduler, or use --schedule to let the task worker run it daily."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help=gettext(
                "Queue the daily reminder task for the database worker instead of sending now."
            ),
        )

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            from competencies.tasks import schedule_daily_reminders

            queued = schedule_daily_reminders()
            self.stdout.write(
                gettext("Daily reminders queued.") if queued else gettext("Already queued.")
            )
            return
        sent = send_expiry_reminders()
        # The English says "reminder(s)" whatever the number; other languages may inflect.
        self.stdout.write(
            ngettext("%(count)d reminder(s) sent.", "%(count)d reminder(s) sent.", sent)
            % {"count": sent}
        )
