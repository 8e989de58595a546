"""Reading uploaded CSV/XLSX files into rows, with errors that say file, row and column.

Shared by every importer: size and type limits, UTF-8 (with or without BOM), UTF-16 (with
a BOM) or cp1252 text, header matching with aliases, and an error list that the caller shows
or prints. Workbooks are read streaming, after their decompressed size is checked, and
reading stops at the row limit, so a small file that expands hugely is refused quickly.
Limits (settings): IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, IMPORT_MAX_CELL_CHARS,
IMPORT_MAX_UNZIPPED_BYTES, IMPORT_MAX_REPORTED.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext, ngettext


@dataclass(frozen=True)
class RowError:
    row: int | None  # spreadsheet row number (header is row 1); None for whole-file problems
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(gettext("row %(row)s") % {"row": self.row})
        if self.column:  # the column's name as the file must spell it, so not translated
            where.append(gettext("column '%(column)s'") % {"column": self.column})
        if not where:
            return self.message
        return gettext("%(where)s: %(message)s") % {
            "where": ", ".join(where),
            "message": self.message,
        }


@dataclass
class ImportFailed(Exception):
    filename: str
    errors: list[RowError] = field(default_factory=list)

    @property
    def shown(self) -> list[RowError]:
        """The first problems, as many as a page can usefully list."""
        return self.errors[: settings.IMPORT_MAX_REPORTED]

    @property
    def not_shown(self) -> int:
        return max(0, len(self.errors) - settings.IMPORT_MAX_REPORTED)

    def __str__(self) -> str:
        # The English says "problem(s)" for any count; ngettext lets other languages vary.
        heading = ngettext(
            "%(file)s: %(count)s problem(s); nothing was imported.",
            "%(file)s: %(count)s problem(s); nothing was imported.",
            len(self.errors),
        ) % {"file": self.filename, "count": len(self.errors)}
        lines = [heading]
        lines += [f"  {e}" for e in self.shown]
        if self.not_shown:
            lines.append(
                "  " + gettext("… and %(count)s more problems.") % {"count": self.not_shown}
            )
        return "\n".join(lines)


@dataclass
class Table:
    filename: str
    columns: list[str]
    # (spreadsheet row number, canonical column -> stripped text); the header is row 1
    rows: list[tuple[int, dict[str, str]]]


def _fail(filename: str, message: str) -> ImportFailed:
    return ImportFailed(filename, [RowError(None, None, message)])


def _decode(raw: bytes, filename: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _fail(filename, gettext("The file says it is UTF-16 but is not.")) from exc
    if raw[:4096].count(b"\x00") > len(raw[:4096]) // 10:
        raise _fail(
            filename,
            gettext(
                "The file holds NUL bytes, so it is not CSV text (perhaps UTF-16 without a "
                "byte order mark, or a program renamed .csv). Save it as 'CSV UTF-8'."
            ),
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            filename,
            [
                RowError(
                    None,
                    None,
                    gettext("The file is not text in UTF-8 or Windows-1252 (cp1252) encoding."),
                )
            ],
        ) from exc


def _read_workbook(data: bytes, filename: str) -> pd.DataFrame:
    """The first sheet as text, streamed, within the limits; refuses a zip bomb unread."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unzipped = sum(member.file_size for member in archive.infolist())
    if unzipped > settings.IMPORT_MAX_UNZIPPED_BYTES:
        raise _fail(
            filename,
            gettext(
                "The workbook expands to %(size)s MB when opened; the limit is %(limit)s MB. "
                "Remove unused sheets and columns, or save it as CSV."
            )
            % {
                "size": unzipped // (1024 * 1024),
                "limit": settings.IMPORT_MAX_UNZIPPED_BYTES // (1024 * 1024),
            },
        )
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            if len(rows) > settings.IMPORT_MAX_ROWS:  # the header plus the limit
                raise _fail(
                    filename,
                    gettext("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"},
                )
            rows.append(["" if v is None else str(v) for v in values])
    finally:
        book.close()
    if not rows:
        raise _fail(filename, gettext("The file is empty."))
    header, *body = rows
    width = len(header)
    return pd.DataFrame([(r + [""] * width)[:width] for r in body], columns=header, dtype=str)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_cells(table_rows: list[tuple[int, dict[str, str]]]) -> list[RowError]:
    """Cells too long to be a real value, or holding control characters (e.g. NUL)."""
    problems = []
    limit = settings.IMPORT_MAX_CELL_CHARS
    for number, record in table_rows:
        for column, value in record.items():
            if len(value) > limit:
                problems.append(
                    RowError(
                        number,
                        column,
                        gettext("This cell has %(count)s characters; the limit is %(limit)s.")
                        % {"count": f"{len(value):,}", "limit": f"{limit:,}"},
                    )
                )
            elif _CONTROL.search(value):
                problems.append(
                    RowError(
                        number,
                        column,
                        gettext(
                            "This cell holds a control character (such as NUL) that cannot be "
                            "stored: retype the value."
                        ),
                    )
                )
    return problems


