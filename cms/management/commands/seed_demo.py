from django.core.management.base import BaseCommand
from django.db import transaction

from competencies.demo import add_demo_portfolio, add_demo_requirements
from ksf.demo import DEMO_PASSWORD, build_demo, demo_exists


class Command(BaseCommand):
    help = (
        "Build the deterministic demo health board, load the shipped frameworks, make the demo "
        "posts require them, and print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed: int, **options):
        if demo_exists():
            self.stdout.write("The demo health board is already loaded.")
            self.print_logins()
            return
        with transaction.atomic():
            summary = build_demo(seed=seed)
            requirements = add_demo_requirements()
            portfolio = add_demo_portfolio()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo health board: {summary.sites} sites, {summary.services} services, "
                f"{summary.teams} teams, {summary.posts} posts, {summary.staff} staff; "
                f"{requirements} competency requirements from 3 shipped frameworks; "
                f"{portfolio['cpd']} CPD entries, {portfolio['signoffs']} sign-offs and "
                f"{portfolio['reviews']} development reviews."
            )
        )
        self.print_logins()

    def print_logins(self) -> None:
        from ksf.demo import DEMO_LOGINS

        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, (username, _first, _last) in DEMO_LOGINS.items():
            self.stdout.write(f"  {role.label:<14} {username}")
