"""Evidence: what may be uploaded, who may open it, and when it may be deleted."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies.models import Attainment, Evidence
from competencies.portfolio import rules as portfolio_rules
from competencies.portfolio import services as portfolio_services
from ksf import dates
from tests.conftest import login

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"


def docx_bytes() -> bytes:
    """A zip holding the part each office format is recognised by (a real file has one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for part in ("word/document.xml", "xl/workbook.xml", "ppt/presentation.xml", "content.xml"):
            z.writestr(part, "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_file(person, name="certificate.pdf", content=PDF) -> Evidence:
    return portfolio_services.add_evidence(
        owner=person, user=person.user, upload=upload(name, content)
    )


# The checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("certificate.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("reflection.docx", docx_bytes(), portfolio_rules.KINDS[".docx"].content_type),
        ("log.xlsx", docx_bytes(), portfolio_rules.KINDS[".xlsx"].content_type),
        ("talk.pptx", docx_bytes(), portfolio_rules.KINDS[".pptx"].content_type),
        ("notes.odt", docx_bytes(), "application/vnd.oasis.opendocument.text"),
        ("notes.txt", "Réflexion: café".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_allowed_files_are_accepted_with_our_content_type(name, content, content_type):
    assert (
        portfolio_rules.check_upload(upload(name, content, "text/html")).content_type
        == content_type
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.exe", EXE, "'scan.exe' is not an allowed type: use PDF, Word (.docx), Excel"),
        ("page.html", b"<html>", "'page.html' is not an allowed type"),
        ("noextension", PDF, "'noextension' is not an allowed type"),
        ("scan.pdf", EXE, "'scan.pdf' is not a real PDF file"),
        ("photo.png", JPEG, "'photo.png' is not a real PNG image file"),
        ("essay.docx", PDF, "'essay.docx' is not a real Word file"),
        ("notes.txt", b"text\x00with a NUL", "'notes.txt' is not plain text"),
        ("notes.txt", b"\xff\xfe\xfa latin junk", "'notes.txt' is not plain text"),
        ("empty.pdf", b"", "'empty.pdf' is empty"),
    ],
)
def test_wrong_types_and_renamed_files_are_refused_by_name(name, content, message):
    with pytest.raises(ValidationError) as refused:
        portfolio_rules.check_upload(upload(name, content))
    assert refused.value.messages[0].startswith(message)


def test_files_over_the_limit_are_refused_naming_the_limit():
    assert settings.EVIDENCE_MAX_BYTES == 10 * 1024 * 1024
    big = upload("scan.pdf", PDF + b"0" * settings.EVIDENCE_MAX_BYTES)
    with pytest.raises(ValidationError) as refused:
        portfolio_rules.check_upload(big)
    # Just over the limit: the size is not rounded down to the limit itself.
    assert "'scan.pdf' is 10,485,790 bytes: the limit is 10 MB a file" in refused.value.messages[0]
    exactly = upload("scan.pdf", PDF + b"0" * (settings.EVIDENCE_MAX_BYTES - len(PDF)))
    assert portfolio_rules.check_upload(exactly).label == "PDF"


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://files.example.org/x", "www.example.org", "data:,x"]
)
def test_links_must_be_web_addresses(link):
    with pytest.raises(ValidationError) as refused:
        portfolio_rules.check_link(link)
    assert "is not a web link: give an address starting with https://" in refused.value.messages[0]


def test_a_web_link_is_kept(world):
    item = portfolio_services.add_evidence(
        owner=world.clinician, user=None, url=" https://learning.example.org/cert/1 "
    )
    assert (item.url, item.title, item.is_link) == (
        "https://learning.example.org/cert/1",
        "https://learning.example.org/cert/1",
        True,
    )


def test_a_refused_upload_stores_nothing(world):
    before = set(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*"))
    with pytest.raises(ValidationError):
        portfolio_services.add_evidence(
            owner=world.clinician, user=None, upload=upload("x.pdf", EXE)
        )
    assert not Evidence.objects.exists()
    assert set(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*")) == before


def test_files_are_kept_outside_media_root(world):
    item = stored_file(world.clinician)
    path = Path(item.file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "certificate" not in item.file.name  # the stored name tells nothing about the person


# Pages --------------------------------------------------------------------------------


def test_owner_uploads_lists_and_downloads(world, client):
    login(client, world.user("clinician"))
    response = client.post(
        reverse("cpd:evidence_add", args=[world.clinician.staff_number]),
        {"title": "Injection course", "file": upload("course.pdf", PDF, "text/html")},
    )
    assert response.status_code == 302
    item = Evidence.objects.get(owner=world.clinician)
    assert (item.content_type, item.original_name, item.size) == (
        "application/pdf",
        "course.pdf",
        len(PDF),
    )
    page = client.get(reverse("cpd:evidence_list", args=[world.clinician.staff_number]))
    assert "Injection course" in page.content.decode()
    assert settings.MEDIA_URL not in page.content.decode()
    download = client.get(reverse("cpd:evidence_file", args=[item.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("inline")


def test_documents_download_as_attachments_with_their_type(world, client):
    item = stored_file(world.clinician, "reflection.txt", b"What I learnt.")
    login(client, world.user("manager"))  # the line manager may open it too
    download = client.get(reverse("cpd:evidence_file", args=[item.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="reflection.txt"'
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_download_is_refused_to_everyone_else(world, client):
    item = stored_file(world.clinician)
    file_url = reverse("cpd:evidence_file", args=[item.pk])
    assert client.get(file_url)["Location"].startswith(reverse("login"))
    for user in (world.stranger.user, world.user("educator"), world.user("service_lead")):
        client.force_login(user)
        assert client.get(file_url).status_code == 404
    client.force_login(world.user("administrator"))
    assert client.get(file_url).status_code == 200
    missing = reverse("cpd:evidence_file", args=[item.pk + 1000])
    assert client.get(missing).status_code == 404
    assert client.get(settings.MEDIA_URL + item.file.name).status_code == 404


def test_the_form_names_the_refused_file(world, client):
    login(client, world.user("clinician"))
    page = client.post(
        reverse("cpd:evidence_add", args=[world.clinician.staff_number]),
        {"file": upload("setup.pdf", EXE)},
    ).content.decode()
    assert "There is a problem" in page
    assert "&#x27;setup.pdf&#x27; is not a real PDF file" in page
    both = client.post(
        reverse("cpd:evidence_add", args=[world.clinician.staff_number]),
        {"file": upload("a.pdf", PDF), "url": "https://example.org"},
    ).content.decode()
    assert "Give a file or a link, not both" in both
    neither = client.post(
        reverse("cpd:evidence_add", args=[world.clinician.staff_number]), {"title": "x"}
    ).content.decode()
    assert "Choose a file to upload or give a link." in neither
    bad_link = client.post(
        reverse("cpd:evidence_add", args=[world.clinician.staff_number]),
        {"url": "javascript:alert(1)"},
    ).content.decode()
    assert "is not a web link" in bad_link
    assert not Evidence.objects.exists()


def test_only_the_owner_adds_or_deletes(world, client):
    item = stored_file(world.clinician)
    login(client, world.user("manager"))
    add = reverse("cpd:evidence_add", args=[world.clinician.staff_number])
    assert client.post(add, {"file": upload("a.pdf", PDF)}).status_code == 404
    delete = reverse("cpd:evidence_delete", args=[world.clinician.staff_number, item.pk])
    assert client.post(delete).status_code == 404
    listing = client.get(reverse("cpd:evidence_list", args=[world.clinician.staff_number]))
    assert "certificate.pdf" in listing.content.decode()  # the manager reads the list
    assert delete not in listing.content.decode()  # but is offered no delete
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_deleting_asks_first_then_removes_the_file(
    world, client, django_capture_on_commit_callbacks
):
    item = stored_file(world.clinician)
    path = Path(item.file.path)
    login(client, world.user("clinician"))
    delete = reverse("cpd:evidence_delete", args=[world.clinician.staff_number, item.pk])
    assert "Yes, delete it" in client.get(delete).content.decode()
    assert Evidence.objects.filter(pk=item.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete)
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=item.pk).exists()
    assert not path.exists()


def test_evidence_behind_a_verified_sign_off_cannot_be_deleted(world, client):
    item = stored_file(world.clinician)
    competency = world.framework.competencies.get(idnumber="C1")
    attainment = Attainment.objects.create(
        staff=world.clinician,
        competency=competency,
        value=world.framework.scale_values.get(proficient=True),
        status=Attainment.Status.VERIFIED,
        assessor=world.manager,
        verified_on=dates.today(),
    )
    attainment.evidence.add(item)
    login(client, world.user("clinician"))
    delete = reverse("cpd:evidence_delete", args=[world.clinician.staff_number, item.pk])
    page = client.get(delete).content.decode()
    assert "cannot be deleted" in page
    assert "It supports a verified sign-off (Injection therapy)" in page
    assert "Yes, delete it" not in page
    response = client.post(delete)
    assert response.status_code == 409
    assert Evidence.objects.filter(pk=item.pk).exists()
    assert Path(item.file.path).exists()
    with pytest.raises(ValidationError):
        portfolio_services.delete_evidence(item, world.user("clinician"))
