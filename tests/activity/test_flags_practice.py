"""Practice without a valid sign-off, supervised practice and the lifecycle across recomputes."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from competencies.activity.flags import lifecycle, reasons
from competencies.activity.flags.recompute import recompute_all, recompute_days
from competencies.models import ActivityRequirement, Flag, FlagEvent
from fellowships.models import Milestone
from ksf import dates
from tests.activity.flags_world import TODAY, Board, day
from tests.factories import UserFactory
from tests.fellowships.factories import enrolment, programme

pytestmark = pytest.mark.django_db

UNVERIFIED = Flag.Kind.UNVERIFIED_PRACTICE


def unverified():
    return list(Flag.objects.filter(kind=UNVERIFIED).order_by("detail", "pk"))


@pytest.fixture
def board():
    return Board()


def test_expiry_day_counts_as_expired_the_day_before_does_not(board):
    ffion = board.person()
    board.sign_off(ffion, on=-400, expires=-20)
    board.contacts(ffion, [-22, -21, -20, -19])  # valid, valid, expired on the day, expired
    counts = recompute_all(today=TODAY)
    assert counts[UNVERIFIED] == 1
    (flag,) = unverified()
    assert flag.staff == ffion and flag.team == board.team and flag.competency == board.c1
    assert flag.contact_count == 2
    assert (flag.first_seen, flag.last_seen) == (day(-20), day(-19))
    assert flag.figures["expired_on"] == day(-20).isoformat()
    assert flag.figures["level"] == "Competent"
    assert flag.status == Flag.Status.OPEN and flag.active
    assert [e.action for e in flag.events.all()] == [FlagEvent.Action.RAISED]
    sentence = reasons.reason(flag)
    assert sentence.startswith("Ffion Parry did 2 contacts of ultrasound-guided shoulder injection")
    assert "without a valid sign-off in Knee injection" in sentence
    assert sentence.endswith(f"(expired {day(-20):%-d %B %Y}).")
    assert "Renew your sign-off" in reasons.next_step(flag, for_person=True)
    assert "Ffion" in reasons.next_step(flag, for_person=False)
    assert "prompt to look, not a finding" in str(reasons.PROMPT_NOT_FINDING)


def test_only_attended_contacts_at_the_level_and_within_the_rule_count(board):
    ffion = board.person()
    board.sign_off(ffion, on=-400, value=board.novice)  # below the proficient level
    board.contacts(ffion, [-5], attendance="did_not_attend")
    board.contacts(ffion, [-4], code="99999999")  # not in the map
    board.contacts(ffion, [-3])
    ActivityRequirement.objects.create(
        activity_type="review",
        label="Injection review",
        competency=board.c1,
        valid_from=day(-10),
        valid_to=day(-2),
    )
    board.contacts(ffion, [-12, -2, -1], code="12345", activity_type="review")  # only -2 in range
    recompute_all(today=TODAY)
    (flag,) = unverified()
    assert flag.contact_count == 2
    assert (flag.first_seen, flag.last_seen) == (day(-3), day(-2))
    assert flag.figures["expired_on"] is None
    assert "(expired" not in reasons.reason(flag)


def test_a_contact_matched_twice_counts_once_and_a_valid_sign_off_means_no_flag(board):
    ffion = board.person()
    ActivityRequirement.objects.create(
        procedure_code="241497006",
        activity_type="intervention",
        label="Shoulder injection (intervention)",
        competency=board.c1,
        valid_from=day(-3000),
    )
    board.contacts(ffion, [-3], activity_type="intervention")
    recompute_all(today=TODAY)
    (flag,) = unverified()
    assert flag.contact_count == 1
    board.sign_off(ffion, on=-400, value=board.expert)
    recompute_all(today=TODAY)
    flag.refresh_from_db()
    assert not flag.active
    assert [e.action for e in flag.events.all()] == ["raised", "cleared"]


def test_a_fellow_under_supervision_is_supervised_practice_not_a_breach(board):
    fellow = board.person("Fflur", "Fellow")
    made = programme()
    Milestone.objects.create(
        programme=made,
        sort_order=5,
        stage="Sign-off",
        title="Guided injection signed off",
        kind=Milestone.Kind.COMPETENCY,
        competency=board.c1,
    )
    enrolment(fellow=fellow, on=made, started_days_ago=30)
    board.contacts(fellow, [-40, -10, -5])  # before the enrolment, then during it
    recompute_all(today=TODAY)
    breach, supervised = unverified()
    assert (breach.detail, breach.contact_count, breach.last_seen) == ("", 1, day(-40))
    assert (supervised.detail, supervised.contact_count) == ("supervised", 2)
    assert supervised.first_seen == day(-10)
    assert "under fellowship supervision" in reasons.reason(supervised)


def test_resolved_flag_reopens_when_the_cause_returns(board):
    ffion = board.person()
    manager = UserFactory()
    board.contacts(ffion, [-3, -2])
    recompute_all(today=TODAY)
    (flag,) = unverified()
    lifecycle.resolve(flag, manager, "Sign-off was on paper; asked Ffion to record it.")
    recompute_all(today=TODAY)  # same contacts: stays resolved
    flag.refresh_from_db()
    assert flag.status == Flag.Status.RESOLVED and flag.active
    # New work the day after it was resolved (TODAY is fixed when the suite starts, which
    # may be before midnight), without a sign-off.
    after = (dates.today() - TODAY).days + 1
    board.contacts(ffion, [after])
    recompute_days([board.team.pk], day(after), day(after), today=day(after))
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN
    assert flag.contact_count == 3 and flag.last_seen == day(after)
    assert [e.action for e in flag.events.all()] == ["raised", "resolved", "reopened"]
    assert flag.events.get(action="resolved").by == manager


def test_acknowledge_or_resolve_without_a_note_is_refused_and_nothing_written(board):
    ffion = board.person()
    board.contacts(ffion, [-3])
    recompute_all(today=TODAY)
    (flag,) = unverified()
    user = UserFactory()
    for action in (lifecycle.acknowledge, lifecycle.resolve):
        with pytest.raises(ValidationError) as refused:
            action(flag, user, "   ")
        assert "Add a note" in str(refused.value)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN and flag.status_note == "" and flag.status_by is None
    assert flag.events.count() == 1
    lifecycle.acknowledge(flag, user, "Talking to Ffion on Monday.")
    flag.refresh_from_db()
    assert flag.status == Flag.Status.ACKNOWLEDGED and flag.status_by == user
    with pytest.raises(ValidationError):
        lifecycle.acknowledge(flag, user, "Again")
    lifecycle.reopen(flag, user, "")
    assert [e.action for e in flag.events.all()] == ["raised", "acknowledged", "reopened"]


def test_recompute_days_touches_only_the_teams_it_is_given(board):
    ffion = board.person()
    sion = board.person("Sion", "South", team=board.team_b)
    board.contacts(ffion, [-3])
    board.contacts(sion, [-3], team=board.team_b)
    recompute_days([board.team.pk], day(-3), day(-3), today=TODAY)
    assert [f.staff for f in unverified()] == [ffion]
    recompute_days([board.team_b.pk], day(-3), day(-3), today=TODAY)
    assert {f.staff for f in unverified()} == {ffion, sion}
    board.sign_off(sion, on=-400)
    recompute_days([board.team.pk], day(-3), day(-3), today=TODAY)
    assert Flag.objects.get(staff=sion).active  # South was not recomputed
    recompute_days([board.team_b.pk], day(-3), day(-3), today=TODAY)
    assert not Flag.objects.get(staff=sion).active
    assert Flag.objects.get(staff=ffion).active


def test_recompute_flags_command_prints_counts(board, capsys):
    from django.core.management import call_command

    ffion = board.person()
    board.contacts(ffion, [-3])
    call_command("recompute_flags")
    out = capsys.readouterr().out
    assert "Practice without a valid sign-off: 1" in out
    call_command("recompute_flags", "--days", "7")
    assert "Practice without a valid sign-off: 1" in capsys.readouterr().out
    (flag,) = unverified()
    assert flag.events.count() == 1
    assert "Capacity gap: 1" in out


def test_nothing_to_flag_without_contacts(board):
    board.person()
    assert recompute_all(today=TODAY)[UNVERIFIED] == 0
    assert recompute_days([], day(-1), day(0), today=TODAY)[UNVERIFIED] == 0
    assert not Flag.objects.exists()
    assert isinstance(day(0), datetime.date)


def test_recompute_days_follows_a_corrected_day_and_keeps_the_rest_of_the_history(board):
    from competencies.models import Contact

    ffion = board.person()
    board.contacts(ffion, [-30, -20])
    recompute_all(today=TODAY)
    board.contacts(ffion, [-2, -2])
    recompute_days([board.team.pk], day(-2), day(-2), today=TODAY)
    (flag,) = unverified()
    assert (flag.contact_count, flag.first_seen, flag.last_seen) == (4, day(-30), day(-2))
    # the corrected file moved one of them to a DNA: one fewer, history kept
    Contact.objects.filter(contact_date=day(-2)).first().delete()
    Contact.objects.filter(contact_date=day(-2)).update(attendance="did_not_attend")
    recompute_days([board.team.pk], day(-2), day(-2), today=TODAY)
    flag.refresh_from_db()
    assert (flag.contact_count, flag.first_seen, flag.last_seen) == (2, day(-30), day(-20))
    assert flag.active
    Contact.objects.filter(contact_date__in=[day(-30), day(-20)]).delete()
    recompute_days([board.team.pk], day(-30), day(-20), today=TODAY)
    flag.refresh_from_db()
    assert not flag.active
