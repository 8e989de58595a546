"""Reading an activity extract from disk, streaming: never the whole file in memory.

``open_extract`` checks the file's size and type, finds its text encoding from the first
block and reads the header row. The rows then come either as text blocks (CSV, for
PostgreSQL's ``COPY`` to parse) or one by one as lists of strings (CSV through Python's csv
module, or a workbook's first sheet through openpyxl's read-only reader).
"""

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext

from ksf.imports.tabular import ImportFailed, RowError

BLOCK = 1024 * 1024


def fail(filename: str, message: str, *, row: int | None = None, column: str | None = None):
    return ImportFailed(filename, [RowError(row, column, message)])


@dataclass
class Extract:
    path: Path
    filename: str
    kind: str  # "csv" or "xlsx"
    encoding: str  # a Python codec name, for CSV
    headers: list[str]
    size: int

    def text_blocks(self) -> Iterator[str]:
        """The CSV after its header row, as text blocks (for COPY), trailing blank lines cut.

        Line ends are read as "\n" whatever the file uses, since COPY wants one kind.
        """
        with open(self.path, encoding=self.encoding, newline=None) as stream:
            _skip_header(stream)
            pending = ""
            while True:
                block = stream.read(BLOCK)
                if not block:
                    break
                if pending:
                    yield pending
                pending = block
            pending = pending.rstrip("\r\n\t ")
            if pending:
                yield pending + "\n"

    def rows(self) -> Iterator[list[str]]:
        """Each data row as a list of strings (the header row is not included)."""
        if self.kind == "xlsx":
            yield from _workbook_rows(self.path, self.filename, header=False)
            return
        with self._text() as stream:
            reader = csv.reader(stream)
            next(reader, None)
            yield from reader

    def _text(self) -> io.TextIOWrapper:
        return open(self.path, encoding=self.encoding, newline="")


def _skip_header(stream: io.TextIOWrapper) -> None:
    """Move past the header row (which may hold quoted line breaks)."""
    reader = csv.reader(iter(stream.readline, ""))
    next(reader, None)


def _encoding(head: bytes, filename: str) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head[:4096].count(b"\x00") > len(head[:4096]) // 10:
        raise fail(
            filename,
            gettext(
                "The file holds NUL bytes, so it is not CSV text (perhaps UTF-16 without a byte "
                "order mark, or a program renamed .csv). Save it as 'CSV UTF-8'."
            ),
        )
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # A multi-byte character may be cut at the end of the block: ignore a short tail.
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return "cp1252"
    return "utf-8"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _workbook_rows(path: Path, filename: str, *, header: bool) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
        limit = settings.IMPORT_MAX_UNZIPPED_BYTES * 20
        if unzipped > limit:
            raise fail(
                filename,
                gettext(
                    "The workbook expands to %(size)s MB when opened; the limit is %(limit)s MB. "
                    "Save it as CSV instead."
                )
                % {"size": unzipped // (1024 * 1024), "limit": limit // (1024 * 1024)},
            )
        book = load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        raise fail(
            filename,
            gettext(
                "This is not a real Excel workbook (.xlsx): it may be damaged or another kind of "
                "file renamed. Save it from Excel again, or as CSV."
            ),
        ) from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        if header:
            yield [_cell(v) for v in first or ()]
            return
        for values in rows:
            yield [_cell(v) for v in values]
    finally:
        book.close()


def open_extract(path: Path, filename: str) -> Extract:
    """Check size and type, find the encoding and read the header; ImportFailed if unusable."""
    size = path.stat().st_size
    limit = settings.ACTIVITY_IMPORT_MAX_BYTES
    if size > limit:
        raise fail(
            filename,
            gettext("The file is %(size)s MB; the limit is %(limit)s MB. Split it by month.")
            % {"size": f"{size / (1024 * 1024):,.0f}", "limit": f"{limit // (1024 * 1024):,}"},
        )
    if size == 0:
        raise fail(filename, gettext("The file is empty."))
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        headers = next(_workbook_rows(path, filename, header=True), [])
        kind, encoding = "xlsx", ""
    elif suffix in (".csv", ".txt", ""):
        with open(path, "rb") as raw:
            head = raw.read(BLOCK)
        if not head.strip():
            raise fail(filename, gettext("The file is empty."))
        kind, encoding = "csv", _encoding(head, filename)
        try:
            with open(path, encoding=encoding, newline="") as stream:
                headers = next(csv.reader(iter(stream.readline, "")), [])
        except (UnicodeError, csv.Error) as exc:
            raise fail(filename, gettext("The header row could not be read.")) from exc
    else:
        raise fail(
            filename,
            gettext("Unsupported file type '%(suffix)s': upload a .csv or .xlsx file.")
            % {"suffix": suffix[:10]},
        )
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise fail(filename, gettext("The file has no header row."), row=1)
    if len(headers) > 100:
        raise fail(
            filename,
            gettext("The file has %(count)s columns; an activity extract has at most 100.")
            % {"count": len(headers)},
            row=1,
        )
    return Extract(path, filename, kind, encoding, headers, size)
