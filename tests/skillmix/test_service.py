"""The service view: every team side by side, figures only, in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.models import Flag
from fellowships.skillmix.service import board
from tests.activity.flag_samples import flag
from tests.activity.flags_world import TODAY
from tests.factories import TeamFactory, staff_with_login
from tests.fellowships.factories import enrolment
from tests.skillmix.matrix_world import MatrixBoard

pytestmark = pytest.mark.django_db


def _service_lead(b: MatrixBoard):
    lead = staff_with_login(first_name="Siân", last_name="Service", band="8b")
    b.service.lead = lead
    b.service.save()
    return lead


def test_each_team_has_its_staffing_vacancies_flags_reviews_and_fellows():
    b = MatrixBoard()
    people = b.populate()
    b.fund(b.band6, "5.00")  # three band 6 people of 1.00 and Ffion's 0.80 are in post
    b.fund(b.band5, "1.00")  # Gwen 0.50 and Kim 1.00: over-filled, never a negative vacancy
    flag(team=b.team, staff=people["jac"], competency=b.c1, kind=Flag.Kind.SKILL_DECAY)
    flag(team=b.team, kind=Flag.Kind.CAPACITY_GAP, competency=b.c1)
    flag(team=b.team, kind=Flag.Kind.CAPACITY_GAP, status=Flag.Status.RESOLVED)
    fellow = enrolment(fellow=people["kim"])
    result = board([b.team, b.team_b], TODAY)
    north, south = result.teams
    assert north.headcount == 6 and south.headcount == 0
    assert north.wte_by_band == {"5": Decimal("1.50"), "6": Decimal("3.80")}
    assert north.funded_wte == Decimal("6.00")
    assert north.vacancies == Decimal("1.20")
    assert north.flags == {"decay": 1, "capacity": 1}  # the resolved one is not open
    # everyone started 400 days ago and has never had a review signed: all overdue
    assert north.reviews_overdue == 6
    assert [f.target_date for f in north.fellows] == [fellow.target_date]
    assert [k.idnumber for k in result.key_competencies] == ["C1"]
    cover = north.cover[b.c1.pk]
    assert cover.competent_wte == Decimal("2.80") and not cover.below
    assert result.totals.headcount == 6 and result.totals.open_flags == 2


def test_the_service_lead_sees_every_team_and_drills_into_one(client):
    b = MatrixBoard()
    b.populate()
    lead = _service_lead(b)
    client.force_login(lead.user)
    response = client.get(reverse("skillmix:service", args=[b.service.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skill mix: MSK physiotherapy" in html
    assert reverse("skillmix:matrix", args=[b.team.pk]) in html
    assert reverse("skillmix:matrix", args=[b.team_b.pk]) in html
    assert "Ffion" not in html  # figures only: no one is named
    assert client.get(reverse("skillmix:matrix", args=[b.team.pk])).status_code == 200
    # a team lead does not get the service view
    client.force_login(b.lead.user)
    assert client.get(reverse("skillmix:service", args=[b.service.pk])).status_code == 404
    assert client.get(reverse("skillmix:services")).status_code == 404


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _queries(client, url) -> list[dict]:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return ctx.captured_queries


def test_service_view_queries_do_not_grow_with_the_number_of_teams(client):
    b = MatrixBoard()
    people = b.populate()
    enrolment(fellow=people["kim"])  # one of everything, so only the number of teams grows
    b.fund(b.band6, "2.00")
    flag(team=b.team, kind=Flag.Kind.SINGLE_POINT)
    lead = _service_lead(b)
    client.force_login(lead.user)
    url = reverse("skillmix:service", args=[b.service.pk])
    client.get(url)
    small = _count(client, url)
    for i in range(6):
        team = TeamFactory(service=b.service, name=f"Extra {i}")
        s = b.member(f"Extra{i}", "Person", team=team)
        b.sign_off(s)
        b.fund(b.band6, "2.00", team=team)
        flag(team=team, kind=Flag.Kind.SINGLE_POINT)
        enrolment(fellow=s, started_days_ago=30 + i)
    big = _count(client, url)
    assert "Extra 5" in client.get(url).content.decode()
    assert big == small, "\n".join(q["sql"][:150] for q in _queries(client, url))


def test_an_administrator_sees_every_service(client):
    from ksf.roles import Role
    from tests.factories import UserFactory

    MatrixBoard()
    other = TeamFactory(name="Acute OT")
    admin = UserFactory(username="adm", roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    html = client.get(reverse("skillmix:services")).content.decode()
    assert "MSK North" in html and "Acute OT" in html
    assert reverse("skillmix:service", args=[other.service_id]) in html
