"""The activity-to-competency map as a spreadsheet: bulk upload and export, same columns.

An upload is all or nothing. Each row is one line of the map; a row whose procedure scheme,
code, activity type, competency and start date match a saved line changes that line, any
other row adds one. Every row is checked by ``map_rules`` against the map as it would be
after the upload (so a file may end one line and start its successor), and problems are
reported by row and column. An export of the map uploads again unchanged.
"""

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext, ngettext
from wagtail.log_actions import log

from competencies.activity import map_rules
from competencies.activity.map_rules import Line
from competencies.models import ActivityRequirement, Competency, Framework, ScaleValue
from competencies.models.activity import ActivityType, Scheme
from ksf.admin_exports import FORMULA_START, neutralise
from ksf.imports.tabular import ImportFailed, RowError, read_table

COLUMNS = [
    "procedure_scheme",
    "procedure_code",
    "activity_type",
    "label",
    "framework",
    "framework_version",
    "competency",
    "level",
    "valid_from",
    "valid_to",
    "lapse_months",
]
REQUIRED = ["label", "framework", "competency", "valid_from"]
OPTIONAL = [c for c in COLUMNS if c not in REQUIRED]
ALIASES = {
    "procedure_scheme": ["scheme", "code scheme"],
    "procedure_code": ["code", "procedure", "snomed code"],
    "label": ["work", "description"],
    "framework": ["framework idnumber", "framework id"],
    "framework_version": ["version"],
    "competency": ["competency idnumber", "competency code"],
    "valid_from": ["from", "start date"],
    "valid_to": ["until", "to", "end date"],
    "lapse_months": ["lapses after (months)", "lapse"],
}
SCHEMES = {"snomed": Scheme.SNOMED, "snomed ct": Scheme.SNOMED, "local": Scheme.LOCAL}
FIELD_COLUMNS = {  # map_rules' fields -> the column that carries them
    "procedure_code": "procedure_code",
    "competency": "competency",
    "level": "level",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
}


@dataclass
class UploadResult:
    added: int
    changed: int
    unchanged: int

    @property
    def summary(self) -> str:
        return gettext(
            "%(added)s lines added, %(changed)s changed and %(unchanged)s unchanged."
        ) % {"added": self.added, "changed": self.changed, "unchanged": self.unchanged}


def _date(text: str) -> datetime.date:
    text = text.removesuffix(" 00:00:00")  # a workbook's date cell, read as text
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(text)


