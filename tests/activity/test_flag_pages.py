"""The flag pages as their users meet them: the team lead's list, a clinician's own flags,
one flag with the contacts behind it, acknowledging with a note, and the refusals."""

import datetime

import pytest
from django.urls import reverse

from competencies.models import Flag, FlagEvent
from ksf import dates
from tests.activity import flag_samples as s
from tests.conftest import login

PROMPT = "A flag is a prompt to look, not a finding about a person"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def sample(world):
    return s.sample(world)


def test_team_lead_sees_the_teams_flags_with_reason_counts_and_the_prompt(client, world, sample):
    login(client, world.manager.user)
    response = client.get(reverse("flags:team", args=[world.team.pk]))
    assert response.status_code == 200
    page = text(response)
    assert PROMPT in page
    assert "Practice without a valid sign-off" in page
    assert "Capacity gap" in page
    assert "Cara Clinician" in page
    assert "Injection therapy" in page
    assert "Sam Stranger" not in page  # another team's flag
    assert reverse("flags:detail", args=[sample.cara_flag.pk]) in page
    assert reverse("flags:team_funnel", args=[world.team.pk]) in page
    assert reverse("flags:team_workbook", args=[world.team.pk]) in page
    kinds = {label: n for _v, label, n in response.context["counts"]}
    assert kinds["Practice without a valid sign-off"] == 1
    assert kinds["Capacity gap"] == 1


def test_team_page_filters_by_kind_and_says_when_nothing_matches(client, world, sample):
    login(client, world.manager.user)
    url = reverse("flags:team", args=[world.team.pk])
    page = text(client.get(url, {"kind": "capacity"}))
    assert "Capacity gap" in page and "Cara Clinician</td>" not in page
    page = text(client.get(url, {"status": "resolved"}))
    assert "No flags match these filters." in page
    # A bad date is ignored, not an error.
    assert client.get(url, {"since": "not-a-date"}).status_code == 200


def test_empty_team_says_when_flags_are_worked_out(client, world):
    login(client, world.manager.user)
    page = text(client.get(reverse("flags:team", args=[world.team.pk])))
    assert (
        "No open flags for this team. Flags are recalculated every night and after each "
        "activity import." in page
    )


def test_clinician_sees_their_own_flags_with_a_next_step_and_no_one_elses(client, world, sample):
    login(client, world.clinician.user)
    response = client.get(reverse("flags:mine"))
    page = text(response)
    assert response.status_code == 200
    assert "My flags" in page and PROMPT in page
    assert "What to do next:" in page
    assert "Practice without a valid sign-off" in page
    assert "Capacity gap" not in page  # a team flag is for the team's lead
    assert "Sam Stranger" not in page


def test_clinician_opening_another_persons_flags_is_told_they_do_not_exist(client, world, sample):
    login(client, world.clinician.user)
    assert client.get(reverse("flags:detail", args=[sample.stranger_flag.pk])).status_code == 404
    assert (
        client.get(reverse("flags:person", args=[world.stranger.staff_number])).status_code == 404
    )
    assert client.get(reverse("flags:team", args=[world.team.pk])).status_code == 404
    assert client.get(reverse("flags:detail", args=[sample.team_flag.pk])).status_code == 404
    # Their own person page sends them to "My flags".
    response = client.get(reverse("flags:person", args=[world.clinician.staff_number]))
    assert response.status_code == 302 and response.url == reverse("flags:mine")


def test_clinician_reads_their_flag_but_cannot_change_it(client, world, sample):
    login(client, world.clinician.user)
    url = reverse("flags:detail", args=[sample.cara_flag.pk])
    page = text(client.get(url))
    assert "Record what you did" not in page
    assert "you can read the flag and its history here" in page
    response = client.post(url, {"action": "acknowledge", "note": "I think it is fine"})
    assert response.status_code == 403
    sample.cara_flag.refresh_from_db()
    assert sample.cara_flag.status == Flag.Status.OPEN
    assert not FlagEvent.objects.filter(flag=sample.cara_flag).exists()


def test_acknowledging_without_a_note_shows_the_message_and_writes_nothing(client, world, sample):
    login(client, world.manager.user)
    url = reverse("flags:detail", args=[sample.cara_flag.pk])
    before = FlagEvent.objects.count()
    response = client.post(url, {"action": "acknowledge", "note": "   "})
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert "Add a note saying what you looked at and what you decided." in text(response)
    assert response.context["form"].errors["note"]
    sample.cara_flag.refresh_from_db()
    assert sample.cara_flag.status == Flag.Status.OPEN
    assert sample.cara_flag.status_note == ""
    assert FlagEvent.objects.count() == before


def test_acknowledging_with_a_note_is_kept_in_the_history(client, world, sample):
    login(client, world.manager.user)
    url = reverse("flags:detail", args=[sample.cara_flag.pk])
    response = client.post(
        url, {"action": "acknowledge", "note": "Supervised by Mona until re-signed."}, follow=True
    )
    assert response.status_code == 200
    page = text(response)
    assert "Flag acknowledged" in page
    assert "Supervised by Mona until re-signed." in page
    sample.cara_flag.refresh_from_db()
    assert sample.cara_flag.status == Flag.Status.ACKNOWLEDGED
    assert sample.cara_flag.status_by == world.manager.user
    event = FlagEvent.objects.get(flag=sample.cara_flag, action=FlagEvent.Action.ACKNOWLEDGED)
    assert event.note == "Supervised by Mona until re-signed."
    # Acknowledged: it can be resolved now, or reopened, not acknowledged again.
    actions = [v for v, _ in response.context["form"].fields["action"].choices]
    assert actions == ["resolve", "reopen"]


