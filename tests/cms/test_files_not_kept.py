"""A file chosen in a form that comes back with errors is not kept, and the form says so."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies.models import CPDEntry, Evidence
from ksf import dates
from tests.conftest import login

PDF = b"%PDF-1.4\n% a tiny certificate\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"


def _pdf(name="certificate.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _cpd(**overrides) -> dict:
    values = {
        "date": dates.today().isoformat(),
        "title": "Shoulder injection update",
        "activity_type": CPDEntry.ActivityType.FORMAL,
        "hours": "3.5",
        "description": "A half-day update course.",
    }
    values.update(overrides)
    return values


def _next_to(page: str, field_id: str) -> str:
    """The notice is shown just before the file field, and the field points to it."""
    notice = re.search(rf'<div[^>]*id="{field_id}-not-kept"[^>]*>(.*?)</div>', page, re.S)
    assert notice, "no notice next to the file field"
    field = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page).group(0)
    assert f"{field_id}-not-kept" in field  # announced with the field by screen readers
    assert page.index(notice.group(0)) < page.index(field)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", notice.group(1)))


def test_cpd_form_with_an_error_says_the_chosen_file_was_not_kept(world, client):
    login(client, world.user("clinician"))
    url = reverse("cpd:add", args=[world.clinician.staff_number])
    response = client.post(url, _cpd(hours="", new_file=_pdf()))
    page = response.content.decode()
    assert "Enter the hours spent" in page
    assert "Your file certificate.pdf was not kept: choose it again." in _next_to(
        page, "id_new_file"
    )
    assert not Evidence.objects.exists()


def test_cpd_form_with_a_refused_file_asks_for_a_different_one(world, client):
    login(client, world.user("clinician"))
    url = reverse("cpd:add", args=[world.clinician.staff_number])
    page = client.post(url, _cpd(new_file=SimpleUploadedFile("scan.exe", EXE))).content.decode()
    assert "Your file scan.exe was not kept: choose a different file." in _next_to(
        page, "id_new_file"
    )


def test_evidence_form_with_an_error_says_the_chosen_file_was_not_kept(world, client):
    login(client, world.user("clinician"))
    url = reverse("cpd:evidence_add", args=[world.clinician.staff_number])
    page = client.post(
        url, {"file": _pdf("O'Brien & <co>.pdf"), "url": "https://example.org"}
    ).content.decode()
    assert "Give a file or a link, not both" in page
    assert "Your file O&#x27;Brien &amp; &lt;co&gt;.pdf was not kept: choose it again." in _next_to(
        page, "id_file"
    )
    assert not Evidence.objects.exists()


def test_no_notice_without_a_chosen_file_or_without_errors(world, client):
    login(client, world.user("clinician"))
    add = reverse("cpd:add", args=[world.clinician.staff_number])
    assert "not-kept" not in client.get(add).content.decode()
    assert "was not kept" not in client.post(add, _cpd(hours="")).content.decode()
    response = client.post(add, _cpd(new_file=_pdf()))
    assert response.status_code == 302
    assert Evidence.objects.get().original_name == "certificate.pdf"
