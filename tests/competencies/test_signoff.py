"""Sign-off rules: only yourself, only the named assessor, never your own, reasons to decline."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings

from competencies.models import Attainment, Evidence
from competencies.portfolio import services as portfolio_services
from competencies.portfolio.reminders import send_expiry_reminders
from ksf import dates
from ksf.models import Notification
from tests.competencies.portfolio_fixtures import person_in_post, verified
from tests.factories import StaffMemberFactory, staff_with_login

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def s(db):
    return person_in_post(TODAY)


def ask(s, assessor=None, value="Competent"):
    return portfolio_services.claim(
        person=s.person,
        user=s.person.user,
        competency=s.competency,
        value=s.value(value),
        comment="Ran the injection clinic for three months",
        assessor=assessor if assessor is not None else s.manager,
    )


def test_request_notifies_the_assessor_in_the_portal_and_by_email(
    s, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attainment = ask(s)
    assert attainment.status == Attainment.Status.REQUESTED
    note = Notification.objects.get(recipient=s.manager.user)
    assert note.subject == "Pat Person asks you to sign off Knee injection"
    assert note.url == f"/portal/sign-offs/{attainment.pk}/"
    assert [m.to for m in mail.outbox] == [[s.manager.user.email]]


def test_assessor_verifies_with_expiry_from_the_framework(s):
    attainment = ask(s)
    portfolio_services.decide(attainment, user=s.manager.user, verify=True, today=TODAY)
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.VERIFIED
    assert attainment.verified_on == TODAY
    assert attainment.expires_on == datetime.date(2028, 11, 23)
    assert attainment.assessor == s.manager
    assert Notification.objects.filter(
        recipient=s.person.user, subject="Mo Manager verified Knee injection"
    ).exists()


def test_nobody_else_can_decide(s):
    attainment = ask(s)
    other = staff_with_login()
    with pytest.raises(PermissionDenied):
        portfolio_services.decide(attainment, user=other.user, verify=True)
    with pytest.raises(PermissionDenied):
        portfolio_services.decide(attainment, user=s.person.user, verify=True)
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.REQUESTED


def test_nobody_signs_their_own(s):
    with pytest.raises(ValidationError, match="cannot sign off your own"):
        ask(s, assessor=s.person)
    assert not Attainment.objects.exists()


def test_you_can_only_assess_yourself(s):
    with pytest.raises(PermissionDenied):
        portfolio_services.claim(
            person=s.person,
            user=s.manager.user,
            competency=s.competency,
            value=s.value("Competent"),
        )


def test_assessor_without_a_login_is_refused(s):
    with pytest.raises(ValidationError, match="cannot sign in"):
        ask(s, assessor=StaffMemberFactory())
    assert not Attainment.objects.exists()


def test_declining_needs_a_reason_and_nothing_changes_without_one(s):
    attainment = ask(s)
    with pytest.raises(ValidationError):
        portfolio_services.decide(attainment, user=s.manager.user, verify=False, comment="  ")
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.REQUESTED
    portfolio_services.decide(
        attainment, user=s.manager.user, verify=False, comment="Observe two more"
    )
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.DECLINED


def test_a_decided_request_cannot_be_decided_again(s):
    attainment = ask(s)
    portfolio_services.decide(attainment, user=s.manager.user, verify=True)
    with pytest.raises(ValidationError, match="no longer waiting"):
        portfolio_services.decide(
            attainment, user=s.manager.user, verify=False, comment="changed my mind"
        )


def test_a_new_claim_withdraws_the_open_one(s):
    first = ask(s)
    second = ask(s, value="Expert")
    first.refresh_from_db()
    assert first.status == Attainment.Status.WITHDRAWN
    assert second.status == Attainment.Status.REQUESTED


def test_only_own_evidence_can_be_attached(s):
    theirs = Evidence.objects.create(owner=s.manager, title="Not mine", url="https://example.org")
    with pytest.raises(ValidationError):
        portfolio_services.claim(
            person=s.person,
            user=s.person.user,
            competency=s.competency,
            value=s.value("Competent"),
            evidence=[theirs],
        )
    assert not Attainment.objects.exists()


def test_draft_framework_competencies_cannot_be_claimed(world):
    competency = world.framework.competencies.get(idnumber="C1")
    with pytest.raises(ValidationError, match="not in a published framework"):
        portfolio_services.claim(
            person=world.clinician,
            user=world.clinician.user,
            competency=competency,
            value=world.framework.scale_values.first(),
        )


@pytest.mark.parametrize(("days_left", "threshold"), [(90, 90), (45, 90), (30, 30), (7, 7), (1, 7)])
def test_expiry_reminders_once_per_threshold(s, days_left, threshold):
    att = verified(s, on=TODAY, expires=TODAY + datetime.timedelta(days=days_left))
    assert send_expiry_reminders(TODAY) == 1
    assert send_expiry_reminders(TODAY) == 0  # safe to run twice
    note = Notification.objects.get(recipient=s.person.user)
    assert note.key == f"expiry:{att.pk}:{threshold}"
    assert f"expires in {days_left} days" in note.subject


def test_no_reminder_when_renewed_or_far_off(s):
    verified(s, on=TODAY, expires=TODAY + datetime.timedelta(days=20))
    verified(s, on=TODAY, expires=TODAY + datetime.timedelta(days=700))
    verified(s, on=TODAY, value="Expert", expires=TODAY + datetime.timedelta(days=120))
    assert send_expiry_reminders(TODAY) == 0


def test_reminder_command_and_daily_task_schedule(s):
    verified(s, on=TODAY, expires=dates.today() + datetime.timedelta(days=30))
    call_command("send_expiry_reminders")
    assert Notification.objects.filter(recipient=s.person.user).count() == 1
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        from django_tasks_db.models import DBTaskResult

        call_command("send_expiry_reminders", "--schedule")
        call_command("send_expiry_reminders", "--schedule")
        (queued,) = DBTaskResult.objects.all()
        assert queued.run_after.date() == dates.today() + datetime.timedelta(days=1)


def test_a_new_claim_replaces_the_open_one_and_the_database_refuses_two_open(s):
    first = ask(s)
    second = ask(s, value="Competent")
    first.refresh_from_db()
    assert first.status == Attainment.Status.WITHDRAWN
    assert second.status == Attainment.Status.REQUESTED
    with pytest.raises(IntegrityError), transaction.atomic():
        Attainment.objects.create(
            staff=s.person,
            competency=s.competency,
            value=s.value("Competent"),
            status=Attainment.Status.SELF_ASSESSED,
        )
