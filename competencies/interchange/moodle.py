"""Moodle competency framework CSV (tool_lpimportcsv), read into and written from FrameworkData.

Moodle sites exchange frameworks in this format, so files exported from Moodle must import here
unchanged and files exported here must import into Moodle. Tree and reference rules are checked
by ``tree.validate`` so every format reports them the same way; this module adds the CSV-specific
checks and puts a spreadsheet row number (header = row 1) on every problem it can.
"""

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.utils.translation import gettext, ngettext

from competencies.interchange.tree import (
    CompetencyData,
    FrameworkData,
    Problem,
    ScaleValueData,
    problems,
)
from competencies.models import Competency
from ksf.imports.tabular import ImportFailed, RowError

PARENT = "Parent id number"
IDNUMBER = "Id number"
SHORTNAME = "Shortname"
DESCRIPTION = "Description"
DESCRIPTION_FORMAT = "Description format"
SCALE_VALUES = "Scale values"
SCALE_CONFIG = "Scale configuration"
RULE_TYPE = "Rule type (optional)"
RULE_OUTCOME = "Rule outcome (optional)"
RULE_CONFIG = "Rule config (optional)"
CROSS_REFS = "Cross referenced competency id numbers"
EXPORTED_ID = "Exported id (optional)"
IS_FRAMEWORK = "Is framework"
TAXONOMY = "Taxonomy"

HEADER = [
    PARENT,
    IDNUMBER,
    SHORTNAME,
    DESCRIPTION,
    DESCRIPTION_FORMAT,
    SCALE_VALUES,
    SCALE_CONFIG,
    RULE_TYPE,
    RULE_OUTCOME,
    RULE_CONFIG,
    CROSS_REFS,
    EXPORTED_ID,
    IS_FRAMEWORK,
    TAXONOMY,
]
# Moodle marks these "(optional)": their values may be blank, so a file may leave them out.
OPTIONAL = {RULE_TYPE, RULE_OUTCOME, RULE_CONFIG, EXPORTED_ID}

RULE_CLASSES = {
    Competency.RuleType.ALL.value: "core_competency\\competency_rule_all",
    Competency.RuleType.POINTS.value: "core_competency\\competency_rule_points",
}
_RULE_NAMES = {
    "competency_rule_all": Competency.RuleType.ALL.value,
    "all": Competency.RuleType.ALL.value,
    "competency_rule_points": Competency.RuleType.POINTS.value,
    "points": Competency.RuleType.POINTS.value,
}

FORMAT_HTML = "1"
FORMAT_PLAIN = "2"  # Moodle's FORMAT_PLAIN; everything else is stored as it comes.
FORMAT_MARKDOWN = "4"  # Moodle's FORMAT_MARKDOWN: kept as markdown text (as CASE statements are)
IDNUMBER_MAX = 100  # Framework.idnumber and Competency.idnumber
SHORTNAME_MAX = 255  # Framework.title and Competency.short_name
CODE_MAX = 50  # Competency.code

_UTF8_BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"", "0", "false", "no", "n"}

# tree.problems reports where a problem is ("row 7", "framework", "scale") and the field at
# fault; map the field to the CSV column a person would fix.
_COLUMN_FOR_FIELD = {
    "idnumber": IDNUMBER,
    "short_name": SHORTNAME,
    "title": SHORTNAME,
    "parent": PARENT,
    "cross_references": CROSS_REFS,
    "scale": SCALE_CONFIG,
}


