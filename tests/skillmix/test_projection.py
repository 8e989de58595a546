"""The 24-month projection: expiries (renewed at the usual rate), fellows finishing on their
forecast dates, assignments ending, growth in demand, and months on fixed dates."""

import datetime
from decimal import Decimal

import pytest
from wagtail import hooks

from competencies.activity.flags.practice import rebuild
from competencies.development.registry import FUTURE_ATTAINMENTS_HOOK, FutureAttainment
from competencies.models import Attainment
from fellowships.skillmix import coverage
from fellowships.skillmix.projection import month_days, project
from ksf import dates
from tests.activity.flags_world import TODAY, Board, day

pytestmark = pytest.mark.django_db


def _team_with_work(b: Board, minutes=30, contacts=200):
    """A year of work needing C1 in MSK North (about 1.9 hours a week)."""
    worker = b.person("Wyn", "Worker", wte="0.10")
    b.contacts(worker, [-(i % 360) - 1 for i in range(contacts)], minutes=minutes)
    rebuild()
    return worker


def _month_index(p, on: datetime.date) -> int:
    return next(i for i, d in enumerate(p.months) if d >= on)


def test_months_are_today_then_the_first_of_each_month(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 3, 15))
    days = month_days(dates.today())
    assert len(days) == 24
    assert days[:3] == [
        datetime.date(2026, 3, 15),
        datetime.date(2026, 4, 1),
        datetime.date(2026, 5, 1),
    ]
    assert days[-1] == datetime.date(2028, 2, 1)


def test_an_expiring_sign_off_counts_at_the_usual_renewal_rate_after_it_expires():
    b = Board()
    _team_with_work(b)
    ffion = b.person("Ffion", "Parry", wte="1.00")
    b.sign_off(ffion, expires=70)
    base = coverage.baseline([b.team.pk], TODAY)
    assert base.renewal_rate == coverage.DEFAULT_RENEWAL_RATE  # too little history
    p = project(base)
    line = p.line(b.team.pk, b.c1.pk)
    assert line.points[0].competent == Decimal("1.00")
    after = _month_index(p, day(70))
    assert all(x.competent == Decimal("1.00") for x in line.points[:after])
    assert all(x.competent == Decimal("0.80") for x in line.points[after:])
    # with no renewal at all, she no longer counts, and the month is called out
    strict = project(base, renewal=Decimal(0)).line(b.team.pk, b.c1.pk)
    assert strict.points[after].competent == Decimal("0.00")
    assert strict.first_below.on == p.months[after]


def test_the_renewal_rate_is_read_from_history():
    b = Board()
    people = [b.person(f"H{i}", "History") for i in range(10)]
    for i, person in enumerate(people):
        b.sign_off(person, on=-900, expires=-400)
        if i < 7:  # seven of ten renewed within 90 days of expiry
            b.sign_off(person, on=-380)
    base = coverage.baseline([b.team.pk], TODAY)
    assert base.renewal_from_history
    assert base.renewal_rate == Decimal("0.70")


def test_a_fellow_counts_from_their_forecast_completion():
    b = Board()
    _team_with_work(b)
    fellow = b.person("Fern", "Fellow", wte="0.60")
    finish = day(200)

    def source(staff_ids, today):
        return [FutureAttainment(fellow.pk, b.c1.pk, finish, "fellowship:test")]

    with hooks.register_temporarily(FUTURE_ATTAINMENTS_HOOK, lambda: source):
        base = coverage.baseline([b.team.pk], TODAY)
    p = project(base)
    line = p.line(b.team.pk, b.c1.pk)
    at = _month_index(p, finish)
    assert line.points[at - 1].competent == Decimal("0.00")
    assert line.points[at].competent == Decimal("0.60")
    assert line.first_below.on == p.months[0]  # below until then


def test_known_end_dates_of_assignments_pass():
    b = Board()
    _team_with_work(b)
    leaver = b.person("Lowri", "Leaver", wte="0.50", end=100)
    b.sign_off(leaver)
    stayer = b.person("Siân", "Stayer", wte="0.40")
    b.sign_off(stayer)
    p = project(coverage.baseline([b.team.pk], TODAY))
    line = p.line(b.team.pk, b.c1.pk)
    gone = _month_index(p, day(101))
    assert line.points[gone - 1].competent == Decimal("0.90")
    assert line.points[gone].competent == Decimal("0.40")


def test_growth_in_demand_is_pro_rata_by_month():
    b = Board()
    _team_with_work(b)
    base = coverage.baseline([b.team.pk], TODAY)
    flat = project(base).line(b.team.pk, b.c1.pk)
    grown = project(base, growth=Decimal("50")).line(b.team.pk, b.c1.pk)
    assert grown.points[0].demand == flat.points[0].demand
    assert abs(grown.points[12].demand - flat.points[0].demand * Decimal("1.5")) <= Decimal("0.01")
    assert grown.points[12].demand > flat.points[12].demand


def test_a_sign_off_below_the_level_or_unverified_does_not_count():
    b = Board()
    _team_with_work(b)
    novice = b.person("Nia", "Novice")
    b.sign_off(novice, value=b.novice)
    claimant = b.person("Cai", "Claim")
    Attainment.objects.create(
        staff=claimant, competency=b.c1, value=b.competent, status=Attainment.Status.REQUESTED
    )
    p = project(coverage.baseline([b.team.pk], TODAY))
    assert p.line(b.team.pk, b.c1.pk).points[0].competent == Decimal("0.00")


def test_the_projection_page_calls_out_the_first_month_below(client, monkeypatch):
    b = Board()
    _team_with_work(b)
    manager = b.person("Mona", "Manager")
    from tests.factories import UserFactory

    user = UserFactory()
    manager.user = user
    manager.save()
    b.team.lead = manager
    b.team.save()
    client.force_login(user)
    response = client.get(f"/portal/skill-mix/plan/teams/{b.team.pk}/projection/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Falls below the threshold" in text
    assert "Month by month" in text and "<svg" in text
    assert TODAY.strftime("%b %Y") in text


def test_the_planning_pages_read_the_same_number_of_queries_for_2_or_20_people(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    b = Board()
    _team_with_work(b)
    lead = b.person("Mona", "Manager")
    lead.user = UserFactory()
    lead.save()
    b.team.lead = lead
    b.team.save()
    client.force_login(lead.user)
    urls = [
        f"/portal/skill-mix/plan/teams/{b.team.pk}/projection/",
        f"/portal/skill-mix/plan/teams/{b.team.pk}/train-next/",
    ]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    counts()  # the first request warms the settings caches
    small = counts()
    for i in range(18):
        s = b.person(f"P{i}", "More", wte="0.5")
        b.sign_off(s, expires=100 + i)
    assert counts() == small
