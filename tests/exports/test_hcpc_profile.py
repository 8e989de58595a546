import re

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.exports.factories import cpd_entry


@pytest.fixture
def url(planned) -> str:
    return reverse("exports:hcpc_profile", args=[planned.person.staff_number])


def chosen(planned, n: int) -> list[int]:
    return [e.pk for e in planned.entries[:n]]


def post(client, url, *, summary="I am a band 5 physiotherapist in MSK outpatients.", ids=()):
    return client.post(url, {"summary": summary, "activities": list(ids)})


def test_form_lists_the_last_two_years_of_activities(client, planned, url):
    login(client, planned.person.user)
    html = client.get(url).content.decode()
    assert 'method="post"' in html
    assert html.count('type="checkbox"') == len(planned.entries)
    assert "Shoulder course (Formal or educational, 6 hours)" in html
    assert "Case review (Work-based learning, 1.5 hours)" in html
    assert "Long ago course" not in html
    assert "Someone else" not in html


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (3, "Choose at least 4 activities: you chose 3."),
        (7, "Choose no more than 6 activities: you chose 7."),
        (0, "Choose 4 to 6 activities from your CPD log."),
    ],
)
def test_refuses_too_few_or_too_many_activities(client, planned, url, count, message):
    login(client, planned.person.user)
    response = post(client, url, ids=chosen(planned, count))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert "Statement of how I have met the standards" not in html


def test_refuses_a_summary_over_500_words_and_says_how_long_it_is(client, planned, url):
    login(client, planned.person.user)
    response = post(client, url, summary="word " * 501, ids=chosen(planned, 4))
    html = response.content.decode()
    assert "Your summary is 501 words long: shorten it to 500 words or fewer." in html
    assert "Statement of how I have met the standards" not in html
    # The choices are kept for the second try.
    assert len(re.findall(r'type="checkbox" value="\d+" checked', html)) == 4


def test_a_summary_of_exactly_500_words_is_accepted(client, planned, url):
    login(client, planned.person.user)
    html = post(client, url, summary="word " * 500, ids=chosen(planned, 4)).content.decode()
    assert "Statement of how I have met the standards" in html


def test_refuses_activities_that_are_not_the_persons_own(client, planned, url):
    other = cpd_entry(planned.world.stranger, title="Not mine")
    old = planned.old_entry
    login(client, planned.person.user)
    for intruder in (other, old):
        html = post(client, url, ids=[*chosen(planned, 4), intruder.pk]).content.decode()
        assert "Choose activities from your own CPD log of the last two years." in html


def test_profile_shows_the_selected_activities_and_the_standards(client, planned, url):
    planned.person.hcpc_number = "PH654321"
    planned.person.save()
    login(client, planned.person.user)
    picked = planned.entries[:4]
    response = post(
        client, url, summary="I work in <b>MSK</b> outpatients.", ids=[e.pk for e in picked]
    )
    html = response.content.decode()

    # Personal details and the summary, escaped.
    assert "Cara Clinician" in html and "PH654321" in html and "Physiotherapist" in html
    assert "I work in &lt;b&gt;MSK&lt;/b&gt; outpatients." in html
    # Every activity of the period is listed; only the chosen ones are written up, in date order.
    for entry in planned.entries:
        assert entry.title.replace('"', "&quot;") in html
    written_up = re.findall(r'<h3 id="activity-(\d)">Activity \d: ([^<]+)</h3>', html)
    oldest_first = sorted(picked, key=lambda e: e.date)
    assert written_up == [(str(i), e.title) for i, e in enumerate(oldest_first, start=1)]
    for entry in picked:
        assert entry.learning in html
        assert entry.practice_change in html
        assert entry.service_user_benefit in html
    # The five standards, with the mixture of activity types counted.
    for n in range(1, 6):
        assert f'id="standard-{n}"' in html
    assert "cover 4 different types of learning" in html
    # Evidence is numbered and listed with file names and links.
    assert "Evidence 1" in html and "Evidence 2" in html
    assert "certificate.pdf" in html
    assert "https://example.org/notes" in html
    assert "Course certificate" in html and "Course notes" in html


def test_profile_warns_about_missing_reflections(client, planned, url):
    entry = planned.entries[1]
    entry.service_user_benefit = ""
    entry.save()
    login(client, planned.person.user)
    html = post(client, url, ids=chosen(planned, 4)).content.decode()
    assert f"“{entry.title}” does not yet say the benefit to service users" in html


def test_the_line_manager_and_administrators_get_404(client, planned, url):
    for user in (planned.world.manager.user, planned.world.user("administrator")):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert post(client, url, ids=chosen(planned, 4)).status_code == 404


def test_an_empty_submission_says_what_is_missing(client, planned, url):
    login(client, planned.person.user)
    html = client.post(url, {}).content.decode()
    assert "Write a summary of your practice." in html
    assert "Choose 4 to 6 activities from your CPD log." in html