def parse_moodle_csv(data: bytes, filename: str) -> FrameworkData:
    """Read a Moodle framework CSV, or raise ImportFailed listing every problem with its row."""
    text = _decode(data, filename)
    records = _read_records(text, filename)
    columns = _match_header(records[0], filename)

    errors: list[RowError] = []
    framework_rows: list[tuple[int, dict[str, str]]] = []
    competencies: list[CompetencyData] = []
    siblings: dict[str, int] = {}
    exported_ids: dict[str, str] = {}  # Moodle's own id of a row -> its ID number
    # Row numbers count CSV records, not text lines: a quoted description may span many lines
    # but is still one spreadsheet row.
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            name: record[index].strip() if index < len(record) else ""
            for name, index in columns.items()
        }
        for name in OPTIONAL - columns.keys():
            cells[name] = ""
        flag = cells[IS_FRAMEWORK].lower()
        if flag in _TRUE:
            framework_rows.append((number, cells))
        elif flag in _FALSE:
            competencies.append(_competency(number, cells, siblings, errors))
            if cells[EXPORTED_ID]:
                exported_ids.setdefault(cells[EXPORTED_ID], cells[IDNUMBER])
        else:
            errors.append(
                RowError(
                    number,
                    IS_FRAMEWORK,
                    gettext(
                        "'%(value)s' is not understood: use 1 for the framework row "
                        "and leave it blank (or 0) for competencies."
                    )
                    % {"value": cells[IS_FRAMEWORK]},
                )
            )

    framework_row: int | None = None
    if not framework_rows:
        errors.append(
            RowError(
                None,
                IS_FRAMEWORK,
                gettext(
                    "No row describes the framework itself: one row needs '%(column)s' set to 1."
                )
                % {"column": IS_FRAMEWORK},
            )
        )
        framework = FrameworkData(idnumber="", title="")
    else:
        framework_row, framework_cells = framework_rows[0]
        if len(framework_rows) > 1:
            listed = ", ".join(str(n) for n, _ in framework_rows)
            for number, _ in framework_rows[1:]:
                errors.append(
                    RowError(
                        number,
                        IS_FRAMEWORK,
                        gettext(
                            "Only one row may describe the framework, but rows %(rows)s all have "
                            "'%(column)s' set to 1."
                        )
                        % {"rows": listed, "column": IS_FRAMEWORK},
                    )
                )
        framework = _framework(framework_row, framework_cells, errors)
    framework.competencies = competencies
    for c in competencies:
        c.rule_config = _rule_ids(c.rule_config, exported_ids)

    for problem in problems(framework):
        located = _locate(problem, framework_row)
        if located is not None and located not in errors:
            errors.append(located)
    if errors:
        errors.sort(key=lambda e: (e.row is not None, e.row or 0))
        raise ImportFailed(filename, errors)
    return framework


def export_moodle_csv(data: FrameworkData) -> bytes:
    """Write a framework as a Moodle CSV (UTF-8) that Moodle and ``parse_moodle_csv`` read back.

    Cross references to other frameworks held as identifiers (``external_references``) and CASE
    associations kept as received have no place in this format and are left out; markdown
    descriptions (from CASE statements) are written in Moodle's markdown format. Raises
    ValueError for a scale value or taxonomy label containing a comma, which Moodle's comma
    lists cannot hold.
    """
    for message, values in (
        (
            gettext(
                "Scale value '%(value)s' contains a comma, which a Moodle CSV cannot hold; "
                "rename it before exporting."
            ),
            [v.name for v in data.scale],
        ),
        (
            gettext(
                "Level '%(value)s' contains a comma, which a Moodle CSV cannot hold; "
                "rename it before exporting."
            ),
            data.taxonomy,
        ),
    ):
        for value in values:
            if "," in value:
                raise ValueError(message % {"value": value})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerow(
        [
            "",
            data.idnumber,
            data.title,
            data.description,
            FORMAT_HTML,
            ",".join(v.name for v in data.scale),
            _scale_configuration(data.scale),
            "",
            "",
            "",
            "",
            "",
            "1",
            ",".join(data.taxonomy),
        ]
    )
    ordered = _tree_order(data.competencies)
    # Moodle's points rules name children by the id each row is exported with; ours by ID
    # number. Number the rows and write the rules with those numbers, as Moodle does.
    numbers = {c.idnumber: n for n, c in enumerate(ordered, start=1)}
    for c in ordered:
        writer.writerow(
            [
                c.parent_idnumber,
                c.idnumber,
                c.short_name,
                c.description,
                FORMAT_MARKDOWN
                if c.description_format == Competency.DescriptionFormat.MARKDOWN
                else FORMAT_HTML,
                "",
                "",
                RULE_CLASSES.get(c.rule_type, c.rule_type or ""),
                str(c.rule_outcome or 0),
                "null" if c.rule_config is None else json.dumps(_rule_ids(c.rule_config, numbers)),
                # Moodle escapes commas inside id numbers this way in this one column.
                ",".join(ref.replace(",", "%2C") for ref in c.cross_references),
                str(numbers[c.idnumber]),
                "",
                "",
            ]
        )
    return out.getvalue().encode("utf-8")


def _fail(filename: str, message: str, row: int | None = None) -> ImportFailed:
    return ImportFailed(filename, [RowError(row, None, message)])


