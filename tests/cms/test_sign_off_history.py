"""A declined sign-off shows both sides: the clinician's claim and reasons, and the decision."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from competencies.models import Attainment
from ksf import dates
from tests.competencies.portfolio_fixtures import person_in_post
from tests.conftest import login

REASONS = "Ran the knee injection clinic for three months under supervision"
COMMENT = "Observe two more clinics first"


@pytest.fixture
def declined(db, client):
    s = person_in_post(dates.today(), months_in_post=8, months_allowed=6)
    login(client, s.person.user)
    client.post(
        reverse("development:competency", args=[s.competency.pk]),
        {"value": s.value("Competent").pk, "comment": REASONS, "assessor": s.manager.pk},
    )
    attainment = Attainment.objects.get()
    # The claim was made some days before the decision, so the two dates differ.
    claimed = timezone.now() - datetime.timedelta(days=9)
    Attainment.objects.filter(pk=attainment.pk).update(created_at=claimed, requested_at=claimed)
    client.logout()
    login(client, s.manager.user)
    client.post(
        reverse("development:signoff_decide", args=[attainment.pk]),
        {"decision": "decline", "comment": COMMENT},
    )
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.DECLINED
    client.logout()
    return s, attainment


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _day(value) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%b %Y}"


def test_the_clinician_sees_her_claim_date_and_reasons_and_the_assessors_comment(client, declined):
    s, attainment = declined
    login(client, s.person.user)
    page = client.get(reverse("development:competency", args=[s.competency.pk])).content.decode()
    row = _text(page.split("Your sign-offs", 1)[1].split("</table>", 1)[0])
    assert _day(attainment.created_at) in row
    assert f"Your reasons: {REASONS}" in row
    assert f"Mo Manager declined this on {_day(attainment.decided_at)} : {COMMENT}" in row


def test_the_assessor_sees_the_earlier_claim_in_full_when_asked_again(client, declined):
    s, attainment = declined
    login(client, s.person.user)
    client.post(
        reverse("development:competency", args=[s.competency.pk]),
        {
            "value": s.value("Competent").pk,
            "comment": "Observed two more",
            "assessor": s.manager.pk,
        },
    )
    again = Attainment.objects.get(status=Attainment.Status.REQUESTED)
    client.logout()
    login(client, s.manager.user)
    page = client.get(reverse("development:signoff_decide", args=[again.pk])).content.decode()
    earlier = _text(page.split("Earlier claims", 1)[1])
    assert _day(attainment.created_at) in earlier
    assert f"Their reasons: {REASONS}" in earlier
    assert f"Mo Manager declined this on {_day(attainment.decided_at)} : {COMMENT}" in earlier
    listing = _text(client.get(reverse("development:signoff_list")).content.decode())
    assert f"Your comment: {COMMENT}" in listing
    assert f"asked {_day(attainment.requested_at)}" in listing
