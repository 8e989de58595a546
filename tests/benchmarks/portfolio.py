"""Portfolio benchmark: red/amber/green status, a manager's team page and the workbooks.

Run: python -m tests.benchmarks.portfolio [--team 60]
Builds the demo health board in a throwaway test database (SQLite by default, PostgreSQL when
DATABASE_URL is set), grows one team to --team people with sign-offs, and prints timings and
query counts. Asserts nothing.
"""

import argparse
import time

from ksf import dates
from tests.benchmarks import in_test_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--team", type=int, default=60)
    args = parser.parse_args()
    in_test_database(lambda: run(args.team))


def timed(label: str, func, repeat: int = 3):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = func()
            elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<58} {best * 1000:8.1f} ms {len(queries):5d} queries")
    return result, best, len(queries)


def run(team_size: int) -> None:
    import datetime
    from decimal import Decimal

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from competencies.development.engine import development_statuses
    from competencies.models import Attainment, PostRequirement
    from exports.plan import build_plan, build_team_plans
    from exports.workbooks import plan_workbook, team_workbook
    from ksf.grants import sync_structure_permissions
    from ksf.models import PostAssignment, StaffMember

    call_command("ensure_platform_data", verbosity=0)
    call_command("seed_demo", verbosity=0)
    ffion = StaffMember.objects.get(user__username="clinician")
    gareth = StaffMember.objects.get(user__username="manager")
    mine = PostAssignment.objects.current().get(staff=ffion)
    team, post = mine.team, mine.post
    requirement = PostRequirement.objects.filter(post=post).select_related("competency").first()
    current = StaffMember.objects.filter(assignments__team=team).distinct().count()
    today = dates.today()
    for i in range(max(0, team_size - current)):
        person = StaffMember.objects.create(
            staff_number=f"9{i:07d}",
            first_name="Bench",
            last_name=f"Person {i}",
            profession=ffion.profession,
            band="5",
        )
        PostAssignment.objects.create(
            staff=person,
            post=post,
            team=team,
            wte=Decimal("1.00"),
            start_date=today - datetime.timedelta(days=400),
            line_manager=gareth,
        )
        if i % 2 == 0:
            Attainment.objects.create(
                staff=person,
                competency=requirement.competency,
                value=requirement.competency.framework.scale_values.filter(proficient=True).first(),
                status=Attainment.Status.VERIFIED,
                assessor=gareth,
                verified_on=today,
                decided_at=timezone.now(),
            )
    sync_structure_permissions()
    members = StaffMember.objects.filter(assignments__team=team).distinct()
    everyone = list(StaffMember.objects.all())
    print(f"Team of {members.count()} people; board of {len(everyone)} staff.")

    timed("RAG status, one person", lambda: development_statuses([ffion]))
    _, board_time, board_q = timed(
        f"RAG status, all {len(everyone)} staff", lambda: development_statuses(everyone)
    )
    client = Client()
    client.force_login(gareth.user)
    timed("Manager's home page (GET /)", lambda: client.get("/"))
    timed("Team development page", lambda: client.get(f"/portal/teams/{team.pk}/development/"))
    timed("My development page (clinician)", lambda: _as(ffion, "/portal/me/development/"))
    plan, _, _ = timed("Development plan data, one person", lambda: build_plan(ffion))
    timed("Development plan workbook, one person", lambda: plan_workbook(plan))
    team_plans, _, _ = timed("Team plans data", lambda: build_team_plans(team))
    timed("Team plans workbook", lambda: team_workbook(team_plans))
    print(
        f"Per person across the board: {board_time / len(everyone) * 1000:.2f} ms; "
        f"queries for the whole board: {board_q}."
    )


def _as(person, url):
    from django.test import Client

    client = Client()
    client.force_login(person.user)
    return client.get(url, follow=True)


if __name__ == "__main__":
    main()
