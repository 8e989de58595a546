"""What-if scenarios: applied in memory, never touching real data; bad input refused with a
clear message and nothing written; read by the team's viewers, changed by the author only."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from competencies.activity.flags.practice import rebuild
from competencies.models import Attainment, Contact, PracticeDay
from fellowships.models import Enrolment, Milestone, Scenario, ScenarioChange
from fellowships.skillmix import coverage, scenarios
from fellowships.skillmix.projection import project
from ksf.models import PostAssignment
from tests.activity.flags_world import TODAY, Board, day
from tests.factories import UserFactory
from tests.fellowships.factories import programme as make_programme

pytestmark = pytest.mark.django_db
Kind = ScenarioChange.Kind


@pytest.fixture
def board():
    b = Board()
    worker = b.person("Wyn", "Worker", wte="0.20")
    b.contacts(worker, [-(i % 360) - 1 for i in range(300)], minutes=30)
    rebuild()
    b.ffion = b.person("Ffion", "Parry", wte="1.00")
    b.sign_off(b.ffion)
    b.gwen = b.person("Gwen", "Hughes", wte="0.60")
    lead = b.person("Mona", "Manager", wte="1.00")
    lead.user = UserFactory()
    lead.save()
    b.team.lead = lead
    b.team.save()
    b.manager = lead.user
    b.scenario = scenarios.create(b.manager, b.team, name="Ffion leaves")
    return b


def _real(b):
    return (
        list(PostAssignment.objects.order_by("pk").values_list("pk", "team_id", "wte", "end_date")),
        list(Attainment.objects.order_by("pk").values_list("pk", "status", "expires_on")),
        Enrolment.objects.count(),
        Contact.objects.count(),
        PracticeDay.objects.count(),
    )


def _line(b, scenario):
    base = coverage.baseline([b.team.pk], TODAY)
    w, demand = scenarios.what_if(base, scenarios.plan_of(scenario))
    return (
        project(base).line(b.team.pk, b.c1.pk),
        project(w, demand_changes=demand, team_ids=[b.team.pk]).line(b.team.pk, b.c1.pk),
        base,
    )


def test_a_what_if_writes_nothing_outside_its_own_scenario(board):
    b = board
    before = _real(b)
    prog = make_programme()
    Milestone.objects.create(
        programme=prog, sort_order=5, title="Sign-off", kind=Milestone.Kind.COMPETENCY,
        competency=b.c1,
    )  # fmt: skip
    before = _real(b)
    month = (TODAY.replace(day=1) + datetime.timedelta(days=95)).replace(day=1)
    scenarios.add_change(b.manager, b.scenario, kind=Kind.REMOVE_PERSON, staff=b.ffion,
                         from_month=month)  # fmt: skip
    scenarios.add_change(b.manager, b.scenario, kind=Kind.ENROL, staff=b.gwen, programme=prog)
    scenarios.add_change(b.manager, b.scenario, kind=Kind.ADD_PERSON, band="6", wte="0.5",
                         competencies=[b.c1.pk])  # fmt: skip
    scenarios.add_change(b.manager, b.scenario, kind=Kind.MOVE_PERSON, staff=b.gwen,
                         to_team=b.team_b, from_month=month)  # fmt: skip
    scenarios.add_change(b.manager, b.scenario, kind=Kind.DEMAND, percent="-100")
    base_line, what_if_line, base = _line(b, b.scenario)
    snapshot = (dict(base.holdings), list(base.assignments), list(base.future))
    scenarios.what_if(base, scenarios.plan_of(b.scenario))
    assert (dict(base.holdings), list(base.assignments), list(base.future)) == snapshot
    assert _real(b) == before
    assert ScenarioChange.objects.filter(scenario=b.scenario).count() == 5
    assert what_if_line.points[0].demand == Decimal("0.00")
    assert base_line.points[0].demand > 0


def test_a_leaver_and_a_new_person_change_competent_wte_from_their_month(board):
    b = board
    month = (TODAY.replace(day=1) + datetime.timedelta(days=95)).replace(day=1)
    scenarios.add_change(b.manager, b.scenario, kind=Kind.REMOVE_PERSON, staff=b.ffion,
                         from_month=month)  # fmt: skip
    base_line, line, _ = _line(b, b.scenario)
    i = next(n for n, p in enumerate(line.points) if p.on >= month)
    assert line.points[i - 1].competent == Decimal("1.00")
    assert line.points[i].competent == Decimal("0.00")
    assert line.first_below.on == month
    assert base_line.first_below is None
    scenarios.add_change(b.manager, b.scenario, kind=Kind.ADD_PERSON, band="6", wte="0.75",
                         competencies=[b.c1.pk], from_month=month)  # fmt: skip
    _, line, _ = _line(b, b.scenario)
    assert line.points[i].competent == Decimal("0.75")


def test_enrolling_counts_after_the_programme_s_typical_duration(board):
    b = board
    prog = make_programme()  # 18 months
    Milestone.objects.create(
        programme=prog, sort_order=5, title="Sign-off", kind=Milestone.Kind.COMPETENCY,
        competency=b.c1,
    )  # fmt: skip
    scenarios.add_change(b.manager, b.scenario, kind=Kind.ENROL, staff=b.gwen, programme=prog)
    _, line, _ = _line(b, b.scenario)
    done = TODAY + relativedelta(months=18)
    at = next(i for i, p in enumerate(line.points) if p.on >= done)
    assert line.points[at].competent == Decimal("1.60")
    assert line.points[at - 1].competent == Decimal("1.00")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": Kind.ADD_PERSON, "band": "6", "wte": "0"}, "wte", "from 0.01 to 1.00"),
        ({"kind": Kind.ADD_PERSON, "band": "6", "wte": "1.01"}, "wte", "from 0.01 to 1.00"),
        ({"kind": Kind.ADD_PERSON, "band": "6", "wte": "lots"}, "wte", "as a number"),
        (
            {"kind": Kind.ADD_PERSON, "band": "6", "wte": "0.5", "competencies": [987654]},
            "competencies",
            "does not exist",
        ),
        ({"kind": Kind.DEMAND, "percent": "-100.5"}, "percent", "more than 100%"),
        ({"kind": Kind.DEMAND, "percent": "5", "competency": 987654}, "competency", "not exist"),
        ({"kind": Kind.REMOVE_PERSON}, "staff", "Choose a person"),
        ({"kind": Kind.ENROL, "programme": None}, "staff", "Choose a person"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(board, values, field, message):
    b = board
    before = (ScenarioChange.objects.count(), _real(b))
    with pytest.raises(ValidationError) as refused:
        scenarios.add_change(b.manager, b.scenario, **values)
    assert message in " ".join(refused.value.message_dict[field])
    assert (ScenarioChange.objects.count(), _real(b)) == before


def test_a_person_not_in_the_team_is_refused(board):
    b = board
    other = b.person("Osian", "Other", team=b.team_b)
    with pytest.raises(ValidationError) as refused:
        scenarios.add_change(b.manager, b.scenario, kind=Kind.REMOVE_PERSON, staff=other)
    assert "is not in this team" in refused.value.message_dict["staff"][0]


def test_only_the_author_changes_a_scenario_and_names_are_unique(board):
    b = board
    with pytest.raises(PermissionDenied):
        scenarios.add_change(UserFactory(), b.scenario, kind=Kind.DEMAND, percent="5")
    with pytest.raises(ValidationError) as refused:
        scenarios.create(b.manager, b.team, name="ffion leaves")
    assert "already have a scenario" in refused.value.message_dict["name"][0]
    with pytest.raises(PermissionDenied):
        scenarios.create(UserFactory(), b.team, name="Not my team")


def test_pages_refuse_people_who_may_not_see_the_team(board, client):
    b = board
    url = f"/portal/skill-mix/plan/teams/{b.team.pk}/scenarios/{b.scenario.pk}/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "demand", "percent": "5"}).status_code == 404
    # under a team the scenario is not of: 404 too, for its author
    client.force_login(b.manager)
    other = f"/portal/skill-mix/plan/teams/{b.team_b.pk}/scenarios/{b.scenario.pk}/"
    assert client.get(other).status_code == 404
    assert ScenarioChange.objects.count() == 0


def test_the_author_adds_a_change_and_sees_it_against_the_baseline(board, client):
    b = board
    client.force_login(b.manager)
    url = f"/portal/skill-mix/plan/teams/{b.team.pk}/scenarios/{b.scenario.pk}/"
    response = client.post(url, {"action": "add", "kind": "add", "band": "6", "wte": "1.5"})
    assert response.status_code == 200
    assert "The WTE must be from 0.01 to 1.00" in response.content.decode()
    response = client.post(url, {"action": "add", "kind": "remove", "staff": b.ffion.pk})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "A person leaves" in page and "Ffion Parry" in page
    assert "Competent WTE (scenario)" in page
    compare = client.get(
        f"/portal/skill-mix/plan/teams/{b.team.pk}/scenarios/compare/?scenario={b.scenario.pk}"
    ).content.decode()
    assert "Ffion leaves" in compare and "Below from" in compare
    workbook = client.get(url + "scenario.xlsx")
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_what_if_costs_no_queries_after_the_baseline(board, django_assert_num_queries):
    b = board
    for _ in range(3):
        scenarios.add_change(b.manager, b.scenario, kind=Kind.DEMAND, percent="5")
    base = coverage.baseline([b.team.pk], TODAY)
    plan = scenarios.plan_of(b.scenario)
    with django_assert_num_queries(0):
        w, demand = scenarios.what_if(base, plan)
        project(w, demand_changes=demand)


def test_scenario_is_read_by_the_service_lead_but_not_changed(board, client):
    b = board
    lead = b.person("Lee", "Lead")
    lead.user = UserFactory()
    lead.save()
    b.service.lead = lead
    b.service.save()
    client.force_login(lead.user)
    url = f"/portal/skill-mix/plan/teams/{b.team.pk}/scenarios/{b.scenario.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "add", "kind": "demand", "percent": "5"}).status_code == 403
    assert not Scenario.objects.exclude(pk=b.scenario.pk).exists()
    assert day(0) == TODAY
