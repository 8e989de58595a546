"""The coverage engine: competent WTE and demand per team and competency, from one baseline."""

from decimal import Decimal

import pytest

from competencies.activity.flags.practice import rebuild
from fellowships.skillmix import coverage
from tests.activity.flags_world import TODAY, Board, day

pytestmark = pytest.mark.django_db


def test_competent_wte_counts_valid_sign_offs_at_the_level_in_post():
    b = Board()
    ffion = b.person("Ffion", "Parry", wte="0.80")
    b.sign_off(ffion, expires=100)
    gwen = b.person("Gwen", "Hughes", wte="0.50")
    b.sign_off(gwen, value=b.novice)  # below the level the map asks
    b.contacts(ffion, range(-60, 0))
    rebuild()
    base = coverage.baseline([b.team.pk], TODAY)
    assert coverage.competent_wte(base, TODAY) == {(b.team.pk, b.c1.pk): Decimal("0.80")}
    assert coverage.competent_wte(base, day(100)) == {}
    have, need, ratio = coverage.coverage(base, TODAY)[(b.team.pk, b.c1.pk)]
    assert have == Decimal("0.80")
    # 60 contacts of 30 minutes over 52 weeks, against 37.5 h x 60 x 0.6 a week
    assert need == Decimal(1800) / 52 / Decimal(1350)
    assert ratio == have / need
    assert base.holdings[(ffion.pk, b.c1.pk)].practised_on == day(-1)


def test_baseline_reads_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    b = Board()
    small = coverage.baseline([b.team.pk], TODAY)
    for i in range(12):
        s = b.person(f"P{i}", "Big", team=b.team_b)
        b.sign_off(s)
        b.contacts(s, [-3, -2])
    rebuild()
    with django_assert_max_num_queries(14):
        big = coverage.baseline([b.team.pk, b.team_b.pk], TODAY)
    assert len(big.members) == 12 and not small.members
