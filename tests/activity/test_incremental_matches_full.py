"""After an import's incremental re-flag, the activity flags are what a full recompute finds."""

import pytest

from competencies.activity.flags.recompute import recompute_all, recompute_days
from competencies.models import Contact, Flag
from tests.activity.flags_world import TODAY, Board

pytestmark = pytest.mark.django_db

KINDS = [Flag.Kind.UNVERIFIED_PRACTICE, Flag.Kind.CAPACITY_GAP, Flag.Kind.SINGLE_POINT]


def snapshot():
    return {
        f.key: (f.active, f.status, f.contact_count, f.first_seen, f.last_seen, f.figures)
        for f in Flag.objects.filter(kind__in=KINDS)
    }


@pytest.fixture
def world():
    board = Board()
    north, south = board.team, board.team_b
    people = {
        "held": board.person("Hana", "Held"),
        "expired": board.person("Emyr", "Expired"),
        "none": board.person("Nia", "None"),
        "south": board.person("Sion", "South", team=south),
        "mover": board.person("Mari", "Mover", end=-40),
    }
    board.assign(people["mover"], south, start=-39)
    board.sign_off(people["held"], on=-600)
    board.sign_off(people["expired"], on=-900, expires=-100)
    board.sign_off(people["south"], on=-50)
    board.sign_off(people["mover"], on=-300)
    board.contacts(people["held"], [-200, -60, -30, -3], minutes=120)
    board.contacts(people["expired"], [-150, -90, -20, -5])
    board.contacts(people["none"], [-70, -10], minutes=45)
    board.contacts(people["south"], [-60, -8], team=south, minutes=600)
    board.contacts(people["mover"], [-45], minutes=60)
    board.contacts(people["mover"], [-30], team=south, minutes=60)
    recompute_all(today=TODAY)
    return board, people, [north.pk, south.pk]


def same_as_full(teams, first, last):
    recompute_days(teams, board_day(first), board_day(last), today=TODAY)
    after = snapshot()
    recompute_all(today=TODAY)
    assert snapshot() == after
    return after


def board_day(offset):
    from tests.activity.flags_world import day

    return day(offset)


def test_one_more_day_of_new_contacts(world):
    board, people, teams = world
    board.contacts(people["expired"], [0, 0])
    board.contacts(people["none"], [0], minutes=600)
    board.contacts(people["held"], [0, -1] * 40, minutes=900)  # demand outruns the team
    board.contacts(people["south"], [0], team=board.team_b, minutes=30)
    board.contacts(people["mover"], [-1], team=board.team_b)
    before = snapshot()
    flags = same_as_full(teams, -1, 0)
    assert flags != before
    assert any(k.startswith("capacity") for k, v in flags.items() if v[0])


def test_a_corrected_day_that_removes_and_moves_contacts(world):
    _board, people, teams = world
    Contact.objects.filter(staff=people["none"], contact_date=board_day(-10)).delete()
    Contact.objects.filter(staff=people["expired"], contact_date=board_day(-5)).update(
        attendance="did_not_attend"
    )
    Contact.objects.filter(staff=people["south"], contact_date=board_day(-8)).delete()
    same_as_full(teams, -10, -5)


def test_a_day_in_one_team_only(world):
    board, people, teams = world
    board.contacts(people["none"], [-2, -2])
    same_as_full([teams[0]], -2, -2)
