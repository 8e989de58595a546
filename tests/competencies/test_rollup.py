"""Roll-up rules: a parent is attained when its rule is met by its verified parts."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies.frameworks.rollup import Held, Node, evaluate
from competencies.interchange.moodle import export_moodle_csv, parse_moodle_csv
from competencies.interchange.tree import framework_to_data, save_framework
from competencies.models import Attainment, Competency
from ksf import dates
from tests.competencies.portfolio_fixtures import person_in_post
from tests.competencies.test_moodle import comp, framework_row, moodle_csv
from tests.conftest import login

COMPLETE = Competency.RuleOutcome.COMPLETE


def node(pk, parent=None, idnumber="", rule="", outcome=0, config=None) -> Node:
    return Node(pk, parent, f"id-{pk}", idnumber or f"N{pk}", idnumber or f"N{pk}", "t", rule,
                outcome, config)  # fmt: skip


def tree(*nodes: Node) -> dict:
    children: dict = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    return children


HELD = Held(datetime.date(2026, 1, 5), datetime.date(2027, 3, 1))


def test_all_children_rule_needs_every_child_and_takes_the_first_expiry():
    parent = node(1, rule="all", outcome=COMPLETE)
    kids = tree(parent, node(2, 1), node(3, 1))
    assert not evaluate(parent, kids, {"id-2": HELD}).attains
    later = Held(datetime.date(2026, 6, 1), None)
    result = evaluate(parent, kids, {"id-2": HELD, "id-3": later})
    assert result.attains
    assert result.counted == ("N2", "N3")
    assert (result.verified_on, result.expires_on) == (datetime.date(2026, 6, 1), HELD.expires_on)


def test_points_rule_needs_the_points_and_its_required_children():
    config = {
        "base": {"points": 3},
        "competencies": [
            {"id": "N2", "points": 2, "required": 1},
            {"id": "N3", "points": 2, "required": 0},
            {"id": "N4", "points": 1, "required": 0},
        ],
    }
    parent = node(1, rule="points", outcome=COMPLETE, config=config)
    kids = tree(parent, node(2, 1), node(3, 1), node(4, 1))
    # 3 points, but without the required N2.
    assert not evaluate(parent, kids, {"id-3": HELD, "id-4": HELD}).met
    result = evaluate(parent, kids, {"id-2": HELD, "id-4": HELD})
    assert result.attains and result.points_held == 3
    assert result.counted == ("N2", "N4")


def test_nested_rules_and_outcomes_that_do_not_complete():
    top = node(1, rule="all", outcome=COMPLETE)
    middle = node(2, 1, rule="all", outcome=COMPLETE)
    kids = tree(top, middle, node(3, 2), node(4, 1))
    result = evaluate(top, kids, {"id-3": HELD, "id-4": HELD})
    assert result.attains and [p.derived for p in result.parts] == [True, False]
    recommend = node(1, rule="all", outcome=Competency.RuleOutcome.RECOMMEND)
    ready = evaluate(recommend, tree(recommend, node(2, 1)), {"id-2": HELD})
    assert ready.met and not ready.attains
    nothing = node(1, rule="all", outcome=Competency.RuleOutcome.NONE)
    assert evaluate(nothing, tree(nothing, node(2, 1)), {"id-2": HELD}) is None


# --- What a clinician and a manager see ---------------------------------------------------


@pytest.fixture
def s(db):
    """Pat's post requires the domain D1, whose rule is: all of C1 and C2 are complete."""
    setting = person_in_post(dates.today(), months_in_post=8, months_allowed=6)
    domain = setting.framework.competencies.get(idnumber="D1")
    domain.rule_type, domain.rule_outcome = Competency.RuleType.ALL, COMPLETE
    domain.save()
    setting.requirement.competency = domain
    setting.requirement.save()
    return setting


def verify(s, idnumber: str, expires=None) -> Attainment:
    return Attainment.objects.create(
        staff=s.person,
        competency=s.framework.competencies.get(idnumber=idnumber),
        value=s.value("Competent"),
        status=Attainment.Status.VERIFIED,
        assessor=s.manager,
        verified_on=dates.today() - datetime.timedelta(days=10),
        expires_on=expires,
        decided_at=timezone.now(),
    )


