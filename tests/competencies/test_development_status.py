"""The red/amber/green rules a clinician and their manager see on 'My development'."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from competencies.development.engine import Rag, development_status, development_statuses
from competencies.models import Attainment
from tests.competencies.portfolio_fixtures import person_in_post, signed_review, verified
from tests.factories import AssignmentFactory, staff_with_login

TODAY = datetime.date(2026, 11, 23)


def competency_row(s, today=TODAY):
    (row,) = development_status(s.person, today).competency_rows
    return row


@pytest.mark.django_db
def test_not_started_within_time_allowed_is_amber_with_due_date():
    s = person_in_post(TODAY, months_in_post=2, months_allowed=6)
    row = competency_row(s)
    assert row.rag == Rag.AMBER
    assert row.state == "Not started"
    assert row.due == s.started + relativedelta(months=6)
    assert "Self-assess and ask for sign-off by" in row.next_step


@pytest.mark.django_db
def test_missing_past_due_date_is_red():
    s = person_in_post(TODAY, months_in_post=8, months_allowed=6)
    row = competency_row(s)
    assert (row.rag, row.state) == (Rag.RED, "Overdue")


@pytest.mark.django_db
def test_desirable_requirement_is_never_red():
    s = person_in_post(TODAY, months_in_post=8, months_allowed=6)
    s.requirement.mandatory = False
    s.requirement.save()
    assert competency_row(s).rag == Rag.AMBER


@pytest.mark.django_db
def test_verified_at_required_level_and_valid_is_green():
    s = person_in_post(TODAY, months_in_post=8)
    verified(s, on=TODAY - datetime.timedelta(days=30), expires=TODAY + relativedelta(months=23))
    row = competency_row(s)
    assert (row.rag, row.state, row.held) == (Rag.GREEN, "Verified", "Competent")
    assert row.assessor == "Mo Manager"


@pytest.mark.django_db
def test_verified_below_required_level_does_not_count():
    s = person_in_post(TODAY, months_in_post=8)
    verified(s, on=TODAY, value="Novice")
    row = competency_row(s)
    assert row.rag == Rag.RED
    assert "Below level" in row.state


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days_left", "rag"), [(91, Rag.GREEN), (90, Rag.AMBER), (1, Rag.AMBER), (0, Rag.AMBER)]
)
def test_expiring_within_90_days_is_amber(days_left, rag):
    s = person_in_post(TODAY, months_in_post=8)
    verified(
        s, on=TODAY - relativedelta(months=20), expires=TODAY + datetime.timedelta(days=days_left)
    )
    assert competency_row(s).rag == rag


@pytest.mark.django_db
def test_expired_is_red_even_within_time_allowed():
    s = person_in_post(TODAY, months_in_post=2, months_allowed=12)
    verified(s, on=TODAY - relativedelta(months=25), expires=TODAY - datetime.timedelta(days=1))
    row = competency_row(s)
    assert (row.rag, row.state) == (Rag.RED, "Expired")


@pytest.mark.django_db
def test_awaiting_sign_off_is_amber_and_names_the_assessor():
    s = person_in_post(TODAY, months_in_post=2)
    Attainment.objects.create(
        staff=s.person,
        competency=s.competency,
        value=s.value("Competent"),
        status=Attainment.Status.REQUESTED,
        assessor=s.manager,
        requested_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC),
    )
    row = competency_row(s)
    assert (row.rag, row.state) == (Rag.AMBER, "Awaiting sign-off")
    assert "Mo Manager" in row.next_step


@pytest.mark.django_db
def test_ksf_dimensions_come_from_the_latest_signed_review():
    s = person_in_post(TODAY, months_in_post=30)
    status = development_status(s.person, TODAY)
    assert {r.rag for r in status.ksf_rows} == {Rag.RED}  # past the foundation year, no review
    signed_review(s, levels={"C1": 2, "C2": 1}, signed=TODAY - relativedelta(months=2))
    rows = {r.code: r for r in development_status(s.person, TODAY).ksf_rows}
    assert rows["C1"].rag == Rag.GREEN
    assert rows["C1"].held == "Level 2"
    assert rows["C2"].rag == Rag.AMBER  # below level, next review not yet due
    assert rows["C2"].next_step == "Agree a PDP objective to reach level 2."


@pytest.mark.django_db
def test_ksf_assessment_older_than_a_year_is_red_review_overdue():
    s = person_in_post(TODAY, months_in_post=30)
    signed_review(s, levels=2, signed=TODAY - relativedelta(months=13))
    rows = development_status(s.person, TODAY).ksf_rows
    assert {(r.rag, r.state) for r in rows} == {(Rag.RED, "Review overdue")}


@pytest.mark.django_db
def test_after_foundation_pass_the_second_gateway_level_is_needed():
    s = person_in_post(TODAY, months_in_post=30)
    entry = s.requirement.post.outline.get(dimension__code="C1")
    entry.second_level = 3
    entry.save()
    signed_review(
        s,
        levels=2,
        signed=TODAY - relativedelta(months=1),
        gateway="foundation",
        gateway_outcome="pass",
    )
    rows = {r.code: r for r in development_status(s.person, TODAY).ksf_rows}
    assert rows["C1"].required == "Level 3 (second gateway)"
    assert rows["C1"].rag == Rag.AMBER
    assert rows["C2"].rag == Rag.GREEN


@pytest.mark.django_db
def test_counts_add_up_and_people_without_posts_have_no_rows():
    s = person_in_post(TODAY, months_in_post=8)
    status = development_status(s.person, TODAY)
    assert sum(status.counts.values()) == len(status.rows) == 7  # 6 core dimensions + 1
    nobody = staff_with_login()
    assert development_status(nobody, TODAY).rows == []


@pytest.mark.django_db
def test_many_people_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    s = person_in_post(TODAY, months_in_post=8)
    people = [s.person]
    for _ in range(15):
        other = staff_with_login()
        AssignmentFactory(staff=other, post=s.requirement.post, line_manager=s.manager)
        people.append(other)
    with django_assert_max_num_queries(8):
        statuses = development_statuses(people, TODAY)
    assert len(statuses) == 16
    assert all(len(st.rows) == 7 for st in statuses.values())
