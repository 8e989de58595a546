"""Fellowships in the rest of the platform, through the development registry's hooks.

- ``progress_lines``: each milestone of a person's enrolments, for the development plan
  page and workbook (a "Fellowship progress" section);
- ``expected_attainments``: the competencies an open enrolment grants, from its forecast
  completion date (or its target date when there is no forecast), for the skill-mix
  projection.
Registered in ``fellowships/wagtail_hooks.py``; the development engine never imports this.
"""

import datetime
from collections.abc import Sequence

from django.utils.translation import gettext

from competencies.development.registry import FellowshipLine, FutureAttainment
from fellowships.models import Enrolment, Milestone
from fellowships.selectors import enrolments_of, progress_for
from ksf.models import StaffMember


def _state(p) -> str:
    if p.met:
        return gettext("Met")
    if p.unit == "entries":
        return gettext("%(done)s of %(target)s entries") % {
            "done": int(p.done),
            "target": int(p.target),
        }
    if p.unit == "hours":
        return gettext("%(done)s of %(target)s hours") % {
            "done": f"{p.done:.1f}",
            "target": int(p.target),
        }
    if p.unit == "assessments":
        return gettext("%(done)s of %(target)s satisfactory") % {
            "done": int(p.done),
            "target": int(p.target),
        }
    return gettext("Not yet")


def progress_lines(person: StaffMember, today: datetime.date) -> list[FellowshipLine]:
    enrolments = [
        e
        for e in enrolments_of(person.pk)
        if e.status in (*Enrolment.OPEN, Enrolment.Status.COMPLETED)
    ]
    lines: list[FellowshipLine] = []
    for e in enrolments:
        progress = progress_for([e], today)[e.pk]
        name = f"{e.programme.title} ({progress.forecast.risk.label})"
        for p in progress.milestones:
            record = progress.records.get(p.spec.pk)
            lines.append(
                FellowshipLine(
                    fellowship=name,
                    step=p.spec.title,
                    state=_state(p),
                    due=None if p.met else (progress.forecast.forecast_date or e.target_date),
                    completed_on=record.achieved_on if record and p.met else None,
                )
            )
    return lines


def expected_attainments(staff_ids: Sequence[int], today: datetime.date) -> list[FutureAttainment]:
    enrolments = list(
        Enrolment.objects.filter(
            staff_id__in=list(staff_ids),
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.APPROVED],
        ).select_related("programme")
    )
    progress = progress_for(enrolments, today)
    granted: dict[int, list[int]] = {}
    for m in Milestone.objects.filter(
        programme_id__in={e.programme_id for e in enrolments},
        kind=Milestone.Kind.COMPETENCY,
        competency__isnull=False,
    ).values("programme_id", "competency_id"):
        granted.setdefault(m["programme_id"], []).append(m["competency_id"])
    rows: list[FutureAttainment] = []
    for e in enrolments:
        f = progress[e.pk].forecast
        expected = f.forecast_date or e.target_date
        rows.extend(
            FutureAttainment(e.staff_id, competency_id, expected, f"fellowship:{e.public_id}")
            for competency_id in granted.get(e.programme_id, [])
        )
    return rows
