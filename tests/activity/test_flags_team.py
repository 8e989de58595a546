"""Capacity gaps, single points of failure, skill decay and expiry, post requirement gaps."""

import pytest

from competencies.activity.flags import reasons
from competencies.activity.flags.recompute import recompute_all
from competencies.models import ActivityRequirement, Flag
from tests.activity.flags_world import TODAY, Board, day
from tests.competencies.portfolio_fixtures import person_in_post

pytestmark = pytest.mark.django_db

CAPACITY = Flag.Kind.CAPACITY_GAP
SINGLE = Flag.Kind.SINGLE_POINT
DECAY = Flag.Kind.SKILL_DECAY


@pytest.fixture
def board():
    return Board()


def of(kind, **filters):
    return list(Flag.objects.filter(kind=kind, active=True, **filters).order_by("team__name"))


def test_a_person_moving_team_mid_window_counts_pro_rata_in_each(board):
    # 12-week window: days -83 to 0. Pat is in North -83..-42 (6 weeks), South -41..0 (6 weeks)
    pat = board.person("Pat", "Mover", start=-400, end=-42)
    board.assign(pat, board.team_b, start=-41)
    board.sign_off(pat, on=-500)
    board.contacts(pat, [-80 + i for i in range(20)], minutes=600)  # 200 hours in North
    board.contacts(pat, [-30 + i for i in range(10)], team=board.team_b, minutes=600)  # 100 h
    recompute_all(today=TODAY)
    # capacity in each team: 1.0 WTE x 6 weeks x 37.5 h x 0.6 = 135 hours
    (gap,) = of(CAPACITY)
    assert gap.team == board.team and gap.competency == board.c1
    assert gap.figures["capacity_hours"] == 135.0
    assert gap.figures["demand_hours"] == 200.0
    assert gap.figures["ratio"] == pytest.approx(0.675, abs=0.006)
    assert gap.figures["competent_wte"] == 0.5
    assert gap.figures["weeks"] == 12
    assert gap.contact_count == 20
    assert reasons.reason(gap) == (
        "In the last 12 weeks MSK North needed 200 hours of ultrasound-guided shoulder "
        "injection, but the time of its people signed off in Knee injection came to about "
        "135 hours (68% of the demand)."
    )
    # South: 135 hours for 100 hours of demand is enough, but Pat is its only injector now
    (single,) = of(SINGLE)
    assert single.team == board.team_b and single.figures["person"] == "Pat Mover"
    assert reasons.reason(single).startswith("Only Pat Mover in MSK South holds a valid sign-off")
    assert not of(Flag.Kind.UNVERIFIED_PRACTICE)


def test_zero_demand_raises_no_team_flag(board):
    pat = board.person("Pat", "Injector")
    board.sign_off(pat, on=-500)
    board.contacts(pat, [-5, -4], attendance="did_not_attend")  # not demand
    board.contacts(pat, [-200])  # outside the window
    recompute_all(today=TODAY)
    assert not of(CAPACITY) and not of(SINGLE)


def test_the_only_competent_person_leaving_is_a_capacity_gap_not_a_single_point(board):
    ida = board.person("Ida", "Injector", start=-400, end=-10)
    board.sign_off(ida, on=-500)
    nia = board.person("Nia", "Novice")
    board.contacts(nia, [-60 + i for i in range(30)], minutes=600)  # 300 hours of demand
    recompute_all(today=day(-11))  # Ida still there: the only injector
    (single,) = of(SINGLE)
    assert single.figures["person"] == "Ida Injector"
    recompute_all(today=TODAY)
    assert not of(SINGLE)
    single.refresh_from_db()
    assert not single.active and single.events.last().action == "cleared"
    (gap,) = of(CAPACITY)
    # Ida in the window: days -83 to -10 = 74 days; 74/7 weeks x 37.5 x 0.6 hours
    assert gap.figures["capacity_hours"] == round(74 / 7 * 37.5 * 0.6, 1)
    assert gap.figures["competent_now"] == 0
    assert "Plan cover" in reasons.next_step(gap, for_person=False)
    (practice,) = of(Flag.Kind.UNVERIFIED_PRACTICE)
    assert practice.staff == nia


