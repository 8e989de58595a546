"""The pages a clinician, an assessor and a manager use for development and sign-off."""

import pytest
from django.urls import reverse

from competencies.models import Attainment
from ksf import dates
from ksf.models import Notification
from tests.competencies.portfolio_fixtures import person_in_post
from tests.conftest import login
from tests.factories import AssignmentFactory, staff_with_login


@pytest.fixture
def s(db):
    return person_in_post(dates.today(), months_in_post=8, months_allowed=6)


def ask_manager(client, s) -> Attainment:
    """The person asks their manager to sign off the required competency, via the form."""
    login(client, s.person.user)
    client.post(
        reverse("development:competency", args=[s.competency.pk]),
        {"value": s.value("Competent").pk, "assessor": s.manager.pk},
    )
    return Attainment.objects.get()


def test_my_development_shows_each_requirement_with_status_and_counts(client, s):
    login(client, s.person.user)
    response = client.get(reverse("development:mine"), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "My development" in page
    assert "Knee injection" in page
    assert "Overdue" in page
    # Past its 6 months: the competency is red; the KSF foundation year is not over: amber.
    assert "<strong>1</strong> red" in page
    assert "<strong>6</strong> amber" in page


def test_manager_sees_the_persons_status_but_not_the_claim_links(client, s):
    login(client, s.manager.user)
    page = client.get(reverse("development:person", args=[s.person.staff_number])).content.decode()
    assert "Development status" in page
    assert reverse("development:competency", args=[s.competency.pk]) not in page


def test_clinician_claims_and_asks_for_sign_off_through_the_form(client, s):
    login(client, s.person.user)
    url = reverse("development:competency", args=[s.competency.pk])
    assert "Mo Manager" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "value": s.value("Competent").pk,
            "comment": "<script>x</script>",
            "assessor": s.manager.pk,
        },
        follow=True,
    )
    assert "Sign-off requested from Mo Manager." in response.content.decode()
    attainment = Attainment.objects.get()
    assert attainment.status == Attainment.Status.REQUESTED
    assert "&lt;script&gt;" in response.content.decode()


def test_choosing_oneself_as_assessor_is_refused_and_nothing_saved(client, s):
    login(client, s.person.user)
    url = reverse("development:competency", args=[s.competency.pk])
    response = client.post(url, {"value": s.value("Competent").pk, "assessor": s.person.pk})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Attainment.objects.exists()


def test_assessor_verifies_from_their_queue_and_the_status_turns_green(client, s):
    attainment = ask_manager(client, s)
    client.logout()
    login(client, s.manager.user)
    queue = client.get(reverse("development:signoff_list")).content.decode()
    assert "Pat Person" in queue and "Knee injection" in queue
    response = client.post(
        reverse("development:signoff_decide", args=[attainment.pk]),
        {"decision": "verify", "comment": "Observed in clinic"},
        follow=True,
    )
    assert "You verified Pat Person." in response.content.decode()
    client.logout()
    login(client, s.person.user)
    page = client.get(reverse("development:person", args=[s.person.staff_number])).content.decode()
    assert "Verified" in page and "by Mo Manager" in page
    assert Notification.objects.filter(recipient=s.person.user).exists()


def test_declining_without_a_comment_is_refused(client, s):
    attainment = ask_manager(client, s)
    client.logout()
    login(client, s.manager.user)
    response = client.post(
        reverse("development:signoff_decide", args=[attainment.pk]), {"decision": "decline"}
    )
    assert "Say why you are declining" in response.content.decode()
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.REQUESTED


def test_someone_not_asked_cannot_see_or_decide_the_request(client, s):
    attainment = ask_manager(client, s)
    other = staff_with_login()
    client.logout()
    login(client, other.user)
    url = reverse("development:signoff_decide", args=[attainment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "verify"}).status_code == 404
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.REQUESTED


def test_notifications_page_and_mark_read(client, s):
    Notification.objects.create(recipient=s.person.user, subject="Hello there", url="/")
    login(client, s.person.user)
    home = client.get("/").content.decode()
    assert "Notifications (1)" in home
    assert "Hello there" in client.get(reverse("ksf:notifications")).content.decode()
    client.post(reverse("ksf:notifications_read"))
    assert "Notifications (1)" not in client.get("/").content.decode()


def test_team_page_shows_each_member_with_counts_in_constant_queries(
    client, s, django_assert_max_num_queries
):
    team = s.person.assignments.get().team
    team.lead = s.manager
    team.save()
    from ksf.grants import sync_structure_permissions

    sync_structure_permissions()
    login(client, s.manager.user)
    url = reverse("team_development", args=[team.pk])
    page = client.get(url).content.decode()
    assert "Pat Person" in page
    assert "1 person" in page
    for _ in range(10):
        AssignmentFactory(staff=staff_with_login(), team=team, post=s.requirement.post)
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert "11 people" in response.content.decode()


def test_manager_home_lists_people_with_rag_counts(client, s):
    login(client, s.manager.user)
    page = client.get("/").content.decode()
    assert "People you manage" in page
    assert "Pat Person" in page
    assert "Sign-offs waiting" in page


def test_the_assessor_asked_can_open_the_attached_evidence_and_nobody_else(client, s):
    from django.core.files.base import ContentFile

    from competencies.models import Evidence

    item = Evidence(owner=s.person, title="Supervision notes", content_type="text/plain")
    item.file.save("notes.txt", ContentFile(b"Observed two clinics."), save=False)
    item.save()
    assessor = staff_with_login(first_name="Ash", last_name="Assessor")
    login(client, s.person.user)
    client.post(
        reverse("development:competency", args=[s.competency.pk]),
        {"value": s.value("Competent").pk, "assessor": assessor.pk, "evidence": [item.pk]},
    )
    url = reverse("cpd:evidence_file", args=[item.pk])
    client.logout()
    login(client, assessor.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Observed two clinics."
    decide = client.get(reverse("development:signoff_decide", args=[Attainment.objects.get().pk]))
    assert url in decide.content.decode()
    client.logout()
    login(client, staff_with_login().user)
    assert client.get(url).status_code == 404
