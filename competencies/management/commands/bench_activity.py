"""``python manage.py bench_activity``: the activity benchmark (see competencies.activity.bench)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from competencies.activity.bench import Scale, in_throwaway_database, run


class Command(BaseCommand):
    help = (
        "Build a synthetic board at scale in a throwaway database (PostgreSQL when DATABASE_URL "
        "says so, else SQLite in a temporary file), then time the activity import against a "
        "plain COPY, the flag recompute against pandas, and one more day's import."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, default=3_000_000, help="contacts in all")
        parser.add_argument("--staff", type=int, default=5_000, help="staff (teams of 15)")
        parser.add_argument("--competencies", type=int, default=600)
        parser.add_argument(
            "--extract", type=int, default=1_000_000, help="rows of the extract imported in (a)"
        )
        parser.add_argument("--day", type=int, default=8_000, help="rows of one more day, (c)")
        parser.add_argument(
            "--history",
            type=int,
            default=None,
            help="measure only one more day, with this many contacts of history",
        )
        parser.add_argument("--seed", type=int, default=12)
        parser.add_argument(
            "--keep", action="store_true", help="keep the throwaway database afterwards"
        )
        parser.add_argument(
            "--here",
            action="store_true",
            help="use the configured database itself (the smoke test's test database)",
        )

    def handle(self, *args, **o):
        settings.DEBUG = False  # no query log growing through millions of rows
        for name in ("contacts", "staff", "competencies", "day"):
            if o[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if o["history"] is not None and o["history"] < 0:
            raise CommandError("--history must not be negative.")
        months = 12
        if o["history"] is not None:
            # The same activity a year as the default scale, over as many months as it takes.
            months = max(12, round(12 * o["history"] / o["contacts"]))
        scale = Scale(
            months=months,
            staff=o["staff"],
            competencies=o["competencies"],
            contacts=o["history"] if o["history"] is not None else o["contacts"],
            extract=min(o["extract"], o["contacts"]),
            day=o["day"],
            seed=o["seed"],
            history_only=o["history"] is not None,
        )

        def say(line: str) -> None:
            self.stdout.write(line)

        if o["here"]:
            run(scale, say)
        else:
            in_throwaway_database(lambda: run(scale, say), keep=o["keep"], out=say)