def _normalise(name: str) -> str:
    return " ".join(str(name).replace("_", " ").replace("-", " ").lower().split())


def check_size(
    data: bytes, filename: str, *, max_bytes: int | None = None, size: int | None = None
) -> None:
    """Refuse a file too large or empty before anything else is done with it.

    ``size`` is the file's full size when only its start has been read.
    """
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    size = len(data) if size is None else size
    if size > max_bytes:
        raise ImportFailed(
            filename,
            [
                RowError(
                    None,
                    None,
                    gettext("The file is %(size)s KB; the limit is %(limit)s KB.")
                    % {"size": size // 1024, "limit": max_bytes // 1024},
                )
            ],
        )
    if not data.strip():
        raise ImportFailed(filename, [RowError(None, None, gettext("The file is empty."))])


def read_table(
    data: bytes,
    filename: str,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    aliases: Mapping[str, Iterable[str]] | None = None,
    max_bytes: int | None = None,
) -> Table:
    """Parse CSV or XLSX bytes into a Table keyed by canonical column names."""
    check_size(data, filename, max_bytes=max_bytes)
    suffix = Path(filename).suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = _read_workbook(data, filename)
        elif suffix in (".csv", ".txt", ""):
            text = _decode(data, filename)
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
            )
        else:
            raise ImportFailed(
                filename,
                [
                    RowError(
                        None,
                        None,
                        gettext("Unsupported file type '%(suffix)s': upload a .csv or .xlsx file.")
                        % {"suffix": suffix},
                    )
                ],
            )
    except ImportFailed:
        raise
    except zipfile.BadZipFile as exc:
        raise _fail(
            filename,
            gettext(
                "This is not a real Excel workbook (.xlsx): it may be damaged or another kind "
                "of file renamed. Save it from Excel again, or as CSV."
            ),
        ) from exc
    except (pd.errors.ParserError, csv.Error, ValueError, KeyError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise ImportFailed(
            filename,
            [
                RowError(
                    None,
                    None,
                    gettext("The file could not be read: %(reason)s") % {"reason": message},
                )
            ],
        ) from exc

    required = list(required)
    lookup: dict[str, str] = {}
    for canonical in [*required, *optional]:
        lookup[_normalise(canonical)] = canonical
        for alias in (aliases or {}).get(canonical, ()):
            lookup[_normalise(alias)] = canonical
    mapping: dict[str, str] = {}
    for col in frame.columns:
        found = lookup.get(_normalise(col))
        if found and found not in mapping.values():
            mapping[col] = found
    missing = [c for c in required if c not in mapping.values()]
    if missing:
        raise ImportFailed(
            filename,
            [
                RowError(1, c, gettext("This column is missing from the header row."))
                for c in missing
            ],
        )
    frame = frame[list(mapping)].rename(columns=mapping)
    rows = [
        (number, {k: ("" if v is None else str(v).strip()) for k, v in record.items()})
        for number, record in enumerate(frame.to_dict(orient="records"), start=2)
    ]
    rows = [(n, r) for n, r in rows if any(r.values())]  # blank lines are not errors
    if len(rows) > settings.IMPORT_MAX_ROWS:
        raise _fail(
            filename,
            gettext("The file has more than %(limit)s rows; split it into smaller files.")
            % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"},
        )
    problems = _check_cells(rows)
    if problems:
        raise ImportFailed(filename, problems)
    return Table(filename=filename, columns=list(mapping.values()), rows=rows)
