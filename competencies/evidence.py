"""Evidence in a person's portfolio: the checks on what is uploaded, its writes and reads.

Every upload and link passes through here, whichever page it came from (the evidence store,
the CPD form, sign-off requests), so the rules on size and type are stated once. The type is
judged from the file name AND the file's first bytes, so a program renamed ``.pdf`` is
refused; the content type stored (and later served) is ours, never the browser's claim.
"""

from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from competencies.models import Attainment, Evidence
from ksf import audit
from ksf.models import StaffMember

ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    signatures: tuple[bytes, ...] = ()  # empty: plain text, checked by decoding


KINDS: dict[str, FileKind] = {
    ".pdf": FileKind("PDF", "application/pdf", (b"%PDF",)),
    ".docx": FileKind(
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
    ),
    ".xlsx": FileKind(
        "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)
    ),
    ".pptx": FileKind(
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
    ),
    ".odt": FileKind("OpenDocument text", "application/vnd.oasis.opendocument.text", (ZIP,)),
    ".jpg": FileKind("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileKind("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    ".png": FileKind("PNG image", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".txt": FileKind("plain text", "text/plain; charset=utf-8"),
}
ALLOWED_TYPES_TEXT = (
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text (.odt), "
    "JPEG or PNG images, or plain text (.txt)"
)
# Browsers may show these in a tab; everything else is offered as a download.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def max_size_text() -> str:
    return megabytes(settings.EVIDENCE_MAX_BYTES)


def _read_all(upload: UploadedFile) -> bytes:
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return data


def _head(upload: UploadedFile, length: int = 16) -> bytes:
    upload.seek(0)
    data = upload.read(length)
    upload.seek(0)
    return data


def check_upload(upload: UploadedFile) -> FileKind:
    """The kind of an acceptable upload; a ValidationError naming the file otherwise."""
    name = PurePath(upload.name or "file").name
    kind = KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise ValidationError(
            f"'{name}' is not an allowed type: use {ALLOWED_TYPES_TEXT}.", code="type"
        )
    if upload.size == 0:
        raise ValidationError(f"'{name}' is empty: choose the file again.", code="empty")
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"'{name}' is {megabytes(upload.size)}: the limit is {max_size_text()} a file. "
            "Make it smaller (for example save a PDF at a lower quality) or add a link instead.",
            code="size",
        )
    if kind.signatures:
        head = _head(upload)
        if not head.startswith(kind.signatures):
            raise ValidationError(
                f"'{name}' is not a real {kind.label} file (its contents do not match its name). "
                f"Use {ALLOWED_TYPES_TEXT}.",
                code="contents",
            )
    else:
        data = _read_all(upload)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" in text:
            raise ValidationError(
                f"'{name}' is not plain text (it holds binary data). Save it as UTF-8 text, "
                "or as a PDF or Word file.",
                code="contents",
            )
    return kind


def check_link(url: str) -> str:
    """A link must be a web address (http or https) with a host."""
    url = (url or "").strip()
    try:
        ok = urlsplit(url).scheme.lower() in {"http", "https"}
        URLValidator(schemes=["http", "https"])(url)
    except (ValidationError, ValueError):
        ok = False
    if ok and len(url) > 500:
        raise ValidationError("The link is longer than 500 characters: shorten it.", code="link")
    if not ok:
        raise ValidationError(
            f"'{url}' is not a web link: give an address starting with https:// (or http://).",
            code="link",
        )
    return url


@transaction.atomic
def add_evidence(
    *,
    owner: StaffMember,
    user: User | None,
    title: str = "",
    upload: UploadedFile | None = None,
    url: str = "",
) -> Evidence:
    """Store a file or a link for ``owner``. Exactly one of ``upload`` and ``url``."""
    if bool(upload) == bool(url):
        raise ValidationError("Choose a file or give a link (one of the two).", code="one")
    title = (title or "").strip()
    evidence = Evidence(owner=owner, uploaded_by=user if user and user.pk else None)
    if upload:
        kind = check_upload(upload)
        original = PurePath(upload.name).name
        evidence.original_name = original[:255]
        evidence.content_type = kind.content_type
        evidence.size = upload.size
        evidence.title = (title or original)[:200]
        evidence.file.save(original, upload, save=False)
    else:
        evidence.url = check_link(url)
        evidence.title = (title or evidence.url)[:200]
    try:
        evidence.full_clean(exclude=["file", "uploaded_by"])
        evidence.save()
    except Exception:
        if evidence.file:  # the file was written first: do not leave it behind
            evidence.file.storage.delete(evidence.file.name)
        raise
    audit.log_create(evidence, user)
    return evidence


def why_not_deletable(evidence: Evidence) -> str:
    """Empty when the owner may delete it; otherwise the reason, in plain words."""
    verified = evidence.attainments.filter(status=Attainment.Status.VERIFIED).select_related(
        "competency"
    )
    if verified.exists():
        names = ", ".join(str(a.competency) for a in verified[:3])
        return (
            f"It supports a verified sign-off ({names}). A verified sign-off keeps the evidence "
            "it was judged on, so this cannot be deleted."
        )
    return ""


@transaction.atomic
def delete_evidence(evidence: Evidence, user: User | None) -> None:
    """Delete a piece of evidence (and its file) unless a verified sign-off rests on it."""
    reason = why_not_deletable(evidence)
    if reason:
        raise ValidationError(reason, code="verified")
    name = evidence.file.name if evidence.file else ""
    audit.log_delete(evidence, user)
    evidence.delete()
    if name:
        storage = Evidence.file.field.storage
        transaction.on_commit(lambda: storage.delete(name))


# Reads -----------------------------------------------------------------------------------


def evidence_for(person: StaffMember) -> QuerySet[Evidence]:
    """A person's evidence, newest first, with how often each is used."""
    return (
        Evidence.objects.filter(owner=person)
        .annotate(
            cpd_count=Count("cpd_entries", distinct=True),
            attainment_count=Count("attainments", distinct=True),
            verified_count=Count(
                "attainments",
                filter=Q(attainments__status=Attainment.Status.VERIFIED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def is_inline(evidence: Evidence) -> bool:
    """PDFs and images open in the browser; anything else downloads."""
    return evidence.content_type in INLINE_TYPES


def can_open(user: User, evidence: Evidence) -> bool:
    """Whoever may read the owner's record, and an assessor asked to sign off with it."""
    from ksf.access import can_view

    if can_view(user, evidence.owner):
        return True
    return (
        user.is_authenticated
        and evidence.attainments.filter(assessor__user=user).exclude(staff__user=user).exists()
    )
