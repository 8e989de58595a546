"""The flag pages read in a fixed number of queries, however many flags, teams or contacts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.models import Flag
from ksf import dates
from tests.activity import flag_samples as s
from tests.conftest import login
from tests.factories import AssignmentFactory, StaffMemberFactory, TeamFactory


def grow(world, sample, *, teams: int, people: int, contacts: int) -> None:
    """More teams in the service, more people with flags, more contacts behind Cara's flag."""
    kinds = [k for k, _ in Flag.Kind.choices]
    today = dates.today()
    for t in range(teams):
        team = TeamFactory(service=world.team.service, name=f"Extra team {t}")
        for p in range(people):
            person = StaffMemberFactory(first_name=f"P{t}", last_name=f"Extra{p}")
            AssignmentFactory(staff=person, team=team, post=world.post, line_manager=world.manager)
            s.flag(
                team=team,
                staff=person,
                competency=sample.competency,
                kind=kinds[p % len(kinds)],
                figures={"contacts": 2, "work": ["Injection"]},
            )
            s.flag(team=world.team, staff=person, competency=sample.competency)
    s.contacts(
        world.clinician,
        world.team,
        [today - datetime.timedelta(days=1 + i % 25) for i in range(contacts)],
    )


def count(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def urls(world, sample) -> dict[str, tuple[str, dict]]:
    return {
        "team": (reverse("flags:team", args=[world.team.pk]), {}),
        "team filtered": (reverse("flags:team", args=[world.team.pk]), {"kind": "unverified"}),
        "overview": (reverse("flags:overview"), {}),
        "overview filtered": (reverse("flags:overview"), {"status": "open", "kind": "capacity"}),
        "person": (reverse("flags:person", args=[world.clinician.staff_number]), {}),
        "detail": (reverse("flags:detail", args=[sample.cara_flag.pk]), {}),
        "detail page 2": (reverse("flags:detail", args=[sample.cara_flag.pk]), {"page": 2}),
        "workbook": (reverse("flags:workbook"), {}),
        "team workbook": (reverse("flags:team_workbook", args=[world.team.pk]), {}),
    }


@pytest.mark.parametrize("role", ["manager", "service_lead"])
def test_query_counts_do_not_grow_with_flags_teams_or_contacts(client, world, role):
    sample = s.sample(world)
    login(client, world.user(role))
    grow(world, sample, teams=1, people=1, contacts=1)
    small = {name: count(client, url, **p) for name, (url, p) in urls(world, sample).items()}
    grow(world, sample, teams=4, people=6, contacts=120)
    large = {name: count(client, url, **p) for name, (url, p) in urls(world, sample).items()}
    assert Flag.objects.count() > 50
    assert large == small


def test_my_flags_page_does_not_grow_with_my_flags(client, world):
    sample = s.sample(world)
    login(client, world.clinician.user)
    small = count(client, reverse("flags:mine"))
    for _ in range(30):
        s.flag(team=world.team, staff=world.clinician, competency=sample.competency)
    assert count(client, reverse("flags:mine")) == small
