"""The skill-mix benchmark: the pages and workbook at scale M, with server time and queries.

``python manage.py bench_skillmix`` builds the activity benchmark's synthetic board (5,000
staff in teams of 15, 600 competencies, a year of contacts; PostgreSQL when ``DATABASE_URL``
says so) in a throwaway database, recomputes its flags, then reshapes it so one team has 10
people, one has 200 and one service has 50 teams, and measures, signed in as an
administrator through the test client (the full request: middleware, view, template):

- the team skill matrix for the team of 10 and the team of 200;
- the service view for the service of 50 teams (and for a service of 2 teams);
- a team's projection page, and a projection for the whole service (the engine alone);
- a what-if recomputation (a saved scenario's page: one person leaves, one joins, demand
  up 10%);
- the service board workbook, built as the background task builds it.

Each is run once untimed, then five times, and the median is printed with its query count;
the closing lines compare the small and large cases (query counts must match) and the goals
(pages under 200 ms, a what-if under 1 s, the service workbook under 10 s).
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

RUNS = 5


def _measure(fn: Callable[[], object]) -> tuple[float, int]:
    """Median seconds over RUNS after one untimed run (a server that has answered once: its
    templates compiled, the database's pages in memory), and the queries of the last run."""
    times = []
    queries = 0
    fn()
    for _ in range(RUNS):
        connection.queries_log.clear()  # it keeps 9,000 queries; a count needs room
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(times), queries


def _page(client, url: str) -> Callable[[], object]:
    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    return get


def _reshape(board, today: datetime.date) -> tuple[int, int, int, int]:
    """A team of 10, a team of 200, a service of 50 teams and one of 2; their ids."""
    from ksf.models import PostAssignment, Service, Team

    current = PostAssignment.objects.current(today)
    teams = list(Team.objects.order_by("pk").values_list("pk", flat=True))
    small, large = teams[0], teams[1]
    extra = list(current.filter(team_id=small).order_by("pk").values_list("pk", flat=True))[10:]
    PostAssignment.objects.filter(pk__in=extra).update(team_id=teams[2])
    have = current.filter(team_id=large).count()
    movers = list(
        current.exclude(team_id__in=[small, large])
        .order_by("team_id", "pk")
        .values_list("pk", flat=True)[: max(0, 200 - have)]
    )
    PostAssignment.objects.filter(pk__in=movers).update(team_id=large)
    first = Team.objects.get(pk=small).service
    wide = Service.objects.create(
        organisation=first.organisation, name="Bench service of 50", code="BENCH-S50"
    )
    narrow = Service.objects.create(
        organisation=first.organisation, name="Bench service of 2", code="BENCH-S2"
    )
    Team.objects.filter(pk__in=teams[: min(50, len(teams) - 2)]).update(service=wide)
    Team.objects.filter(pk__in=teams[-2:]).update(service=narrow)
    return small, large, wide.pk, narrow.pk


def _reference_data(today: datetime.date) -> None:
    """Funded posts (one more WTE than filled in each team) and band costs."""
    from django.db.models import Sum

    from ksf.models import BandCost, Establishment, PostAssignment

    filled = (
        PostAssignment.objects.current(today).values("team_id", "post_id").annotate(wte=Sum("wte"))
    )
    Establishment.objects.bulk_create(
        [
            Establishment(team_id=r["team_id"], post_id=r["post_id"], funded_wte=r["wte"] + 1)
            for r in filled
        ],
        batch_size=2000,
    )
    BandCost.objects.get_or_create(band="6", defaults={"hourly_cost": Decimal("31.50")})


def _scenario(team_id: int, user, today: datetime.date):
    """One person leaves, one joins with three of the team's competencies, demand up 10%."""
    from competencies.models import Attainment
    from fellowships.skillmix import scenarios
    from ksf.models import PostAssignment, Team

    team = Team.objects.get(pk=team_id)
    leaver = PostAssignment.objects.current(today).filter(team=team).order_by("pk").first()
    held = list(
        Attainment.objects.filter(staff_id=leaver.staff_id)
        .values_list("competency_id", flat=True)
        .distinct()[:3]
    )
    scenario = scenarios.create(user, team, name="Bench what-if")
    scenarios.add_change(user, scenario, kind="remove", staff=leaver.staff, today=today)
    scenarios.add_change(
        user,
        scenario,
        kind="add",
        band="6",
        wte=Decimal("1.00"),
        competencies=held,
        today=today,
    )
    scenarios.add_change(user, scenario, kind="demand", percent=Decimal("10"), today=today)
    return scenario


def run(scale, out: Callable[[str], None] = print) -> dict[str, float]:
    """Build, reshape, measure; print the figures and the closing comparison."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from competencies.activity.bench import build_board, contacts, history_in_sql, load_history
    from competencies.activity.flags import practice
    from competencies.activity.flags.recompute import recompute_all
    from competencies.activity.partitions import ensure_partitions
    from exports.skillmix import service_workbook
    from fellowships.skillmix import coverage, projection
    from fellowships.skillmix.scenarios import plan_of, what_if
    from ksf import dates
    from ksf.models import Service, Team

    today = dates.today()
    out(
        f"Skill-mix benchmark on {connection.vendor}: {scale.staff:,} staff, "
        f"{scale.competencies} competencies, {scale.contacts:,} contacts"
    )
    started = time.perf_counter()
    board = build_board(scale, today, out)
    ensure_partitions(board.first, today)
    last = today - datetime.timedelta(days=1)
    if connection.vendor == "postgresql":
        loaded = history_in_sql(board, scale.contacts, last)
    else:
        rng = random.Random(scale.seed)  # noqa: S311 - synthetic data
        rows = contacts(board, scale.contacts, "H", rng, board.first, last)
        loaded = load_history(board, rows, None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out(f"  board and {loaded:,} contacts built in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    small, large, wide, narrow = _reshape(board, today)
    _reference_data(today)
    practice.rebuild()
    found = recompute_all(today)
    out(
        f"  reshaped (teams of 10 and 200, services of 50 and 2 teams), flags recomputed "
        f"({sum(v for v in found.values() if isinstance(v, int)):,} active) in "
        f"{time.perf_counter() - started:.1f} s"
    )

    admin = get_user_model().objects.create_superuser("bench-admin", "bench@example.nhs.uk", "x")
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"]
    client = Client(SERVER_NAME=(hosts or ["localhost"])[0])
    client.force_login(admin)
    figures: dict[str, tuple[float, int]] = {}

    def say(label: str, fn: Callable[[], object]) -> None:
        seconds, queries = _measure(fn)
        figures[label] = (seconds, queries)
        out(f"  {label:<44} {seconds * 1000:8.0f} ms  {queries:4d} queries")

    out(f"pages (median of {RUNS} after a warm-up, the whole request)")
    say("team skill matrix, team of 10", _page(client, reverse("skillmix:matrix", args=[small])))
    say("team skill matrix, team of 200", _page(client, reverse("skillmix:matrix", args=[large])))
    say("service view, 2 teams", _page(client, reverse("skillmix:service", args=[narrow])))
    say("service view, 50 teams", _page(client, reverse("skillmix:service", args=[wide])))
    say("projection page, team of 10", _page(client, reverse("scenarios:projection", args=[small])))
    say(
        "projection page, team of 200", _page(client, reverse("scenarios:projection", args=[large]))
    )
    service_teams = list(Team.objects.filter(service_id=wide).order_by("name"))
    ids = [t.pk for t in service_teams]
    say(
        "projection, service of 50 teams (engine)",
        lambda: projection.project(coverage.baseline(ids, today)),
    )

    out("what-if")
    scenario = _scenario(large, admin, today)
    url = reverse("scenarios:scenario", args=[large, scenario.pk])
    say("what-if page, team of 200", _page(client, url))

    def recompute() -> object:
        base, demand = what_if(coverage.baseline([large], today), plan_of(scenario))
        return projection.project(base, demand_changes=demand)

    say("what-if recomputation, team of 200 (engine)", recompute)

    out("workbook")
    service = Service.objects.get(pk=wide)
    say("service board workbook, 50 teams", lambda: service_workbook(service, service_teams, today))

    page_keys = [
        k
        for k in figures
        if ("page" in k or "matrix" in k or "service view" in k) and "what-if" not in k
    ]
    slowest = max(figures[k][0] for k in page_keys)
    same_matrix = (
        figures["team skill matrix, team of 10"][1] == figures["team skill matrix, team of 200"][1]
    )
    same_service = figures["service view, 2 teams"][1] == figures["service view, 50 teams"][1]
    out(
        f"queries, matrix 10 vs 200 people: {figures['team skill matrix, team of 10'][1]} vs "
        f"{figures['team skill matrix, team of 200'][1]} ({'same' if same_matrix else 'DIFFER'})"
    )
    out(
        f"queries, service view 2 vs 50 teams: {figures['service view, 2 teams'][1]} vs "
        f"{figures['service view, 50 teams'][1]} ({'same' if same_service else 'DIFFER'})"
    )
    out(f"slowest page: {slowest * 1000:.0f} ms (goal under 200 ms)")
    out(
        f"what-if: {figures['what-if page, team of 200'][0]:.2f} s (goal under 1 s); "
        f"service workbook: {figures['service board workbook, 50 teams'][0]:.2f} s "
        "(goal under 10 s)"
    )
    return {k: v[0] for k, v in figures.items()}
