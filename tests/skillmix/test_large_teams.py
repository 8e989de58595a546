"""Large teams and services stay readable: the matrix shows a page of people at a time (the
workbook has everyone), frameworks the team works in come first, the coverage chart draws the
least covered competencies, and the service page shows the competencies its teams are
shortest of (the board workbook has them all)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cms.portal.skillmix_chart import MOST_BARS, coverage_chart
from competencies.activity.flags.practice import rebuild
from competencies.models import ActivityRequirement
from exports.skillmix import service_workbook
from fellowships.skillmix import service as boards
from fellowships.skillmix.matrix import PEOPLE_PER_PAGE, Column, CoverageLine, team_matrix
from tests.activity.flags_world import TODAY, day
from tests.competencies.portfolio_fixtures import published_framework
from tests.factories import staff_with_login
from tests.skillmix.matrix_world import MatrixBoard

pytestmark = pytest.mark.django_db


def _large_team(b: MatrixBoard, people: int) -> None:
    for i in range(people):
        b.member(f"Person{i:02d}", "Large", team=b.team_b)
    b.team_b.lead = b.lead
    b.team_b.save()


def test_a_large_team_is_shown_a_page_of_people_at_a_time(client):
    b = MatrixBoard()
    _large_team(b, PEOPLE_PER_PAGE + 5)
    b.sign_off(b.team_b.assignments.first().staff)
    client.force_login(b.lead.user)
    url = reverse("skillmix:matrix", args=[b.team_b.pk])

    first = client.get(url).content.decode()
    total = PEOPLE_PER_PAGE + 5
    assert f"Skill matrix of MSK South: {total} people" in first
    assert f"Showing people 1 to {PEOPLE_PER_PAGE} of {total}" in first
    assert "Person00 Large" in first and f"Person{PEOPLE_PER_PAGE:02d} Large" not in first
    assert "Page 2 of 2" in first and "page=2#matrix-caption" in first

    second = client.get(url, {"page": "2"}).content.decode()
    assert f"Person{PEOPLE_PER_PAGE:02d} Large" in second and "Person00 Large" not in second
    assert "Page 1 of 2" in second
    # a page out of range shows the nearest; one that is not a number, the first
    last = client.get(url, {"page": "99"}).content.decode()
    assert f"Person{PEOPLE_PER_PAGE + 4:02d} Large" in last and "Person00 Large" not in last
    assert "Person00 Large" in client.get(url, {"page": "abc"}).content.decode()

    # the workbook has everyone, whichever page was open
    workbook = client.get(reverse("skillmix:matrix_workbook", args=[b.team_b.pk]), {"page": "2"})
    names = [
        row[0]
        for row in openpyxl.load_workbook(io.BytesIO(workbook.content))["Skill matrix"].iter_rows(
            values_only=True
        )
    ]
    assert "Person00 Large" in names and f"Person{PEOPLE_PER_PAGE + 4:02d} Large" in names


def test_filters_are_kept_from_page_to_page(client):
    b = MatrixBoard()
    _large_team(b, PEOPLE_PER_PAGE + 2)
    b.sign_off(b.team_b.assignments.first().staff)
    client.force_login(b.lead.user)
    url = reverse("skillmix:matrix", args=[b.team_b.pk])
    html = client.get(url, {"band": "6"}).content.decode()
    assert "?band=6&amp;page=2#matrix-caption" in html
    assert '<option value="6" selected>Band 6</option>' in html


def test_frameworks_the_team_works_in_come_before_those_few_hold():
    b = MatrixBoard()
    people = b.populate()  # C1 of "Injection therapy" has the team's demand
    other = published_framework("NMP")
    other.title = "Advanced prescribing"  # first by name
    other.save()
    b.sign_off(people["kim"], competency=other.competencies.get(idnumber="C1"))
    m = team_matrix(b.team.pk, TODAY)
    assert [g.name for g in m.frameworks] == ["Injection therapy", "Advanced prescribing"]


def _line(i: int, competent: str, demand: str) -> CoverageLine:
    c, d = Decimal(competent), Decimal(demand)
    return CoverageLine(
        Column(i, f"K{i}", f"Competency {i}", "F"),
        c,
        d,
        (c / d) if d else None,
        below=bool(d) and c < d,
    )


def test_the_coverage_chart_draws_the_least_covered_and_says_how_many_it_left_out():
    lines = [_line(i, str(i), "10") for i in range(MOST_BARS + 5)]
    lines.append(_line(99, "3", "0"))  # competence with no demand: after every line with demand
    chart = coverage_chart(lines)
    assert len(chart.bars) == MOST_BARS and chart.left_out == 6
    assert [bar.label for bar in chart.bars][:2] == ["K0 Competency 0", "K1 Competency 1"]
    assert "K99 Competency 99" not in [bar.label for bar in chart.bars]
    assert coverage_chart(lines[:3]).left_out == 0


def _second_competency_short_in_team_b(b: MatrixBoard) -> None:
    ActivityRequirement.objects.create(
        procedure_code="OTHER", label="Other work", competency=b.c2, valid_from=day(-3000)
    )
    worker = b.member("Wyn", "Worker", team=b.team_b)
    b.contacts(worker, range(-40, 0), team=b.team_b, code="OTHER")
    rebuild()


def test_the_service_page_shows_the_competencies_its_teams_are_shortest_of(client, monkeypatch):
    b = MatrixBoard()
    b.populate()  # C1: covered in MSK North
    _second_competency_short_in_team_b(b)  # C2: nobody competent in MSK South
    teams = [b.team, b.team_b]
    narrowed = boards.board(teams, TODAY, most_keys=1)
    assert [k.idnumber for k in narrowed.key_competencies] == ["C2"]
    assert narrowed.keys_left_out == 1
    assert [k.idnumber for k in boards.board(teams, TODAY).key_competencies] == ["C1", "C2"]

    lead = staff_with_login(first_name="Siân", last_name="Service", band="8b")
    b.service.lead = lead
    b.service.save()
    client.force_login(lead.user)
    monkeypatch.setattr(boards, "KEYS_ON_PAGE", 1)
    html = client.get(reverse("skillmix:service", args=[b.service.pk])).content.decode()
    assert "the board workbook has 1 more" in html
    assert "C2 Shoulder injection" in html and "C1 Knee injection" not in html

    book = openpyxl.load_workbook(io.BytesIO(service_workbook(b.service, teams, TODAY)))
    cells = {v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v}
    assert any("C1" in str(v) for v in cells) and any("C2" in str(v) for v in cells)
