"""Reading uploaded CSV/XLSX files into rows, with errors that say file, row and column.

Shared by every importer: size and type limits, UTF-8 (with or without BOM) or cp1252 text,
header matching with aliases, and an error list that the caller shows or prints.
"""

import csv
import io
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

    def __str__(self) -> str:
        # The English says "problem(s)" for any count; ngettext lets other languages vary.
        heading = ngettext(
            "%(file)s: %(count)s problem(s); nothing was imported.",
            "%(file)s: %(count)s problem(s); nothing was imported.",
            len(self.errors),
        ) % {"file": self.filename, "count": len(self.errors)}
        lines = [heading]
        lines += [f"  {e}" for e in self.errors]
        return "\n".join(lines)


@dataclass
class Table:
    filename: str
    columns: list[str]
    # (spreadsheet row number, canonical column -> stripped text); the header is row 1
    rows: list[tuple[int, dict[str, str]]]


def _decode(raw: bytes, filename: str) -> str:
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


def _normalise(name: str) -> str:
    return " ".join(str(name).replace("_", " ").replace("-", " ").lower().split())


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
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    if len(data) > max_bytes:
        raise ImportFailed(
            filename,
            [
                RowError(
                    None,
                    None,
                    gettext("The file is %(size)s KB; the limit is %(limit)s KB.")
                    % {"size": len(data) // 1024, "limit": max_bytes // 1024},
                )
            ],
        )
    if not data.strip():
        raise ImportFailed(filename, [RowError(None, None, gettext("The file is empty."))])
    suffix = Path(filename).suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(
                io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl"
            )
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
        canonical = lookup.get(_normalise(col))
        if canonical and canonical not in mapping.values():
            mapping[col] = canonical
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
    return Table(filename=filename, columns=list(mapping.values()), rows=rows)
