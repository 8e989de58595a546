import datetime
import io

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.development.engine import development_statuses
from ksf import dates
from ksf.models import StaffMember
from tests.conftest import login
from tests.exports.factories import FORMULA_LIKE, cpd_entry, review
from tests.factories import AssignmentFactory, PostFactory, StaffMemberFactory


def team_book(client, team) -> openpyxl.Workbook:
    response = client.get(reverse("exports:team_plans_xlsx", args=[team.pk]))
    assert response.status_code == 200
    assert f"team-plans-{team.code.lower()}-" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def add_member(world, n: int, *, years_in_post: int = 2) -> StaffMember:
    """Someone in the team with a CPD entry, a signed review with an objective, in post for years."""
    person = StaffMemberFactory(first_name=f"Member{n}", last_name=f"Extra{n:02d}")
    AssignmentFactory(
        staff=person,
        team=world.team,
        post=world.post,
        line_manager=world.manager,
        start_date=dates.today() - relativedelta(years=years_in_post),
    )
    cpd_entry(person, days_ago=20, hours="2")
    review(
        person,
        world.manager,
        world.post,
        signed=dates.today() - datetime.timedelta(days=60),
        levels={"C1": 2},
        objectives=[f"Objective {n}"],
    )
    return person


def test_one_summary_row_per_current_member(client, planned):
    world = planned.world
    today = dates.today()
    twice = StaffMemberFactory(first_name="Two", last_name="Posts")
    AssignmentFactory(staff=twice, team=world.team, post=world.post)
    AssignmentFactory(staff=twice, team=world.team, post=PostFactory(service=world.team.service))
    gone = StaffMemberFactory(first_name="Left", last_name="Already")
    AssignmentFactory(
        staff=gone,
        team=world.team,
        post=world.post,
        start_date=today - relativedelta(years=3),
        end_date=today - relativedelta(months=1),
    )
    never_reviewed = StaffMemberFactory(first_name="Never", last_name="Reviewed")
    AssignmentFactory(
        staff=never_reviewed,
        team=world.team,
        post=world.post,
        start_date=today - relativedelta(years=2),
    )
    login(client, world.manager.user)
    summary = rows(team_book(client, world.team)["Summary"])

    names = [r["Name"] for r in summary]
    assert sorted(names) == sorted(
        ["Cara Clinician", "Mona Manager", "Two Posts", "Never Reviewed"]
    )
    assert "Left Already" not in names and "Sam Stranger" not in names
    by_name = {r["Name"]: r for r in summary}
    assert "; " in by_name["Two Posts"]["Post"]  # both posts on the one row
    # Cara: last 12 months of CPD only (the 400-day-old reading is left out).
    recent = sum(e.hours for e in planned.entries if e.date >= today - relativedelta(months=12))
    assert by_name["Cara Clinician"]["CPD hours (last 12 months)"] == pytest.approx(float(recent))
    assert by_name["Cara Clinician"]["Review overdue"] == "No"
    assert by_name["Never Reviewed"]["Review overdue"] == "Yes"
    assert isinstance(by_name["Never Reviewed"]["Next review due"], datetime.datetime)
    counts = development_statuses([planned.person])[planned.person.pk].counts
    cara = by_name["Cara Clinician"]
    assert (cara["Red"], cara["Amber"], cara["Green"]) == (
        counts["red"],
        counts["amber"],
        counts["green"],
    )


def test_requirements_and_objectives_sheets_name_each_person(client, planned):
    world = planned.world
    add_member(world, 1)
    review(planned.person, world.manager, world.post, objectives=FORMULA_LIKE)
    login(client, world.manager.user)
    book = team_book(client, world.team)
    assert book.sheetnames == ["Summary", "Requirements", "PDP objectives"]
    requirements = rows(book["Requirements"])
    summary = rows(book["Summary"])
    for member in summary:
        mine = [r for r in requirements if r["Staff number"] == member["Staff number"]]
        assert len(mine) == member["Red"] + member["Amber"] + member["Green"]
    objectives = rows(book["PDP objectives"])
    assert {o["Objective"] for o in objectives if o["Name"] == "Member1 Extra01"} == {"Objective 1"}
    cara = [o for o in objectives if o["Name"] == "Cara Clinician"]
    assert [o["Objective"] for o in cara] == FORMULA_LIKE  # the open review's, as text
    column = next(c for c in book["PDP objectives"][1] if c.value == "Objective").column_letter
    for cell in book["PDP objectives"][column][1:]:
        assert cell.data_type == "s"


def test_team_workbook_query_count_does_not_grow_with_members(
    client, world, django_assert_max_num_queries
):
    add_member(world, 1)
    login(client, world.manager.user)
    url = reverse("exports:team_plans_xlsx", args=[world.team.pk])
    client.get(url)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(2, 9):
        add_member(world, n)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    summary = rows(openpyxl.load_workbook(io.BytesIO(response.content))["Summary"])
    assert len(summary) == 10  # Mona, Cara and eight more


def test_team_workbook_is_refused_to_people_who_cannot_see_the_team(client, world):
    login(client, world.clinician.user)
    assert client.get(reverse("exports:team_plans_xlsx", args=[world.team.pk])).status_code == 404
    login(client, world.manager.user)
    url = reverse("exports:team_plans_xlsx", args=[world.other_team.pk])
    assert client.get(url).status_code == 404
