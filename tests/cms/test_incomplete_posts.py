"""Forms posted half-filled answer with the form and a message, never a server error."""

import pytest
from django.urls import reverse

from competencies.models import Attainment
from ksf import dates
from tests.competencies.portfolio_fixtures import person_in_post
from tests.conftest import login


@pytest.fixture
def s(db):
    return person_in_post(dates.today(), months_in_post=8, months_allowed=6)


def test_a_self_assessment_without_a_level_is_refused_with_a_message(client, s):
    login(client, s.person.user)
    response = client.post(
        reverse("development:competency", args=[s.competency.pk]), {"comment": ""}
    )
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert not Attainment.objects.exists()


def test_a_sign_off_decision_without_a_choice_is_refused_with_a_message(client, s):
    login(client, s.person.user)
    client.post(
        reverse("development:competency", args=[s.competency.pk]),
        {"value": s.value("Competent").pk, "assessor": s.manager.pk},
    )
    attainment = Attainment.objects.get()
    client.logout()
    login(client, s.manager.user)
    response = client.post(
        reverse("development:signoff_decide", args=[attainment.pk]), {"comment": ""}
    )
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.REQUESTED