def my_development(client, s) -> str:
    login(client, s.person.user)
    return client.get(reverse("development:person", args=[s.person.staff_number])).content.decode()


def test_parts_verified_make_the_parent_green_and_say_how(client, s):
    verify(s, "C1")
    page = my_development(client, s)
    assert "Or have its parts signed off: 1 of 2 verified (all are needed)." in page
    assert "<strong>1</strong> red" in page  # D1 is past its 6 months
    verify(s, "C2", expires=dates.today() + datetime.timedelta(days=400))
    page = my_development(client, s)
    assert "Verified through its parts" in page
    assert "Attained through its parts: C1 and C2 verified." in page
    assert "<strong>0</strong> red" in page


def test_a_manager_reads_the_same_and_an_expiring_part_makes_it_amber(client, s):
    verify(s, "C1", expires=dates.today() + datetime.timedelta(days=30))
    verify(s, "C2")
    login(client, s.manager.user)
    page = client.get(reverse("development:person", args=[s.person.staff_number])).content.decode()
    expiry = (dates.today() + datetime.timedelta(days=30)).strftime("%-d %B %Y")
    assert "Attained through its parts: C1 and C2 verified." in page
    assert f"Pat renews the first part before {expiry}." in page


def test_an_expired_or_withdrawn_part_undoes_the_derived_attainment(client, s):
    verify(s, "C1", expires=dates.today() - datetime.timedelta(days=1))
    verify(s, "C2")
    page = my_development(client, s)
    assert "Verified through its parts" not in page
    assert "1 of 2 verified" in page


def test_a_rule_adds_one_query_to_a_status_page(client, s):
    verify(s, "C1")
    verify(s, "C2")
    login(client, s.manager.user)
    url = reverse("development:person", args=[s.person.staff_number])
    client.get(url)
    with CaptureQueriesContext(connection) as with_rule:
        client.get(url)
    Competency.objects.filter(rule_type="all").update(rule_type="")
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    assert len(with_rule) == len(without) + 1


# --- Moodle points rules name children by exported id ------------------------------------


def points_file() -> bytes:
    config = {
        "base": {"points": 2},
        "competencies": [
            {"id": 11, "points": 1, "required": 1},
            {"id": 12, "points": 1, "required": 0},
        ],
    }
    rule = {
        "Rule type (optional)": "core_competency\\competency_rule_points",
        "Rule outcome (optional)": "3",
        "Rule config (optional)": json.dumps(config),
        "Exported id (optional)": "10",
    }
    return moodle_csv(
        framework_row(),
        comp("P", **rule),
        comp("A", "P", **{"Exported id (optional)": "11"}),
        comp("B", "P", **{"Exported id (optional)": "12"}),
    )


def test_moodle_exported_ids_in_points_rules_become_id_numbers_and_go_back(db):
    parsed = parse_moodle_csv(points_file(), "points.csv")
    assert [e["id"] for e in parsed.competencies[0].rule_config["competencies"]] == ["A", "B"]
    framework = save_framework(parsed, filename="points.csv", user=None)
    exported = export_moodle_csv(framework_to_data(framework))
    rows = {r["Id number"]: r for r in csv.DictReader(io.StringIO(exported.decode()))}
    config = json.loads(rows["P"]["Rule config (optional)"])
    ids = [e["id"] for e in config["competencies"]]
    assert ids == [
        int(rows["A"]["Exported id (optional)"]),
        int(rows["B"]["Exported id (optional)"]),
    ]
    again = parse_moodle_csv(exported, "again.csv")
    assert again.competencies[0].rule_config == parsed.competencies[0].rule_config


def test_the_competency_page_lists_its_parts_and_what_made_it_attained(client, s):
    verify(s, "C1")
    login(client, s.person.user)
    url = reverse("development:competency", args=[s.requirement.competency.pk])
    page = client.get(url).content.decode()
    assert "Its parts" in page
    assert "attained once all of its parts are signed off" in page
    assert "C2 Shoulder injection" in page and "Not yet" in page
    verify(s, "C2")
    page = client.get(url).content.decode()
    assert "Attained through its parts: C1, C2." in page
