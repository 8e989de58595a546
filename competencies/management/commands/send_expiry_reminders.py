from django.core.management.base import BaseCommand

from competencies.portfolio.reminders import send_expiry_reminders


class Command(BaseCommand):
    help = (
        "Remind people whose sign-offs expire in 90, 30 or 7 days (portal and email). "
        "Run daily from a scheduler, or use --schedule to let the task worker run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the daily reminder task for the database worker instead of sending now.",
        )

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            from competencies.tasks import schedule_daily_reminders

            queued = schedule_daily_reminders()
            self.stdout.write("Daily reminders queued." if queued else "Already queued.")
            return
        sent = send_expiry_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