def test_an_action_the_status_does_not_allow_is_refused(client, world, sample):
    login(client, world.manager.user)
    url = reverse("flags:detail", args=[sample.cara_flag.pk])
    response = client.post(url, {"action": "reopen", "note": "Again"})
    assert response.status_code == 200 and response.context["form"].errors["action"]
    sample.cara_flag.refresh_from_db()
    assert sample.cara_flag.status == Flag.Status.OPEN


def test_drill_down_lists_the_contacts_behind_the_flag_without_patient_keys(client, world, sample):
    login(client, world.manager.user)
    response = client.get(reverse("flags:detail", args=[sample.cara_flag.pk]))
    page = text(response)
    assert response.status_code == 200
    assert PROMPT in page
    rows = list(response.context["page_obj"].object_list)
    # three injections in range; not the other code, not the one before first seen
    assert len(rows) == 3
    assert {r.procedure_code for r in rows} == {s.CODE}
    assert "Ultrasound-guided shoulder injection" in page
    assert s.CODE in page
    assert "Attended" in page
    assert "MSK North" in page
    assert "a" * 64 not in page and "b" * 64 not in page


def test_drill_down_pages_fifty_contacts_at_a_time(client, world, sample):
    today = dates.today()
    s.contacts(
        world.clinician,
        world.team,
        [today - datetime.timedelta(days=1 + (i % 25)) for i in range(60)],
    )
    login(client, world.manager.user)
    url = reverse("flags:detail", args=[sample.cara_flag.pk])
    first = client.get(url)
    assert len(first.context["page_obj"].object_list) == 50
    assert "Page 2 of 2" in text(first)
    second = client.get(url, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 13


def test_team_flag_drills_into_the_teams_contacts(client, world, sample):
    login(client, world.manager.user)
    response = client.get(reverse("flags:detail", args=[sample.team_flag.pk]))
    assert len(response.context["page_obj"].object_list) == 3
    page = text(response)
    assert "The team" in page
    assert "Demand (hours of contact)" in page
    assert "needed 15 hours of ultrasound-guided shoulder injection" in page


def test_service_lead_sees_counts_by_team_and_filters_across_teams(client, world, sample):
    login(client, world.users["service_lead"])
    response = client.get(reverse("flags:overview"))
    assert response.status_code == 200
    page = text(response)
    assert PROMPT in page
    (row,) = response.context["team_counts"]
    assert row.team == "MSK North" and row.total == 2 and row.open == 2
    assert "Acute OT" not in page
    filtered = client.get(reverse("flags:overview"), {"kind": "unverified"})
    (row,) = filtered.context["team_counts"]
    assert row.total == 1
    assert [r.flag.pk for r in filtered.context["rows"]] == [sample.cara_flag.pk]
    # The service lead acts on the team's flags too.
    assert client.get(reverse("flags:detail", args=[sample.cara_flag.pk])).context["form"]


def test_clinician_has_no_list_across_teams(client, world, sample):
    login(client, world.clinician.user)
    assert client.get(reverse("flags:overview")).status_code == 404


def test_manager_sees_a_persons_flags(client, world, sample):
    login(client, world.manager.user)
    response = client.get(reverse("flags:person", args=[world.clinician.staff_number]))
    page = text(response)
    assert response.status_code == 200
    assert "Flags about Cara Clinician" in page
    assert "Practice without a valid sign-off" in page
    assert (
        client.get(reverse("flags:person", args=[world.stranger.staff_number])).status_code == 404
    )


def test_team_and_development_pages_link_to_the_flags(client, world, sample):
    login(client, world.manager.user)
    page = text(client.get(reverse("ksf:team_detail", args=[world.team.pk])))
    assert reverse("flags:team", args=[world.team.pk]) in page
    login(client, world.clinician.user)
    page = text(client.get(reverse("development:person", args=[world.clinician.staff_number])))
    assert reverse("flags:mine") in page


def test_a_line_manager_who_does_not_lead_the_team_acts_on_their_reports_flags_only(
    client, world, sample
):
    from tests.factories import AssignmentFactory, StaffMemberFactory, staff_with_login

    line_manager = staff_with_login(first_name="Lina", last_name="Line")
    report = StaffMemberFactory(first_name="Rhys", last_name="Report")
    AssignmentFactory(staff=report, team=world.team, post=world.post, line_manager=line_manager)
    theirs = s.flag(team=world.team, staff=report, competency=sample.competency)
    login(client, line_manager.user)
    response = client.get(reverse("flags:detail", args=[theirs.pk]))
    assert response.status_code == 200 and response.context["form"] is not None
    assert client.get(reverse("flags:detail", args=[sample.cara_flag.pk])).status_code == 404
    assert client.get(reverse("flags:detail", args=[sample.team_flag.pk])).status_code == 404
    assert client.get(reverse("flags:team", args=[world.team.pk])).status_code == 404
    page = text(client.get(reverse("flags:person", args=[report.staff_number])))
    assert "Flags about Rhys Report" in page


def test_a_resolved_flag_can_be_reopened(client, world, sample):
    login(client, world.manager.user)
    url = reverse("flags:detail", args=[sample.cara_flag.pk])
    client.post(url, {"action": "resolve", "note": "Sign-off found in the paper record."})
    sample.cara_flag.refresh_from_db()
    assert sample.cara_flag.status == Flag.Status.RESOLVED
    response = client.post(url, {"action": "reopen", "note": "It happened again."}, follow=True)
    assert "Flag reopened" in text(response)
    sample.cara_flag.refresh_from_db()
    assert sample.cara_flag.status == Flag.Status.OPEN
    actions = list(FlagEvent.objects.filter(flag=sample.cara_flag).values_list("action", flat=True))
    assert actions == ["resolved", "reopened"]
