"""The portfolio's input rules: CPD dates and hours, evidence files and links.

Each check raises a ValidationError worded for the person filling in the form; the
services call them, and forms never restate them. An upload's type is judged from its name
AND its first bytes, so a program renamed ``.pdf`` is refused.
"""

import datetime
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from competencies.models.portfolio import CPD_MAX_HOURS, CPD_MIN_HOURS
from ksf import dates

CPD_EARLIEST_DATE = datetime.date(1970, 1, 1)  # earlier dates are typing mistakes

MIN_HOURS = CPD_MIN_HOURS  # a quarter of an hour: a short reading
MAX_HOURS = CPD_MAX_HOURS  # a long course


def check_date(value: datetime.date | None, today: datetime.date | None = None) -> None:
    """A CPD activity is recorded once it has happened."""
    if value is None:
        raise ValidationError(
            gettext("Enter the date of the activity, e.g. 14 3 2025."), code="required"
        )
    if value < CPD_EARLIEST_DATE:
        raise ValidationError(
            gettext("Enter a date from %(earliest)s onwards.")
            % {"earliest": date_format(CPD_EARLIEST_DATE, "j F Y")},
            code="early",
        )
    if value > (today or dates.today()):
        raise ValidationError(
            gettext("The date cannot be in the future: record the activity once it has happened."),
            code="future",
        )


def check_hours(value: Decimal | None) -> None:
    """From a quarter of an hour (a short reading) to 500 (a long course)."""
    if value is None:
        raise ValidationError(gettext("Enter the hours spent, e.g. 1.5."), code="required")
    if not MIN_HOURS <= value <= MAX_HOURS:
        raise ValidationError(
            gettext(
                "Hours must be between %(min)s (15 minutes) and %(max)s: you entered %(value)s."
            )
            % {"min": MIN_HOURS, "max": MAX_HOURS, "value": f"{value.normalize():f}"},
            code="range",
        )


ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    label: str | Promise  # words shown in messages, e.g. "JPEG image"
    content_type: str
    signatures: tuple[bytes, ...] = ()  # empty: plain text, checked by decoding
    # For zip-based formats: a part every real file of the kind holds, so any zip renamed
    # .docx is not taken for a Word document.
    zip_member: str = ""


KINDS: dict[str, FileKind] = {
    ".pdf": FileKind("PDF", "application/pdf", (b"%PDF",)),
    ".docx": FileKind(
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
        "word/document.xml",
    ),
    ".xlsx": FileKind(
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (ZIP,),
        "xl/workbook.xml",
    ),
    ".pptx": FileKind(
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
        "ppt/presentation.xml",
    ),
    ".odt": FileKind(
        gettext_lazy("OpenDocument text"),
        "application/vnd.oasis.opendocument.text",
        (ZIP,),
        "content.xml",
    ),
    ".jpg": FileKind(gettext_lazy("JPEG image"), "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileKind(gettext_lazy("JPEG image"), "image/jpeg", (b"\xff\xd8\xff",)),
    ".png": FileKind(gettext_lazy("PNG image"), "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".txt": FileKind(gettext_lazy("plain text"), "text/plain; charset=utf-8"),
}


ALLOWED_TYPES_TEXT = gettext_lazy(
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text (.odt), "
    "JPEG or PNG images, or plain text (.txt)"
)


# Browsers may show these in a tab; everything else is offered as a download.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _has_member(upload: UploadedFile, member: str) -> bool:
    """True if the zip-based file holds ``member`` (always True for other kinds)."""
    if not member:
        return True
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _size_over(size: int) -> str:
    """A size over the limit, never shown rounded down to the limit itself ("is 10 MB")."""
    if megabytes(size) != megabytes(settings.EVIDENCE_MAX_BYTES):
        return megabytes(size)
    return gettext("%(size)s bytes") % {"size": f"{size:,}"}


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    number = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
    return gettext("%(size)s MB") % {"size": number}


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
            gettext("'%(name)s' is not an allowed type: use %(types)s.")
            % {"name": name, "types": ALLOWED_TYPES_TEXT},
            code="type",
        )
    assert upload.size is not None, "Django gives every uploaded file a size"
    if upload.size == 0:
        raise ValidationError(
            gettext("'%(name)s' is empty: choose the file again.") % {"name": name}, code="empty"
        )
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            gettext(
                "'%(name)s' is %(size)s: the limit is %(limit)s a file. Make it smaller "
                "(for example save a PDF at a lower quality) or add a link instead."
            )
            % {"name": name, "size": _size_over(upload.size), "limit": max_size_text()},
            code="size",
        )
    if kind.signatures:
        head = _head(upload)
        if not head.startswith(kind.signatures) or not _has_member(upload, kind.zip_member):
            raise ValidationError(
                gettext(
                    "'%(name)s' is not a real %(kind)s file (its contents do not match its "
                    "name). Use %(types)s."
                )
                % {"name": name, "kind": kind.label, "types": ALLOWED_TYPES_TEXT},
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
                gettext(
                    "'%(name)s' is not plain text (it holds binary data). Save it as UTF-8 "
                    "text, or as a PDF or Word file."
                )
                % {"name": name},
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
        raise ValidationError(
            gettext("The link is longer than 500 characters: shorten it."), code="link"
        )
    if not ok:
        raise ValidationError(
            gettext(
                "'%(url)s' is not a web link: give an address starting with https:// (or http://)."
            )
            % {"url": url},
            code="link",
        )
    return url