def _unquote(value: str) -> str:
    """An exported cell that was kept from running as a formula reads back as written."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def _current_version(idnumber: str) -> tuple[Framework | None, str | None]:
    """The framework version new lines point at: the newest published one not retired."""
    versions = Framework.objects.filter(idnumber__iexact=idnumber)
    current = (
        versions.filter(live=True, retired=False)
        .order_by(F("last_published_at").desc(nulls_last=True), "-pk")
        .first()
    )
    if current is not None:
        return current, None
    if not versions.exists():
        return None, gettext("No framework has the ID number '%(id)s'.") % {"id": idnumber}
    if versions.filter(retired=True).exists() and not versions.filter(live=False).exists():
        return None, gettext(
            "Every published version of framework '%(id)s' is retired: map the work to a "
            "current framework."
        ) % {"id": idnumber}
    return None, gettext(
        "Framework '%(id)s' has no published version yet: publish it before mapping work to it."
    ) % {"id": idnumber}


class _Reader:
    """Turns a row's text into a map line, noting each problem by row and column."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.frameworks: dict[str, tuple[Framework | None, str | None]] = {}

    def framework(self, idnumber: str, version: str) -> tuple[Framework | None, str | None]:
        key = f"{idnumber.lower()}\n{version}"
        if key not in self.frameworks:
            if version:  # that version exactly: the map's rules say whether it may be used
                found = Framework.objects.filter(idnumber__iexact=idnumber, version=version)
                framework = found.first()
                problem = None
                if framework is None:
                    problem = gettext("Framework '%(id)s' has no version '%(version)s'.") % {
                        "id": idnumber,
                        "version": version,
                    }
                self.frameworks[key] = (framework, problem)
            else:
                self.frameworks[key] = _current_version(idnumber)
        return self.frameworks[key]

    def line(self, number: int, row: dict[str, str]) -> Line | None:
        def fail(column: str, message: str) -> None:
            self.errors.append(RowError(number, column, message))

        before = len(self.errors)
        code = _unquote(row.get("procedure_code", ""))
        scheme_text = row.get("procedure_scheme", "").lower()
        if scheme_text:
            scheme = SCHEMES.get(scheme_text)
            if scheme is None:
                fail("procedure_scheme", gettext("Write 'snomed' or 'local'."))
        else:
            scheme = Scheme.SNOMED if (code.isdigit() or not code) else Scheme.LOCAL
        activity_type = row.get("activity_type", "").lower()
        if activity_type and activity_type not in ActivityType.values:
            fail(
                "activity_type",
                gettext("'%(value)s' is not an activity type; write one of: %(types)s.")
                % {"value": row["activity_type"], "types": ", ".join(ActivityType.values)},
            )
        label = _unquote(row.get("label", ""))
        if not label:
            fail("label", gettext("Say what the work is, in words."))
        elif len(label) > 200:
            fail("label", gettext("Keep the description to 200 characters."))
        if len(code) > 40:
            fail("procedure_code", gettext("A procedure code has at most 40 characters."))
        competency = level = None
        framework, problem = self.framework(
            row.get("framework", ""), row.get("framework_version", "")
        )
        if not row.get("framework") and not row.get("competency"):
            # Everyday work that needs no particular competency: the code is known.
            if row.get("level"):
                fail("level", gettext("A level needs a framework and a competency."))
        elif not row.get("framework"):
            fail("framework", gettext("Give the framework's ID number."))
        elif problem:
            fail("framework", problem)
        elif not row.get("competency"):
            fail("competency", gettext("Give the competency's ID number or code."))
        else:
            wanted = _unquote(row["competency"])
            competency = (
                Competency.objects.filter(framework=framework, idnumber=wanted)
                .select_related("framework")
                .first()
                or Competency.objects.filter(framework=framework, code=wanted)
                .select_related("framework")
                .first()
            )
            if competency is None:
                fail(
                    "competency",
                    gettext(
                        "%(framework)s version %(version)s has no competency with the ID "
                        "number or code '%(value)s'."
                    )
                    % {"framework": framework.title, "version": framework.version, "value": wanted},
                )
            elif row.get("level"):
                level = ScaleValue.objects.filter(
                    framework=framework, name__iexact=row["level"]
                ).first()
                if level is None:
                    names = ", ".join(
                        framework.scale_values.order_by("sort_order").values_list("name", flat=True)
                    )
                    fail(
                        "level",
                        gettext(
                            "'%(level)s' is not on the scale of %(framework)s. Its levels are: "
                            "%(levels)s."
                        )
                        % {"level": row["level"], "framework": framework.title, "levels": names},
                    )
        dates: dict[str, datetime.date | None] = {"valid_from": None, "valid_to": None}
        for column in dates:
            if row.get(column):
                try:
                    dates[column] = _date(row[column])
                except ValueError:
                    fail(column, gettext("Write the date as yyyy-mm-dd or dd/mm/yyyy."))
        if not row.get("valid_from"):
            fail("valid_from", gettext("Give the date from which this line applies."))
        lapse = None
        if row.get("lapse_months"):
            text = row["lapse_months"].removesuffix(".0")
            if not text.isdigit() or not 1 <= int(text) <= 120:
                fail("lapse_months", gettext("Write a whole number of months from 1 to 120."))
            else:
                lapse = int(text)
        if len(self.errors) > before:
            return None
        return Line(
            procedure_scheme=scheme,
            procedure_code=code,
            activity_type=activity_type,
            label=label,
            competency=competency,
            level=level,
            valid_from=dates["valid_from"],
            valid_to=dates["valid_to"],
            lapse_months=lapse,
        )


def _identity(line: Line) -> tuple:
    return (*line.key, line.valid_from)


def _same(requirement: ActivityRequirement, line: Line) -> bool:
    return Line.of(requirement) == Line(
        procedure_scheme=line.procedure_scheme if line.procedure_code else Scheme.SNOMED,
        procedure_code=line.procedure_code,
        activity_type=line.activity_type,
        label=line.label,
        competency=line.competency,
        level=line.level,
        valid_from=line.valid_from,
        valid_to=line.valid_to,
        lapse_months=line.lapse_months,
    )


