"""The portfolio's input rules: CPD dates and hours, evidence files and links.

Each check raises a ValidationError worded for the person filling in the form; the
services call them, and forms never restate them. An upload's type is judged from its name
AND its first bytes, so a program renamed ``.pdf`` is refused.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator

from competencies.models.portfolio import CPD_MAX_HOURS, CPD_MIN_HOURS
from ksf import dates

MIN_HOURS = CPD_MIN_HOURS  # a quarter of an hour: a short reading
MAX_HOURS = CPD_MAX_HOURS  # a long course


def check_date(value: datetime.date | None, today: datetime.date | None = None) -> None:
    """A CPD activity is recorded once it has happened."""
    if value is None:
        raise ValidationError("Enter the date of the activity, e.g. 14 3 2025.", code="required")
    if value > (today or dates.today()):
        raise ValidationError(
            "The date cannot be in the future: record the activity once it has happened.",
            code="future",
        )


def check_hours(value: Decimal | None) -> None:
    """From a quarter of an hour (a short reading) to 500 (a long course)."""
    if value is None:
        raise ValidationError("Enter the hours spent, e.g. 1.5.", code="required")
    if not MIN_HOURS <= value <= MAX_HOURS:
        raise ValidationError(
            f"Hours must be between {MIN_HOURS} (15 minutes) and {MAX_HOURS}: you entered "
            f"{value.normalize():f}.",
            code="range",
        )


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
    assert upload.size is not None, "Django gives every uploaded file a size"
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
