"""The first rows of an extract as the platform will read them, before importing it."""

from dataclasses import dataclass, field
from pathlib import Path

from competencies.models import ActivitySource
from ksf.imports.tabular import ImportFailed

from . import columns
from .reading import open_extract

ROWS = 10


@dataclass
class Preview:
    columns: list[str] = field(default_factory=list)  # canonical names found, in order
    headers: dict[str, str] = field(default_factory=dict)  # canonical name -> file heading
    rows: list[dict[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required columns not found
    unmapped: list[str] = field(default_factory=list)  # file headings not read
    error: str | None = None


def preview(path: Path, filename: str, source: ActivitySource) -> Preview:
    """What the import would read from the file at ``path`` with ``source``'s mapping.

    Patient keys are not shown back (they are stored only hashed).
    """
    try:
        extract = open_extract(path, filename)
    except ImportFailed as failure:
        return Preview(error="; ".join(str(e) for e in failure.errors))
    positions = columns.locate(extract.headers, source.column_mapping or {})
    found = [name for name in columns.NAMES if name in positions]
    hidden = {"patient_key", "episode_id"}
    rows = []
    for number, row in enumerate(extract.rows()):
        if number >= ROWS:
            break
        rows.append(
            {
                name: ("•••" if name in hidden and row[positions[name]].strip() else "")
                or (row[positions[name]].strip()[:60] if positions[name] < len(row) else "")
                for name in found
            }
        )
    used = set(positions.values())
    return Preview(
        columns=found,
        headers={name: columns.shown_header(extract.headers[positions[name]]) for name in found},
        rows=rows,
        missing=[name for name in columns.REQUIRED if name not in positions],
        unmapped=[columns.shown_header(h) for i, h in enumerate(extract.headers) if i not in used],
    )
