import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from competencies.models import Flag
from ksf import dates


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, not gettext_lazy: argparse needs a real str for the description.
        return gettext(
            "Recompute the skill-gap flags: all of them (as the nightly job does), or with "
            "--days N only what activity in the last N days changes. Use --schedule to let "
            "the task worker recompute every night."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help=gettext("Only the activity flags, for contacts of the last N days."),
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help=gettext("Queue the nightly recompute for the database worker instead."),
        )

    def handle(self, *args, days: int | None = None, schedule: bool = False, **options):
        if schedule:
            from competencies.tasks import schedule_nightly_flags

            queued = schedule_nightly_flags()
            self.stdout.write(
                gettext("Nightly recompute queued.") if queued else gettext("Already queued.")
            )
            return
        from competencies.activity.flags.recompute import recompute_all, recompute_days

        if days is not None:
            if days < 1 or days > 3660:
                raise CommandError(gettext("--days must be a number from 1 to 3660."))
            today = dates.today()
            counts = recompute_days(None, today - datetime.timedelta(days=days - 1), today, today)
        else:
            counts = recompute_all()
        labels = dict(Flag.Kind.choices)
        for kind, count in counts.items():
            self.stdout.write(f"{labels.get(kind, kind)}: {count}")
