"""The funnel plot page: an inline SVG drawn on the server, the same figures in a table, and
small numbers left out (and said to be)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from competencies.models import FlagSettings
from ksf import dates
from tests.activity import flag_samples as s
from tests.conftest import login
from tests.factories import AssignmentFactory, StaffMemberFactory

MEASURE = "MSK-HQ"


def scored(world, person, n: int, base: int) -> None:
    today = dates.today()
    days = [today - datetime.timedelta(days=3 + i) for i in range(n)]
    changes = [Decimal(base + (2 if i % 2 else -2)) for i in range(n)]
    s.contacts(person, world.team, days, measure=MEASURE, changes=changes)


@pytest.fixture
def outcomes(world):
    people = [world.clinician]
    for i in range(4):
        person = StaffMemberFactory(first_name=f"Pat{i}", last_name="Physio")
        AssignmentFactory(staff=person, team=world.team, post=world.post)
        people.append(person)
    for i, person in enumerate(people):
        scored(world, person, 12, 8 + i)
    low = StaffMemberFactory(first_name="Few", last_name="Episodes")
    AssignmentFactory(staff=low, team=world.team, post=world.post)
    scored(world, low, 3, 2)
    return people


def test_funnel_plot_is_an_accessible_inline_svg_with_a_table(client, world, outcomes):
    login(client, world.manager.user)
    response = client.get(reverse("flags:team_funnel", args=[world.team.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A flag is a prompt to look, not a finding about a person" in page
    svg = re.search(r"<svg class=\"flags-funnel__svg\"[^>]*>", page).group(0)
    assert 'role="img"' in svg and "funnel-title funnel-desc" in svg
    assert '<title id="funnel-title">' in page and '<desc id="funnel-desc">' in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]
    assert "http" not in svg  # nothing drawn from another host
    chart = response.context["chart"]
    assert len(chart.points) == 5
    assert set(chart.curves) == {"lo998", "lo95", "hi95", "hi998"}
    # the table carries the same figures: clinician, episodes, mean change, z, band
    for header in ("Clinician", "Episodes", "Mean change", "z", "Band"):
        assert f">{header}</th>" in page
    assert "Cara Clinician" in page
    cara = next(p for p in chart.points if p.label == "Cara Clinician")
    assert cara.n == 12 and cara.mean_text == "8.0"


def test_funnel_leaves_out_and_says_how_many_have_too_few_episodes(client, world, outcomes):
    login(client, world.manager.user)
    response = client.get(reverse("flags:team_funnel", args=[world.team.pk]))
    page = response.content.decode()
    assert "Few Episodes" not in page
    minimum = max(FlagSettings.load().minimum_episodes, FlagSettings.load().suppress_below)
    assert f"1 clinician with fewer than {minimum} episodes is not shown" in page


def test_funnel_without_scores_says_what_would_make_it_appear(client, world):
    login(client, world.manager.user)
    page = client.get(reverse("flags:team_funnel", args=[world.team.pk])).content.decode()
    assert "No outcome scores are recorded for these teams yet." in page
    assert '<svg class="flags-funnel__svg"' not in page


def test_service_funnel_for_the_service_lead(client, world, outcomes):
    login(client, world.users["service_lead"])
    response = client.get(
        reverse("flags:service_funnel", args=[world.team.service_id]), {"measure": MEASURE}
    )
    assert response.status_code == 200
    assert len(response.context["chart"].points) == 5
    # an unknown measure falls back to one that is recorded, never an error
    response = client.get(
        reverse("flags:service_funnel", args=[world.team.service_id]), {"measure": "nope"}
    )
    assert response.status_code == 200 and response.context["measure"] == MEASURE
