"""A notification that asks for something stops showing as new once that is dealt with."""

import datetime

import pytest
from django.urls import reverse

from competencies.models import Attainment
from competencies.portfolio.reminders import send_expiry_reminders
from ksf import dates
from ksf.models import Notification
from ksf.reviews import services as review_services
from tests.competencies.portfolio_fixtures import person_in_post
from tests.conftest import login
from tests.ksf.review_helpers import fresh, ready


@pytest.fixture
def s(db):
    return person_in_post(dates.today(), months_in_post=8, months_allowed=6)


def ask_manager(client, s) -> Attainment:
    login(client, s.person.user)
    client.post(
        reverse("development:competency", args=[s.competency.pk]),
        {"value": s.value("Competent").pk, "assessor": s.manager.pk},
    )
    client.logout()
    return Attainment.objects.filter(status=Attainment.Status.REQUESTED).get()


def notifications_page(client, user) -> str:
    client.logout()
    login(client, user)
    return client.get(reverse("ksf:notifications")).content.decode()


def test_a_sign_off_request_is_new_until_the_assessor_decides_it(client, s):
    attainment = ask_manager(client, s)
    page = notifications_page(client, s.manager.user)
    assert "asks you to sign off" in page
    assert "New" in page and "Dealt with" not in page
    assert "Notifications (1)" in client.get("/").content.decode()

    client.post(
        reverse("development:signoff_decide", args=[attainment.pk]),
        {"decision": "verify", "comment": "Observed in clinic"},
    )
    page = notifications_page(client, s.manager.user)
    assert "Dealt with" in page and "nothing more to do" in page
    assert ">New<" not in page
    assert "Notifications (1)" not in client.get("/").content.decode()


def test_a_withdrawn_claim_settles_the_assessors_notification(client, s):
    attainment = ask_manager(client, s)
    login(client, s.person.user)
    client.post(reverse("development:withdraw", args=[attainment.pk]))
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.WITHDRAWN
    note = Notification.objects.get(recipient=s.manager.user)
    assert note.done_at is not None and note.read_at is not None
    assert "Dealt with" in notifications_page(client, s.manager.user)


def test_a_new_claim_replacing_a_requested_one_settles_the_old_request(client, s):
    first = ask_manager(client, s)
    login(client, s.person.user)
    client.post(
        reverse("development:competency", args=[s.competency.pk]),
        {"value": s.value("Competent").pk, "assessor": s.manager.pk},
    )
    notes = Notification.objects.filter(recipient=s.manager.user).order_by("pk")
    assert [n.done_at is not None for n in notes] == [True, False]
    assert notes[0].topic == f"sign-off:{first.pk}"


def test_expiry_reminders_are_settled_by_a_new_verification(client, s):
    today = dates.today()
    attainment = ask_manager(client, s)
    login(client, s.manager.user)
    client.post(
        reverse("development:signoff_decide", args=[attainment.pk]),
        {"decision": "verify", "comment": "Seen"},
    )
    Attainment.objects.filter(pk=attainment.pk).update(
        expires_on=today + datetime.timedelta(days=20)
    )
    assert send_expiry_reminders(today) == 1
    reminder = Notification.objects.get(recipient=s.person.user, subject__contains="expires in")
    assert reminder.done_at is None

    renewal = ask_manager(client, s)
    login(client, s.manager.user)
    client.post(
        reverse("development:signoff_decide", args=[renewal.pk]),
        {"decision": "verify", "comment": "Seen again"},
    )
    reminder.refresh_from_db()
    assert reminder.done_at is not None
    page = notifications_page(client, s.person.user)
    assert "Dealt with" in page


def test_a_review_waiting_for_a_signature_is_settled_when_that_person_signs(world, client):
    review = ready(world)
    review_services.sign(review, world.manager.user, version=fresh(review).version)
    waiting = Notification.objects.get(
        recipient=world.clinician.user, subject__contains="waiting for your signature"
    )
    assert waiting.done_at is None
    review = fresh(review)
    review_services.sign(review, world.clinician.user, version=review.version)
    waiting.refresh_from_db()
    assert waiting.done_at is not None
    started = Notification.objects.get(
        recipient=world.clinician.user, subject__contains="has started"
    )
    assert started.done_at is not None
    # The manager's own 'signed' news is information, not a request: it stays new.
    signed = Notification.objects.get(recipient=world.manager.user, subject__contains="is signed")
    assert signed.done_at is None and signed.read_at is None
