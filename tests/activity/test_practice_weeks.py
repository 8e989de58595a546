"""The weekly totals the skill-mix pages read a team's demand from: always the daily roll-up
added up by week, after a full rebuild and after an import's rebuild of a few days, and a
year of demand read from them equals the year summed day by day, whatever the weekday."""

import datetime
from collections import defaultdict

import pytest

from competencies.activity.flags.practice import monday, rebuild
from competencies.models import PracticeDay, PracticeWeek
from fellowships.skillmix.coverage import DEMAND_WEEKS, _demand_minutes
from tests.activity.flags_world import TODAY, Board

pytestmark = pytest.mark.django_db


def _weeks_from_days() -> dict[tuple, tuple[int, int]]:
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for p in PracticeDay.objects.all():
        key = (p.team_id, p.competency_id, monday(p.day))
        out[key][0] += p.contacts
        out[key][1] += p.minutes
    return {k: (c, m) for k, (c, m) in out.items()}


def _weeks_stored() -> dict[tuple, tuple[int, int]]:
    return {
        (w.team_id, w.competency_id, w.week): (w.contacts, w.minutes)
        for w in PracticeWeek.objects.all()
    }


def _board_with_a_year_and_more() -> Board:
    b = Board()
    north = b.person("Ffion", "Parry")
    south = b.person("Gwen", "Hughes", team=b.team_b)
    b.contacts(north, range(-420, 0, 3), minutes=30)
    b.contacts(south, range(-400, 0, 5), team=b.team_b, minutes=45)
    b.contacts(south, [-2, -1], team=b.team_b, minutes=20, attendance="dna")  # never counted
    return b


def test_a_full_rebuild_adds_the_days_up_by_week():
    _board_with_a_year_and_more()
    rebuild()
    stored = _weeks_stored()
    assert stored == _weeks_from_days()
    assert all(week.weekday() == 0 for _t, _c, week in stored)
    assert len({t for t, _c, _w in stored}) == 2


def test_rebuilding_a_few_days_of_one_team_keeps_the_weeks_true():
    b = _board_with_a_year_and_more()
    rebuild()
    newcomer = b.person("Huw", "Jones")
    b.contacts(newcomer, [-10, -9, -8], minutes=60)
    first = TODAY - datetime.timedelta(days=10)
    last = TODAY - datetime.timedelta(days=8)
    rebuild([b.team.pk], first, last)
    assert _weeks_stored() == _weeks_from_days()
    # and the team the import did not touch is as it was
    south = {k: v for k, v in _weeks_stored().items() if k[0] == b.team_b.pk}
    assert south == {k: v for k, v in _weeks_from_days().items() if k[0] == b.team_b.pk}


@pytest.mark.parametrize("offset", range(7))
def test_a_year_of_demand_read_by_week_equals_the_days_added_up(offset):
    b = _board_with_a_year_and_more()
    rebuild()
    today = TODAY - datetime.timedelta(days=offset)  # each day of the week once
    first = today - datetime.timedelta(weeks=DEMAND_WEEKS) + datetime.timedelta(days=1)
    expected: dict[tuple, int] = defaultdict(int)
    for p in PracticeDay.objects.filter(day__gte=first, day__lte=today):
        expected[(p.team_id, p.competency_id)] += p.minutes
    got = dict(_demand_minutes([b.team.pk, b.team_b.pk], today))
    assert got == dict(expected) and got