def upload(data: bytes, filename: str, *, user=None) -> UploadResult:
    """Add or change the map's lines from a CSV or XLSX file: all of it, or nothing."""
    table = read_table(data, filename, required=REQUIRED, optional=OPTIONAL, aliases=ALIASES)
    reader = _Reader()
    lines = [(number, reader.line(number, row)) for number, row in table.rows]
    if not table.rows:
        raise ImportFailed(filename, [RowError(None, None, gettext("The file has no rows."))])
    if reader.errors:
        raise ImportFailed(filename, reader.errors)
    saved = {
        _identity(Line.of(r)): r
        for r in ActivityRequirement.objects.select_related("competency__framework", "level")
    }
    errors: list[RowError] = []
    seen: dict[tuple, int] = {}
    for number, line in lines:
        identity = _identity(line)
        if identity in seen:
            errors.append(
                RowError(
                    number,
                    "valid_from",
                    gettext(
                        "Row %(row)s already gives this line (same work, competency and start)."
                    )
                    % {"row": seen[identity]},
                )
            )
        seen[identity] = number
    if errors:
        raise ImportFailed(filename, errors)
    # The map as it would be after the upload: saved lines the file does not touch, and the
    # file's lines (replacing the saved ones they match).
    after = [Line.of(r) for identity, r in saved.items() if identity not in seen]
    after += [line for _, line in lines]
    by_key: dict[tuple, list[Line]] = {}
    for line in after:
        by_key.setdefault(line.key, []).append(line)
    for number, line in lines:
        instance = saved.get(_identity(line))
        others = [o for o in by_key[line.key] if o is not line]
        for field, messages in map_rules.problems(line, instance=instance, others=others).items():
            for message in messages:
                errors.append(RowError(number, FIELD_COLUMNS.get(field, field), message))
    if errors:
        raise ImportFailed(filename, errors)
    added = changed = unchanged = 0
    with transaction.atomic():
        for _, line in lines:
            instance = saved.get(_identity(line))
            if instance is not None and _same(instance, line):
                unchanged += 1
                continue
            requirement = instance or ActivityRequirement()
            map_rules.apply_line(requirement, line)
            requirement.save()
            log(requirement, "wagtail.edit" if instance else "wagtail.create", user=user)
            if instance:
                changed += 1
            else:
                added += 1
    return UploadResult(added=added, changed=changed, unchanged=unchanged)


def upload_failed_summary(failure: ImportFailed) -> str:
    return ngettext(
        "%(count)s problem; nothing was uploaded.",
        "%(count)s problems; nothing was uploaded.",
        len(failure.errors),
    ) % {"count": len(failure.errors)}


def rows(requirements: Iterable[ActivityRequirement] | None = None) -> list[dict[str, str]]:
    """The map's lines as the upload reads them."""
    if requirements is None:
        requirements = ActivityRequirement.objects.order_by("label", "valid_from", "pk")
    requirements = (
        requirements.select_related("competency__framework", "level")
        if hasattr(requirements, "select_related")
        else requirements
    )
    out = []
    for r in requirements:
        out.append(
            {
                "procedure_scheme": r.procedure_scheme if r.procedure_code else "",
                "procedure_code": r.procedure_code,
                "activity_type": r.activity_type,
                "label": r.label,
                "framework": r.competency.framework.idnumber if r.competency else "",
                "framework_version": r.competency.framework.version if r.competency else "",
                "competency": r.competency.idnumber if r.competency else "",
                "level": r.level.name if r.level else "",
                "valid_from": r.valid_from.isoformat(),
                "valid_to": r.valid_to.isoformat() if r.valid_to else "",
                "lapse_months": "" if r.lapse_months is None else str(r.lapse_months),
            }
        )
    return out


def export_csv(requirements=None) -> bytes:
    """The map as UTF-8 CSV (with a BOM, so Excel reads it as UTF-8), safe to open."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows(requirements):
        writer.writerow({k: neutralise(v, csv=True) for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(requirements=None) -> bytes:
    """The map as a workbook: one sheet, the upload's columns, every cell text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(gettext("Activity map")[:31])
    sheet.append(COLUMNS)
    for row in rows(requirements):
        sheet.append([neutralise(row[c], csv=False) for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
