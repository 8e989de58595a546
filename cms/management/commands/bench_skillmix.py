from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms import skillmix_bench
from competencies.activity.bench import Scale, in_throwaway_database


class Command(BaseCommand):
    help = (
        "Build a synthetic board at scale M in a throwaway database and time the skill-mix "
        "pages, a what-if and the service workbook, with their query counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=5_000, help="staff (teams of 15)")
        parser.add_argument("--competencies", type=int, default=600)
        parser.add_argument("--contacts", type=int, default=3_000_000, help="a year of contacts")
        parser.add_argument("--seed", type=int, default=12)
        parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
        parser.add_argument(
            "--here",
            action="store_true",
            help="use the configured database itself (the smoke test's test database)",
        )

    def handle(self, *args, staff, competencies, contacts, seed, keep, here, **options):
        if staff < 60:
            raise CommandError("--staff must be at least 60 (four teams of 15).")
        if competencies < 1 or contacts < 1:
            raise CommandError("--competencies and --contacts must be at least 1.")
        settings.DEBUG = False
        scale = Scale(staff=staff, competencies=competencies, contacts=contacts, seed=seed)
        if here:
            skillmix_bench.run(scale, self.stdout.write)
        else:
            in_throwaway_database(
                lambda: skillmix_bench.run(scale, self.stdout.write),
                keep=keep,
                out=self.stdout.write,
            )