def _size(n: int) -> str:
    if n < 1024:
        return gettext("%(size)d bytes") % {"size": n}
    if n < 1024 * 1024:
        return gettext("%(size)s KB") % {"size": f"{n / 1024:.0f}"}
    return gettext("%(size)s MB") % {"size": f"{n / (1024 * 1024):.1f}"}


def _decode(data: bytes, filename: str) -> str:
    """Text from UTF-8 (with or without BOM) or Windows-1252 bytes; refuse anything else."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise _fail(
            filename,
            gettext("The file is %(size)s; the limit is %(limit)s.")
            % {"size": _size(len(data)), "limit": _size(limit)},
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(
            filename,
            gettext(
                "The file is saved as UTF-16 (Unicode) text; save it as 'CSV UTF-8' and try again."
            ),
        )
    if data.startswith(b"PK\x03\x04"):
        raise _fail(
            filename,
            gettext(
                "The file is an Excel workbook or other zip archive, not CSV text; "
                "save it as 'CSV UTF-8' and try again."
            ),
        )
    if b"\x00" in data:
        raise _fail(
            filename,
            gettext(
                "The file contains binary data, so it is not CSV text "
                "(if it is UTF-16, save it as 'CSV UTF-8' instead)."
            ),
        )
    raw = data.removeprefix(_UTF8_BOM)
    if not raw.strip():
        raise _fail(filename, gettext("The file is empty."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _fail(
                filename,
                gettext("The file is not text in UTF-8 or Windows-1252 (cp1252) encoding."),
            ) from exc
    if _CONTROL.search(text):
        raise _fail(
            filename, gettext("The file contains control characters, so it is not CSV text.")
        )
    return text


def _read_records(text: str, filename: str) -> list[list[str]]:
    # strict: an unmatched quote must be reported, not swallow the rest of the file into a cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        raise _fail(
            filename,
            gettext(
                "The CSV could not be read (%(error)s); check this row for an unmatched "
                "double quote."
            )
            % {"error": exc},
            row=len(records) + 1,
        ) from exc
    if not records:
        raise _fail(filename, gettext("The file is empty."))
    return records


def _normalise(name: str) -> str:
    return " ".join(name.replace("(optional)", "").lower().split())


def _match_header(header: list[str], filename: str) -> dict[str, int]:
    """Column name -> index. Matching is by name, ignoring case, spacing and '(optional)'."""
    wanted = {_normalise(name): name for name in HEADER}
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        name = wanted.get(_normalise(cell))
        if name is None:
            continue
        if name in columns:
            errors.append(
                RowError(1, name, gettext("This column appears more than once in the header."))
            )
        else:
            columns[name] = index
    errors += [
        RowError(1, name, gettext("This column is missing from the header row."))
        for name in HEADER
        if name not in columns and name not in OPTIONAL
    ]
    if errors:
        raise ImportFailed(filename, errors)
    return columns


def _check_length(value: str, limit: int, row: int, column: str, errors: list[RowError]) -> None:
    if len(value) > limit:
        errors.append(
            RowError(
                row,
                column,
                # The English says "characters" whatever the length; other languages may inflect.
                ngettext(
                    "This is %(length)d characters long; the limit is %(limit)d.",
                    "This is %(length)d characters long; the limit is %(limit)d.",
                    len(value),
                )
                % {"length": len(value), "limit": limit},
            )
        )


def _description(cells: dict[str, str]) -> str:
    text = cells[DESCRIPTION]
    if cells[DESCRIPTION_FORMAT] == FORMAT_PLAIN and text:
        return html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")
    return text


def _framework(row: int, cells: dict[str, str], errors: list[RowError]) -> FrameworkData:
    _check_length(cells[IDNUMBER], IDNUMBER_MAX, row, IDNUMBER, errors)
    _check_length(cells[SHORTNAME], SHORTNAME_MAX, row, SHORTNAME, errors)
    return FrameworkData(
        idnumber=cells[IDNUMBER],
        title=cells[SHORTNAME],
        description=_description(cells),
        taxonomy=[t.strip() for t in cells[TAXONOMY].split(",") if t.strip()],
        scale=_scale(row, cells[SCALE_VALUES], cells[SCALE_CONFIG], errors),
    )


def _flag(value: object) -> bool:
    return value is True or (not isinstance(value, bool) and str(value).strip() in _TRUE)


def _scale(row: int, values: str, config: str, errors: list[RowError]) -> list[ScaleValueData]:
    """Scale values with Moodle's configuration applied (ids count values from 1).

    A scale that fails any check comes back empty, so ``validate`` adds no second message.
    """
    if not values:
        if config:
            errors.append(
                RowError(
                    row,
                    SCALE_VALUES,
                    gettext("There is a scale configuration but no scale values."),
                )
            )
        return []
    names = [v.strip() for v in values.split(",")]
    if not all(names):
        errors.append(
            RowError(row, SCALE_VALUES, gettext("A scale value is blank (check the commas)."))
        )
        return []
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        errors.append(
            RowError(
                row,
                SCALE_VALUES,
                # The English says "value(s)" whatever the number; other languages may inflect.
                ngettext(
                    "Scale value(s) listed twice: %(values)s.",
                    "Scale value(s) listed twice: %(values)s.",
                    len(repeated),
                )
                % {"values": ", ".join(repeated)},
            )
        )
        return []
    if not config:
        errors.append(
            RowError(
                row,
                SCALE_CONFIG,
                gettext("The scale configuration is empty, so no value is marked as proficient."),
            )
        )
        return []
    try:
        parsed = json.loads(config)
    except json.JSONDecodeError as exc:
        errors.append(
            RowError(
                row,
                SCALE_CONFIG,
                gettext("The scale configuration is not valid JSON: %(error)s.") % {"error": exc},
            )
        )
        return []
    shape = gettext(
        "It must be a JSON list: %(first)s first, then one object per value such as %(example)s."
    ) % {
        "first": '{"scaleid": ...}',
        "example": '{"id": 2, "scaledefault": 1, "proficient": 1}',
    }
    if not isinstance(parsed, list) or not all(isinstance(item, dict) for item in parsed):
        errors.append(
            RowError(
                row,
                SCALE_CONFIG,
                gettext("The scale configuration is not a list. %(shape)s") % {"shape": shape},
            )
        )
        return []
    scale = [ScaleValueData(name) for name in names]
    ok = True
    for item in parsed:
        if "id" not in item:
            if "scaleid" not in item:
                errors.append(
                    RowError(
                        row,
                        SCALE_CONFIG,
                        gettext("An entry has no '%(key)s'. %(shape)s")
                        % {"key": "id", "shape": shape},
                    )
                )
                ok = False
            continue
        ident = item["id"]
        position = int(ident) if str(ident).isdigit() and not isinstance(ident, bool) else 0
        if not 1 <= position <= len(scale):
            errors.append(
                RowError(
                    row,
                    SCALE_CONFIG,
                    # The English says "values" whatever the number; other languages may inflect.
                    ngettext(
                        "An entry refers to scale value id %(id)s, but there are %(count)d "
                        "scale values (ids count from 1).",
                        "An entry refers to scale value id %(id)s, but there are %(count)d "
                        "scale values (ids count from 1).",
                        len(scale),
                    )
                    % {"id": json.dumps(ident), "count": len(scale)},
                )
            )
            ok = False
            continue
        value = scale[position - 1]
        value.proficient = _flag(item.get("proficient", 0))
        value.is_default = _flag(item.get("scaledefault", 0))
    if sum(v.is_default for v in scale) > 1:
        errors.append(
            RowError(
                row, SCALE_CONFIG, gettext("More than one scale value is marked as the default.")
            )
        )
        ok = False
    return scale if ok else []


def _scale_configuration(scale: list[ScaleValueData]) -> str:
    if not scale:
        return ""
    # Moodle replaces the scale id with the scale it finds or creates for these values.
    config: list[dict[str, object]] = [{"scaleid": None}]
    config += [
        {"id": i, "scaledefault": int(v.is_default), "proficient": int(v.proficient)}
        for i, v in enumerate(scale, start=1)
    ]
    return json.dumps(config, separators=(",", ":"))


def _competency(
    row: int, cells: dict[str, str], siblings: dict[str, int], errors: list[RowError]
) -> CompetencyData:
    idnumber, parent = cells[IDNUMBER], cells[PARENT]
    _check_length(idnumber, IDNUMBER_MAX, row, IDNUMBER, errors)
    _check_length(cells[SHORTNAME], SHORTNAME_MAX, row, SHORTNAME, errors)
    # Counting from 1 keeps file order among siblings (0 would be read as "unset" when saved).
    siblings[parent] = siblings.get(parent, 0) + 1
    return CompetencyData(
        idnumber=idnumber,
        short_name=cells[SHORTNAME],
        parent_idnumber=parent,
        code=idnumber if len(idnumber) <= CODE_MAX else "",
        description=_description(cells),
        description_format=(
            Competency.DescriptionFormat.MARKDOWN
            if cells[DESCRIPTION_FORMAT].strip() == FORMAT_MARKDOWN
            else Competency.DescriptionFormat.HTML
        ),
        sort_order=siblings[parent],
        rule_type=_rule_type(row, cells[RULE_TYPE], errors),
        rule_outcome=_rule_outcome(row, cells[RULE_OUTCOME], errors),
        rule_config=_rule_config(row, cells[RULE_CONFIG], errors),
        cross_references=_references(cells[CROSS_REFS]),
        where=f"row {row}",
    )


def _rule_type(row: int, value: str, errors: list[RowError]) -> str:
    if not value:
        return ""
    name = value.rsplit("\\", 1)[-1].strip().lower()
    if name in _RULE_NAMES:
        return _RULE_NAMES[name]
    errors.append(
        RowError(
            row,
            RULE_TYPE,
            gettext("Unknown rule type '%(value)s': use %(all)s or %(points)s, or leave it blank.")
            % {
                "value": value,
                "all": RULE_CLASSES[Competency.RuleType.ALL.value],
                "points": RULE_CLASSES[Competency.RuleType.POINTS.value],
            },
        )
    )
    return ""


def _rule_outcome(row: int, value: str, errors: list[RowError]) -> int:
    if not value:
        return Competency.RuleOutcome.NONE.value
    allowed = Competency.RuleOutcome.values
    if value.isdigit() and int(value) in allowed:
        return int(value)
    errors.append(
        RowError(
            row,
            RULE_OUTCOME,
            gettext(
                "'%(value)s' is not a rule outcome: use a whole number from %(min)d to %(max)d."
            )
            % {"value": value, "min": min(allowed), "max": max(allowed)},
        )
    )
    return Competency.RuleOutcome.NONE.value


def _rule_config(row: int, value: str, errors: list[RowError]) -> object:
    if not value or value.lower() == "null":
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        errors.append(
            RowError(
                row,
                RULE_CONFIG,
                gettext("The rule config is not valid JSON: %(error)s.") % {"error": exc},
            )
        )
        return None


def _rule_ids(config: object, ids: Mapping[str, object]) -> object:
    """A points rule's config with each child's ``id`` looked up in ``ids`` (others kept).

    Reading, ``ids`` maps Moodle's exported ids to ID numbers, which the platform's rules
    use; writing, ID numbers to the ids the rows are exported with.
    """
    if not ids or not isinstance(config, dict) or not isinstance(config.get("competencies"), list):
        return config
    entries = [
        {**entry, "id": ids[str(entry["id"])]}
        if isinstance(entry, dict) and str(entry.get("id")) in ids
        else entry
        for entry in config["competencies"]
    ]
    return {**config, "competencies": entries}


def _references(value: str) -> list[str]:
    refs: list[str] = []
    for part in value.split(","):
        ref = part.strip().replace("%2C", ",")
        if ref and ref not in refs:
            refs.append(ref)
    return refs


def _locate(problem: Problem, framework_row: int | None) -> RowError | None:
    """Give a ``tree.problems`` problem the row and column it came from."""
    where = problem.where
    if where.startswith("row ") and where[4:].isdigit():
        row = int(where[4:])
    elif where in ("framework", "scale"):
        if framework_row is None:
            return None  # the missing framework row is already reported
        row = framework_row
    else:
        return RowError(None, where or None, problem.message)
    return RowError(row, _COLUMN_FOR_FIELD.get(problem.field), problem.message)


def _tree_order(items: Iterable[CompetencyData]) -> list[CompetencyData]:
    """Parents before children, siblings by sort order, keeping anything unreachable last."""
    items = list(items)
    known = {c.idnumber for c in items}
    children: dict[str, list[tuple[int, CompetencyData]]] = {}
    for index, c in enumerate(items):
        parent = c.parent_idnumber if c.parent_idnumber in known else ""
        children.setdefault(parent, []).append((index, c))
    for group in children.values():
        group.sort(key=lambda pair: (pair[1].sort_order, pair[0]))
    out: list[CompetencyData] = []
    seen: set[int] = set()
    stack = [pair for pair in reversed(children.get("", []))]
    while stack:
        index, c = stack.pop()
        if index in seen:
            continue
        seen.add(index)
        out.append(c)
        if c.idnumber:
            stack.extend(reversed(children.get(c.idnumber, [])))
    out += [c for index, c in enumerate(items) if index not in seen]
    return out
