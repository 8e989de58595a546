"""A sign-off request acted on by two people at once: one wins, the other is told, nothing lost.

The load check (tests/benchmarks/load.py) found the person's withdrawal overwriting the
assessor's verification made a moment earlier: the withdraw page read the claim, the assessor's
decision committed, and the withdrawal then saved over it. Here the withdrawal is handed the
claim as it was read before the decision, which is what the page did.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from competencies.models import Attainment
from competencies.portfolio import services as portfolio_services
from tests.competencies.portfolio_fixtures import person_in_post
from tests.conftest import login

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def s(db):
    return person_in_post(TODAY)


def _requested(s) -> Attainment:
    return portfolio_services.claim(
        person=s.person,
        user=s.person.user,
        competency=s.competency,
        value=s.value("Competent"),
        comment="Ran the injection clinic for three months",
        assessor=s.manager,
    )


def test_a_withdrawal_read_before_the_verification_does_not_undo_it(s):
    read_by_the_withdraw_page = _requested(s)
    portfolio_services.decide(
        Attainment.objects.get(pk=read_by_the_withdraw_page.pk),
        user=s.manager.user,
        verify=True,
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="not yet decided"):
        portfolio_services.withdraw(read_by_the_withdraw_page, user=s.person.user)
    stored = Attainment.objects.get(pk=read_by_the_withdraw_page.pk)
    assert stored.status == Attainment.Status.VERIFIED
    assert stored.verified_on == TODAY


def test_a_withdrawal_read_before_a_decline_does_not_hide_the_reason(s):
    read_by_the_withdraw_page = _requested(s)
    portfolio_services.decide(
        Attainment.objects.get(pk=read_by_the_withdraw_page.pk),
        user=s.manager.user,
        verify=False,
        comment="Observe two more clinics first",
    )
    with pytest.raises(ValidationError):
        portfolio_services.withdraw(read_by_the_withdraw_page, user=s.person.user)
    stored = Attainment.objects.get(pk=read_by_the_withdraw_page.pk)
    assert stored.status == Attainment.Status.DECLINED
    assert stored.decision_comment == "Observe two more clinics first"


def test_the_person_who_withdraws_second_is_told_and_sees_the_verification(client, s):
    attainment = _requested(s)
    portfolio_services.decide(attainment, user=s.manager.user, verify=True, today=TODAY)
    login(client, s.person.user)
    response = client.post(reverse("development:withdraw", args=[attainment.pk]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only a claim that is not yet decided can be withdrawn." in page
    assert "Your claim was withdrawn." not in page
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.VERIFIED


def test_the_assessor_who_decides_after_a_withdrawal_is_told(client, s):
    attainment = _requested(s)
    read_by_the_decide_page = Attainment.objects.get(pk=attainment.pk)
    portfolio_services.withdraw(attainment, user=s.person.user)
    with pytest.raises(ValidationError, match="no longer waiting"):
        portfolio_services.decide(read_by_the_decide_page, user=s.manager.user, verify=True)
    assert Attainment.objects.get(pk=attainment.pk).status == Attainment.Status.WITHDRAWN