def test_a_renewed_sign_off_is_not_counted_twice(board):
    pat = board.person("Pat", "Renewed")
    board.sign_off(pat, on=-500, expires=-20)
    board.sign_off(pat, on=-40)  # renewed before the old one expired: overlapping
    board.contacts(pat, [-80 + i for i in range(40)], minutes=600)  # 400 hours
    recompute_all(today=TODAY)
    (gap,) = of(CAPACITY)
    assert gap.figures["capacity_hours"] == 270.0  # 12 weeks x 37.5 x 0.6 x 1.0, once


def test_skill_decay_after_the_lapse_months_and_the_rule_can_shorten_them(board):
    old = board.person("Olu", "Old")
    board.sign_off(old, on=-800)
    board.contacts(old, [-400])  # last done over 12 months ago
    recent = board.person("Rhys", "Recent")
    board.sign_off(recent, on=-800)
    board.contacts(recent, [-45])
    new = board.person("Nel", "New")
    board.sign_off(new, on=-100)  # not held long enough to lapse
    recompute_all(today=TODAY)
    (decay,) = of(DECAY, detail="decay")
    assert decay.staff == old
    assert decay.figures["months"] == 12
    assert decay.figures["last_practised"] == day(-400).isoformat()
    assert "has not done ultrasound-guided shoulder injection in the last 12 months" in (
        reasons.reason(decay)
    )
    ActivityRequirement.objects.filter(pk=board.rule.pk).update(lapse_months=1)
    recompute_all(today=TODAY)
    assert {f.staff for f in of(DECAY, detail="decay")} == {old, recent, new}


def test_expiring_within_90_days_only_where_the_team_has_the_work(board):
    soon = board.person("Sian", "Soon")
    board.sign_off(soon, on=-300, expires=30)
    later = board.person("Lowri", "Later")
    board.sign_off(later, on=-300, expires=100)
    south = board.person("Siwan", "South", team=board.team_b)
    board.sign_off(south, on=-300, expires=30)  # South has no demand
    board.contacts(later, [-5])
    recompute_all(today=TODAY)
    (expiring,) = of(DECAY, detail="expiring")
    assert expiring.staff == soon and expiring.figures["expires_on"] == day(30).isoformat()
    assert expiring.figures["days_left"] == 30
    assert "Renew your sign-off" in reasons.next_step(expiring, for_person=True)
    assert f"expires on {day(30):%-d %B %Y}" in reasons.reason(expiring)


def test_post_requirement_gaps_are_flagged_per_person_and_requirement():
    setting = person_in_post(TODAY, months_in_post=12, months_allowed=6)
    recompute_all(today=TODAY)
    flags = of(Flag.Kind.REQUIREMENT_GAP, staff=setting.person)
    competency_flags = [f for f in flags if f.competency_id]
    (flag,) = competency_flags
    assert flag.competency == setting.competency
    assert flag.figures["post"] == "MSK physiotherapist"
    assert flag.figures["state"] == "overdue"
    assert reasons.reason(flag) == (
        "Pat Person's post MSK physiotherapist needs Knee injection, which is not met and its "
        "due date has passed."
    )
    assert all(f.figures.get("label") for f in flags)


def test_one_more_day_clears_decay_and_raises_a_capacity_gap(board):
    from competencies.activity.flags.recompute import recompute_days

    olu = board.person("Olu", "Old")
    board.sign_off(olu, on=-800)
    board.contacts(olu, [-400])
    other = board.person("Osian", "Other", team=board.team_b)
    board.sign_off(other, on=-800)
    recompute_all(today=TODAY)
    assert {f.staff for f in of(DECAY, detail="decay")} == {olu, other}
    assert not of(CAPACITY)
    board.contacts(olu, [0] * 20, minutes=900)  # 300 hours today against 270 in the window
    counts = recompute_days([board.team.pk], day(0), day(0), today=TODAY)
    assert counts["decay_cleared"] == 1
    assert [f.staff for f in of(DECAY, detail="decay")] == [other]  # South untouched
    (gap,) = of(CAPACITY)
    assert gap.team == board.team and gap.figures["demand_hours"] == 300.0
    assert counts[CAPACITY] == 1
    decay = Flag.objects.get(kind=DECAY, staff=olu)
    assert not decay.active and decay.events.last().action == "cleared"
