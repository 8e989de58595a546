"""Small gaps a hostile or careless user found: each refused plainly, nothing personal cached."""

import datetime
import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies.models import Attainment
from competencies.portfolio import rules
from ksf import dates
from tests.competencies.portfolio_fixtures import person_in_post
from tests.conftest import login


@pytest.fixture
def s(db):
    return person_in_post(dates.today(), months_in_post=8, months_allowed=6)


def test_a_cpd_date_in_year_one_is_refused():
    with pytest.raises(ValidationError) as refused:
        rules.check_date(datetime.date(1, 1, 1))
    assert "from 1 January 1970 onwards" in refused.value.messages[0]


def test_a_cpd_list_filtered_from_year_one_stays_small(client, world):
    login(client, world.clinician.user)
    url = reverse("cpd:list", args=[world.clinician.staff_number])
    response = client.get(url, {"start": "0001-01-01"})
    assert response.status_code == 200
    assert len(response.content) < 300_000


def test_a_file_just_over_the_limit_is_not_called_the_limit(settings):
    settings.EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 6))
    with pytest.raises(ValidationError) as refused:
        rules.check_upload(upload)
    message = refused.value.messages[0]
    assert "'big.pdf' is 10 MB" not in message and "is 10,485,770 bytes" in message


def _zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


def test_any_zip_renamed_docx_is_not_a_word_document():
    fake = SimpleUploadedFile("notes.docx", _zip(["payload.exe"]))
    with pytest.raises(ValidationError) as refused:
        rules.check_upload(fake)
    assert "not a real Word file" in refused.value.messages[0]
    real = SimpleUploadedFile("notes.docx", _zip(["[Content_Types].xml", "word/document.xml"]))
    assert rules.check_upload(real).label == "Word"


def test_pages_for_a_signed_in_person_are_never_cached(client, world):
    public = client.get("/frameworks/")
    assert "no-store" not in public.get("Cache-Control", "")
    login(client, world.clinician.user)
    page = client.get(reverse("ksf:person_detail", args=[world.clinician.staff_number]))
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_sessions_end_after_a_working_day_idle_and_activity_renews_them(client, world):
    from django.contrib.sessions.models import Session

    from cms.middleware import ACTIVITY_KEY

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    client.force_login(world.clinician.user)
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    session = client.session
    session[ACTIVITY_KEY] = 0  # as if the last activity was long ago
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=first - datetime.timedelta(hours=1))
    client.get(reverse("ksf:post_list"))
    assert Session.objects.get(session_key=key).expire_date > first - datetime.timedelta(hours=1)


def test_posting_to_a_decided_sign_off_says_so(client, s):
    login(client, s.person.user)
    client.post(
        reverse("development:competency", args=[s.competency.pk]),
        {"value": s.value("Competent").pk, "assessor": s.manager.pk},
    )
    attainment = Attainment.objects.get()
    client.logout()
    login(client, s.manager.user)
    url = reverse("development:signoff_decide", args=[attainment.pk])
    client.post(url, {"decision": "verify", "comment": ""})
    again = client.post(url, {"decision": "decline", "comment": "No"}, follow=True)
    assert "This request has already been decided." in again.content.decode()
    attainment.refresh_from_db()
    assert attainment.status == Attainment.Status.VERIFIED
