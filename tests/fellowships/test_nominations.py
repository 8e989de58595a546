"""A manager nominates someone they manage for a programme: the application waits for the
person to say why they want to train (then goes to the service lead as any other) or to
decline; who may nominate, and every refusal, with its reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fellowships.enrolments import services
from fellowships.models import Application, Enrolment
from ksf.models import Notification
from tests.conftest import login
from tests.factories import StaffMemberFactory, staff_with_login

REASON = "The team needs a second sonographer for the knee clinic."


def _nominate(fs, user=None, **kwargs):
    w = fs.world
    return services.nominate(
        kwargs.pop("person", w.clinician),
        kwargs.pop("programme", fs.programme),
        user=user or w.manager.user,
        reason=kwargs.pop("reason", REASON),
    )


def test_the_person_completes_a_nomination_and_the_service_lead_decides_it(client, fs):
    w = fs.world
    nomination = _nominate(fs)
    assert nomination.status == Application.Status.NOMINATED
    assert nomination.supported_by == w.manager and nomination.manager_support == REASON
    told = Notification.objects.get(recipient=w.clinician.user)
    assert "Mona Manager nominated you for MSK point-of-care ultrasound" in told.subject

    # nothing to decide until the person has said why
    with pytest.raises(ValidationError):
        services.decide(nomination, user=w.users["service_lead"], approve=False, reason="No")

    login(client, w.clinician.user)
    mine = client.get(reverse("fellowships:mine")).content.decode()
    assert "Nominated: waiting for the applicant" in mine
    page = client.get(nomination.get_absolute_url()).content.decode()
    assert "You were nominated" in page and "Complete the application" in page
    apply_url = reverse("fellowships:apply", args=[fs.programme.pk])
    assert REASON in client.get(apply_url).content.decode()
    response = client.post(apply_url, {"statement": "I would run the knee scanning list."})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Application.Status.SUBMITTED
    assert Notification.objects.get(recipient=w.clinician.user).done_at is not None
    assert Notification.objects.filter(
        recipient=w.manager.user, subject__contains="completed the application"
    ).exists()

    client.logout()
    login(client, w.users["service_lead"])
    client.post(
        nomination.get_absolute_url(),
        {
            "form": "decide",
            "decision": "approve",
            "cost": "2400",
            "funding_source": "Education fund",
            "backfill_hours": "100",
            "start_date": nomination.created_at.date().isoformat(),
        },
    )
    assert Enrolment.objects.get().application == nomination


def test_who_may_nominate_and_what_is_refused(fs):
    w = fs.world
    with pytest.raises(PermissionDenied):  # people apply for themselves
        _nominate(fs, user=w.clinician.user)
    stranger = staff_with_login(first_name="Sam", last_name="Stranger")
    with pytest.raises(PermissionDenied, match="line manager, team lead or service lead"):
        _nominate(fs, user=stranger.user)
    with pytest.raises(ValidationError, match="Say why you are nominating them"):
        _nominate(fs, reason="  ")
    no_login = StaffMemberFactory(first_name="Nia", last_name="Nologin")
    from tests.factories import AssignmentFactory

    AssignmentFactory(staff=no_login, team=w.team, line_manager=w.manager)
    with pytest.raises(ValidationError, match="has no login"):
        _nominate(fs, person=no_login)
    fs.programme.live = False
    fs.programme.save()
    with pytest.raises(ValidationError, match="not open for applications"):
        _nominate(fs)
    fs.programme.live = True
    fs.programme.save()
    _nominate(fs)
    with pytest.raises(ValidationError, match="already has an application"):
        _nominate(fs)
    assert Application.objects.count() == 1


def test_the_person_declines_through_the_page_and_may_be_nominated_again(client, fs):
    w = fs.world
    nomination = _nominate(fs)
    login(client, w.manager.user)
    assert client.post(nomination.get_absolute_url(), {"form": "decline"}).status_code == 403
    client.logout()
    login(client, w.clinician.user)
    response = client.post(nomination.get_absolute_url(), {"form": "decline"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Application.Status.WITHDRAWN
    assert Notification.objects.filter(
        recipient=w.manager.user, subject__contains="declined the nomination"
    ).exists()
    again = client.post(nomination.get_absolute_url(), {"form": "decline"})
    assert again.status_code == 403  # nothing left to decline
    assert _nominate(fs).status == Application.Status.NOMINATED
