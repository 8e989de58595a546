"""The rules of the activity-to-competency map, and the messages that explain a refusal.

One place decides whether a line of the map may be saved, so the admin form, the bulk upload
and anything else that writes the map refuse the same things with the same words: a
competency of a retired or unpublished framework, a level from another framework's scale,
an end date before the start, a line that matches nothing, and a second line for the same
work and competency over overlapping dates (the flags would count that work twice).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from competencies.models import ActivityRequirement, Competency, ScaleValue
from competencies.models.activity import Scheme


@dataclass
class Line:
    """What a line of the map says, before it is saved."""

    procedure_scheme: str
    procedure_code: str
    activity_type: str
    label: str
    competency: Competency | None
    level: ScaleValue | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    lapse_months: int | None = None

    @classmethod
    def of(cls, requirement: ActivityRequirement) -> "Line":
        return cls(
            procedure_scheme=requirement.procedure_scheme,
            procedure_code=requirement.procedure_code,
            activity_type=requirement.activity_type,
            label=requirement.label,
            competency=requirement.competency if requirement.competency_id else None,
            level=requirement.level,
            valid_from=requirement.valid_from,
            valid_to=requirement.valid_to,
            lapse_months=requirement.lapse_months,
        )

    @property
    def key(self) -> tuple[str, str, str, int | None]:
        """Lines with the same key must not overlap in time."""
        code = (self.procedure_code or "").strip()
        return (
            self.procedure_scheme if code else "",
            code,
            self.activity_type or "",
            self.competency.pk if self.competency else None,
        )


def overlaps(
    a_from: datetime.date,
    a_to: datetime.date | None,
    b_from: datetime.date,
    b_to: datetime.date | None,
) -> bool:
    """Whether two date ranges (an empty end: open) share a day."""
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def _competency_problem(competency: Competency) -> str | None:
    framework = competency.framework
    if framework.retired:
        return gettext(
            "%(competency)s belongs to %(framework)s version %(version)s, which is retired. "
            "Choose the competency in the framework's current version."
        ) % {"competency": competency, "framework": framework.title, "version": framework.version}
    if not framework.live:
        return gettext(
            "%(competency)s belongs to %(framework)s version %(version)s, which is not "
            "published. Publish the framework first, or choose a competency of a published one."
        ) % {"competency": competency, "framework": framework.title, "version": framework.version}
    return None


def _range_text(valid_from: datetime.date, valid_to: datetime.date | None) -> str:
    if valid_to is None:
        return gettext("from %(start)s") % {"start": valid_from.isoformat()}
    return gettext("from %(start)s to %(end)s") % {
        "start": valid_from.isoformat(),
        "end": valid_to.isoformat(),
    }


def problems(
    line: Line,
    *,
    instance: ActivityRequirement | None = None,
    others: Iterable[Line] | None = None,
) -> dict[str, list[str]]:
    """Each rule the line breaks, by field; empty when it may be saved.

    ``instance`` is the saved line being changed (a line whose framework has since been
    retired may still be edited, e.g. to end it, as long as its competency stays the same).
    ``others`` are the other lines to check for overlaps; by default the saved lines.
    """
    found: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        found.setdefault(field, []).append(message)

    code = (line.procedure_code or "").strip()
    if not code and not line.activity_type:
        add(
            "procedure_code",
            gettext(
                "Give a procedure code, an activity type or both: a line with neither would "
                "match no work."
            ),
        )
    competency = line.competency
    if competency is None:  # everyday work: known, but needing no particular competency
        if line.level is not None:
            add("level", gettext("A level needs a competency: choose one, or clear the level."))
        if line.lapse_months is not None:
            add(
                "lapse_months",
                gettext("Lapsing applies to a competency: choose one, or clear the months."),
            )
    else:
        unchanged = instance is not None and instance.competency_id == competency.pk
        problem = None if unchanged else _competency_problem(competency)
        if problem:
            add("competency", problem)
        if line.level is not None and line.level.framework_id != competency.framework_id:
            names = ", ".join(
                ScaleValue.objects.filter(framework_id=competency.framework_id)
                .order_by("sort_order")
                .values_list("name", flat=True)
            )
            add(
                "level",
                gettext(
                    "'%(level)s' is not on the scale of %(framework)s. Its levels are: %(levels)s."
                )
                % {"level": line.level, "framework": competency.framework.title, "levels": names},
            )
    if line.valid_from is None:
        add("valid_from", gettext("Give the date from which this line applies."))
    elif line.valid_to is not None and line.valid_to < line.valid_from:
        add(
            "valid_to",
            gettext("The end date (%(end)s) is before the start date (%(start)s).")
            % {"end": line.valid_to.isoformat(), "start": line.valid_from.isoformat()},
        )
    if found or line.valid_from is None:
        return found
    if others is None:
        saved = ActivityRequirement.objects.filter(
            procedure_code=code,
            activity_type=line.activity_type or "",
        ).select_related("competency")
        if code:
            saved = saved.filter(procedure_scheme=line.procedure_scheme)
        if instance is not None and instance.pk:
            saved = saved.exclude(pk=instance.pk)
        others = [Line.of(r) for r in saved]
    for other in others:
        if other.valid_from is None or other.key[:3] != line.key[:3]:
            continue
        if not overlaps(line.valid_from, line.valid_to, other.valid_from, other.valid_to):
            continue
        if (other.competency is None) != (competency is None):
            # "needs no competency" and "needs this one" cannot both be true of the same work
            add(
                "competency",
                gettext(
                    "'%(label)s' %(range)s says this work %(other)s, which contradicts this "
                    "line. End that line before this one starts, or change it instead."
                )
                % {
                    "label": other.label,
                    "range": _range_text(other.valid_from, other.valid_to),
                    "other": gettext("needs %(competency)s") % {"competency": other.competency}
                    if other.competency
                    else gettext("needs no particular competency"),
                },
            )
            break
        if other.key == line.key:
            add(
                "valid_from",
                gettext(
                    "Another line already maps this work to %(competency)s %(range)s "
                    "('%(label)s'). End that line before this one starts, or change it "
                    "instead."
                )
                % {
                    "competency": competency or gettext("no particular competency"),
                    "range": _range_text(other.valid_from, other.valid_to),
                    "label": other.label,
                },
            )
            break
    return found


def check(line: Line, *, instance: ActivityRequirement | None = None) -> None:
    """Raise a ValidationError by field when the line breaks a rule."""
    found = problems(line, instance=instance)
    if found:
        raise ValidationError(found)


def apply_line(requirement: ActivityRequirement, line: Line) -> None:
    """Copy a checked line onto a requirement (unsaved); a line without a code has no scheme."""
    code = (line.procedure_code or "").strip()
    requirement.procedure_scheme = line.procedure_scheme if code else Scheme.SNOMED
    requirement.procedure_code = code
    requirement.activity_type = line.activity_type or ""
    requirement.label = line.label
    requirement.competency = line.competency
    requirement.level = line.level
    requirement.valid_from = line.valid_from
    requirement.valid_to = line.valid_to
    requirement.lapse_months = line.lapse_months


@transaction.atomic
def save_line(line: Line, *, instance: ActivityRequirement | None = None) -> ActivityRequirement:
    """Create a line of the map (or change ``instance``), refusing what the rules refuse."""
    check(line, instance=instance)
    requirement = instance or ActivityRequirement()
    apply_line(requirement, line)
    requirement.save()
    return requirement
