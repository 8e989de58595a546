"""HCPC profile drafts: saved per person, reopened filled in, listed, updated and deleted."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from competencies.models import HCPCProfileDraft
from competencies.portfolio import services
from tests.conftest import login
from tests.exports.factories import cpd_entry

SUMMARY = "I am a band 5 physiotherapist in MSK outpatients, half way through this."


@pytest.fixture
def profile_url(planned) -> str:
    return reverse("exports:hcpc_profile", args=[planned.person.staff_number])


@pytest.fixture
def list_url(planned) -> str:
    return reverse("exports:hcpc_drafts", args=[planned.person.staff_number])


def draft_url(person, pk: int) -> str:
    return f"/portal/people/{person.staff_number}/hcpc-profile/drafts/{pk}/"


def chosen(planned, n: int) -> list[int]:
    return [e.pk for e in planned.entries[:n]]


def save(client, url, *, summary=SUMMARY, ids=(), title=""):
    return client.post(
        url, {"summary": summary, "activities": list(ids), "title": title, "save_draft": "1"}
    )


def checked(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'type="checkbox" value="(\d+)" checked', html)}


def textarea(html: str) -> str:
    match = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)
    assert match, "no summary box"
    return match.group(1).strip()


def test_saving_a_draft_keeps_the_person_on_the_form_at_the_drafts_own_address(
    client, planned, profile_url
):
    login(client, planned.person.user)
    response = save(client, profile_url, ids=chosen(planned, 2), title="Audit 2026")
    draft = HCPCProfileDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == draft_url(planned.person, draft.pk)
    html = client.get(response["Location"]).content.decode()
    assert "Draft saved" in html
    assert "Prepare your HCPC CPD profile" in html
    assert textarea(html) == SUMMARY
    assert checked(html) == set(chosen(planned, 2))
    assert "Audit 2026" in html
    assert "Your summary has 13 words." in html


def test_a_draft_reopens_filled_in_after_leaving(client, planned, profile_url):
    login(client, planned.person.user)
    location = save(client, profile_url, ids=chosen(planned, 3))["Location"]
    client.logout()
    login(client, planned.person.user)
    html = client.get(location).content.decode()
    assert textarea(html) == SUMMARY
    assert checked(html) == set(chosen(planned, 3))
    assert "Draft saved" not in html  # the banner was for the save, not for every visit


def test_a_draft_without_a_name_is_named_after_the_day(client, planned, profile_url, today):
    login(client, planned.person.user)
    save(client, profile_url)
    assert HCPCProfileDraft.objects.get().title == f"HCPC profile, {today:%-d %B %Y}"


def test_a_draft_with_two_activities_saves_but_a_profile_with_two_is_refused(
    client, planned, profile_url
):
    login(client, planned.person.user)
    built = client.post(profile_url, {"summary": SUMMARY, "activities": chosen(planned, 2)})
    html = built.content.decode()
    assert "Choose at least 4 activities: you chose 2." in html
    assert HCPCProfileDraft.objects.count() == 0

    saved = save(client, profile_url, ids=chosen(planned, 2))
    assert saved.status_code == 302
    html = client.get(saved["Location"]).content.decode()
    assert "Draft saved" in html
    assert "There is a problem" not in html


def test_an_empty_draft_saves(client, planned, profile_url):
    login(client, planned.person.user)
    response = save(client, profile_url, summary="")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Draft saved" in html
    assert checked(html) == set()


def test_the_list_shows_drafts_last_saved_first_with_what_they_hold(
    client, planned, profile_url, list_url
):
    login(client, planned.person.user)
    save(client, profile_url, title="First try", ids=chosen(planned, 2))
    save(client, profile_url, title="Second try", ids=chosen(planned, 5))
    html = client.get(list_url).content.decode()
    assert "<h1>Saved HCPC profiles</h1>" in html
    assert html.index("Second try") < html.index("First try")
    first, second = HCPCProfileDraft.objects.order_by("pk")
    rows = re.findall(r'<tr role="row" class="nhsuk-table__row">(.*?)</tr>', html, re.S)
    assert len(rows) == 2
    assert "Second try" in rows[0] and ">5</td>" in rows[0]
    assert "First try" in rows[1] and ">2</td>" in rows[1]
    for draft in (first, second):
        assert f'href="{draft_url(planned.person, draft.pk)}"' in html
        assert f'href="{draft_url(planned.person, draft.pk)}delete/"' in html


def test_the_list_takes_the_same_queries_for_one_draft_as_for_many(
    client, planned, profile_url, list_url
):
    login(client, planned.person.user)
    save(client, profile_url, ids=chosen(planned, 2))
    with CaptureQueriesContext(connection) as one:
        client.get(list_url)
    for n in range(4):
        save(client, profile_url, ids=chosen(planned, 3), title=f"Draft {n}")
    with CaptureQueriesContext(connection) as five:
        html = client.get(list_url).content.decode()
    assert html.count("Draft ") >= 4
    assert len(five) == len(one)


def test_an_empty_list_says_how_to_save_one(client, planned, list_url, profile_url):
    login(client, planned.person.user)
    html = client.get(list_url).content.decode()
    assert "No saved profiles yet" in html
    assert f'href="{profile_url}"' in html


def test_the_form_and_the_plan_link_to_the_list(client, planned, profile_url, list_url):
    login(client, planned.person.user)
    assert f'href="{list_url}"' in client.get(profile_url).content.decode()
    plan = reverse("exports:plan", args=[planned.person.staff_number])
    assert f'href="{list_url}"' in client.get(plan).content.decode()
    html = client.get(profile_url).content.decode()
    assert 'name="save_draft"' in html and "Save draft" in html and "Build my profile" in html


def test_saving_again_updates_the_same_draft(client, planned, profile_url, list_url):
    login(client, planned.person.user)
    location = save(client, profile_url, ids=chosen(planned, 2), title="Mine")["Location"]
    again = save(client, location, summary="Now finished.", ids=chosen(planned, 4), title="Mine")
    assert again["Location"] == location
    html = client.get(location).content.decode()
    assert textarea(html) == "Now finished."
    assert checked(html) == set(chosen(planned, 4))
    listed = client.get(list_url).content.decode()
    assert listed.count("Mine</a>") == 1


def test_building_from_a_draft_shows_the_profile_and_leaves_the_draft(client, planned, profile_url):
    login(client, planned.person.user)
    location = save(client, profile_url, ids=chosen(planned, 4))["Location"]
    html = client.post(
        location, {"summary": "Built, not saved.", "activities": chosen(planned, 4)}
    ).content.decode()
    assert "Statement of how I have met the standards" in html
    assert textarea(client.get(location).content.decode()) == SUMMARY


def test_deleting_asks_first_then_removes_the_draft(client, planned, profile_url, list_url):
    login(client, planned.person.user)
    location = save(client, profile_url, title="To go")["Location"]
    delete_url = location + "delete/"
    confirm = client.get(delete_url).content.decode()
    assert "Delete 'To go'?" in confirm
    assert 'method="post"' in confirm
    assert client.get(location).status_code == 200  # asking deleted nothing

    response = client.post(delete_url)
    assert response["Location"] == list_url
    html = client.get(list_url).content.decode()
    assert "Deleted the draft &#x27;To go&#x27;." in html
    assert "No saved profiles yet" in html
    assert client.get(location).status_code == 404


def test_a_cpd_activity_deleted_later_drops_out_of_the_draft(
    client, planned, profile_url, list_url
):
    login(client, planned.person.user)
    location = save(client, profile_url, ids=chosen(planned, 3))["Location"]
    gone = planned.entries[0]
    gone.delete()
    html = client.get(location).content.decode()
    assert checked(html) == set(chosen(planned, 3)) - {gone.pk}
    assert ">2</td>" in client.get(list_url).content.decode()


def test_another_persons_draft_is_not_found(client, planned):
    theirs = services.save_hcpc_draft(
        planned.world.stranger,
        services.HCPCDraftInput(title="Sam's", summary="Sam's own words."),
        user=planned.world.stranger.user,
    )
    cara = planned.person
    login(client, cara.user)
    for url in (draft_url(cara, theirs.pk), draft_url(cara, theirs.pk) + "delete/"):
        assert client.get(url).status_code == 404
        assert save(client, url, summary="Overwritten").status_code == 404
    assert client.post(draft_url(cara, theirs.pk) + "delete/").status_code == 404
    assert client.get(draft_url(cara, 999999)).status_code == 404
    assert (
        "Sam&#x27;s"
        not in client.get(reverse("exports:hcpc_drafts", args=[cara.staff_number])).content.decode()
    )
    theirs.refresh_from_db()
    assert theirs.summary == "Sam's own words."


def test_the_line_manager_and_administrators_get_404(client, planned, profile_url, list_url):
    login(client, planned.person.user)
    location = save(client, profile_url, ids=chosen(planned, 2))["Location"]
    for user in (planned.world.manager.user, planned.world.user("administrator")):
        client.force_login(user)
        for url in (list_url, location, location + "delete/"):
            assert client.get(url).status_code == 404
        assert save(client, location, summary="Not theirs").status_code == 404
        assert client.post(location + "delete/").status_code == 404
    assert HCPCProfileDraft.objects.get().summary == SUMMARY


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"summary": "x" * 20_001}, "Ensure this value has at most 20000 characters"),
        ({"title": "t" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_too_long_text_is_refused_and_nothing_is_written(
    client, planned, profile_url, fields, message
):
    login(client, planned.person.user)
    response = save(client, profile_url, **fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert HCPCProfileDraft.objects.count() == 0


def test_someone_elses_or_an_old_activity_is_refused_and_nothing_is_written(
    client, planned, profile_url
):
    other = cpd_entry(planned.world.stranger, title="Not mine")
    login(client, planned.person.user)
    location = save(client, profile_url, ids=chosen(planned, 2))["Location"]
    for intruder in (other, planned.old_entry):
        for url in (profile_url, location):
            html = save(client, url, summary="Changed", ids=[intruder.pk]).content.decode()
            assert "Choose activities from your own CPD log of the last two years." in html
    draft = HCPCProfileDraft.objects.get()
    assert draft.summary == SUMMARY
    assert set(draft.activities.values_list("pk", flat=True)) == set(chosen(planned, 2))


def test_the_service_refuses_others_and_unsound_drafts(planned):
    cara = planned.person
    with pytest.raises(PermissionDenied):
        services.save_hcpc_draft(
            cara,
            services.HCPCDraftInput(title="", summary="By my manager"),
            user=planned.world.manager.user,
        )
    with pytest.raises(ValidationError) as refused:
        services.save_hcpc_draft(
            cara,
            services.HCPCDraftInput(title="", summary="", activities=[planned.old_entry]),
            user=cara.user,
        )
    assert refused.value.message_dict["activities"] == [
        "Choose activities from your own CPD log of the last two years."
    ]
    draft = services.save_hcpc_draft(
        cara, services.HCPCDraftInput(title="Mine", summary=""), user=cara.user
    )
    with pytest.raises(PermissionDenied):
        services.delete_hcpc_draft(draft, user=planned.world.manager.user)
    assert HCPCProfileDraft.objects.filter(pk=draft.pk).exists()
    assert HCPCProfileDraft.objects.count() == 1


def test_saves_and_deletes_are_audited_without_the_summary(client, planned, profile_url):
    login(client, planned.person.user)
    location = save(client, profile_url, ids=chosen(planned, 2), title="Audited")["Location"]
    save(client, location, summary="Secret words here.", ids=chosen(planned, 2), title="Audited")
    client.post(location + "delete/")
    actions = list(
        ModelLogEntry.objects.filter(label="Audited").order_by("pk").values_list("action", "data")
    )
    assert [a for a, _ in actions] == ["wagtail.create", "ksf.change", "wagtail.delete"]
    assert "Secret words" not in str(actions)
    assert actions[1][1]["changes"]["summary of practice"][1] == "3 words"
