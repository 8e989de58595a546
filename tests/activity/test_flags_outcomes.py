"""Outcome outliers: episodes, the latest contact's clinician, team or service comparison."""

import itertools
from decimal import Decimal

import pytest

from competencies.activity.flags import reasons
from competencies.activity.flags.outcomes import funnel_for, measures
from competencies.activity.flags.recompute import recompute_all
from competencies.models import Flag
from tests.activity.flags_world import TODAY, Board

pytestmark = pytest.mark.django_db
OUTCOME = Flag.Kind.OUTCOME_OUTLIER
_episodes = itertools.count(1)


def episodes(board, staff, changes, *, team=None, measure="MSK-HQ", offset=-20):
    """One contact per episode, scored before 20 and after 20 + change."""
    for change in changes:
        board.contacts(
            staff,
            [offset],
            team=team,
            code="00000",
            episode_hash=f"E{next(_episodes)}",
            outcome_measure=measure,
            outcome_before=Decimal(20),
            outcome_after=Decimal(20 + change),
        )


@pytest.fixture
def board():
    return Board()


def test_a_clinician_below_the_lower_998_limit_of_the_team_is_flagged(board):
    # ten clinicians with 12 episodes each changing by 9 or 11 (mean 10 +/- a little), one
    # whose patients change by -1 or +1 (mean 0); winsorising stops that one widening the limits
    clinicians = []
    for i in range(9):
        person = board.person(f"Clin{i}", "Normal")
        episodes(board, person, [9 + (i % 3) * 0.5, 11 - (i % 3) * 0.5] * 6)
        clinicians.append(person)
    low = board.person("Lew", "Low")
    episodes(board, low, [-1, 1] * 6)
    few = board.person("Fay", "Few")
    episodes(board, few, [-5] * 5)  # fewer than 10 episodes: not compared
    recompute_all(today=TODAY)
    (flag,) = Flag.objects.filter(kind=OUTCOME)
    assert flag.staff == low and flag.team == board.team and flag.detail == "low"
    assert flag.figures["episodes"] == 12 and flag.figures["mean_change"] == 0.0
    assert flag.figures["compared_with"] == "team" and flag.figures["clinicians"] == 10
    assert flag.figures["lower_998"] > 0
    assert reasons.reason(flag).startswith(
        "The mean change in MSK-HQ for Lew Low's 12 episodes was 0 points, below the lower "
        "99.8% limit of"
    )
    plot = funnel_for([board.team.pk], "MSK-HQ", today=TODAY)
    assert len(plot.points) == 10
    point = plot.point_for(str(low.pk))
    assert point.unit.label == "Lew Low" and point.band == "below998"
    assert plot.target == pytest.approx((9 * 12 * 10 + 0) / 120)
    assert measures([board.team.pk], today=TODAY) == ["MSK-HQ"]
    assert measures([board.team_b.pk], today=TODAY) == []


def test_the_latest_contact_of_an_episode_decides_its_clinician(board):
    first = board.person("Fran", "First")
    last = board.person("Lee", "Last")
    for n in range(10):
        common = {
            "episode_hash": f"X{n}",
            "outcome_measure": "COPM",
            "outcome_before": Decimal(2),
            "outcome_after": Decimal(6),
        }
        board.contacts(first, [-30], code="00000", **common)
        board.contacts(last, [-10], code="00000", **common)
    plot = funnel_for([board.team.pk], "COPM", today=TODAY)
    assert [(p.unit.label, p.unit.n, p.unit.mean) for p in plot.points] == [("Lee Last", 10, 4.0)]


def test_a_small_team_is_compared_with_its_service(board):
    for i in range(9):
        person = board.person(f"North{i}", "Normal")
        episodes(board, person, [9 + (i % 3) * 0.5, 11 - (i % 3) * 0.5] * 6)
    south_ok = board.person("Sara", "South", team=board.team_b)
    episodes(board, south_ok, [9, 11] * 6, team=board.team_b)
    south_low = board.person("Sol", "Low", team=board.team_b)
    episodes(board, south_low, [-1, 1] * 6, team=board.team_b)
    recompute_all(today=TODAY)
    (flag,) = Flag.objects.filter(kind=OUTCOME, team=board.team_b)
    assert flag.staff == south_low and flag.team == board.team_b
    assert flag.figures["compared_with"] == "service" and flag.figures["clinicians"] == 11
    assert "around the service's" in reasons.reason(flag)
