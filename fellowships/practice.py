"""Fellows practise under supervision: the periods the skill-gap flags treat as supervised.

An enrolment supervises the competencies its programme's competency milestones grant (as in
``fellowships.development.expected_attainments``) from its start date while it is active or
paused, until it completed or was withdrawn. Time in a pause is not supervised. Registered
through the ``register_supervised_practice`` hook in ``fellowships/wagtail_hooks.py``.
"""

import datetime
from collections.abc import Sequence

from competencies.activity.flags.registry import SupervisedPeriod
from fellowships.models import Enrolment, Milestone, Pause

ONE_DAY = datetime.timedelta(days=1)


def _split(start, end, pauses):
    """``[start, end]`` less the pauses (each ``[starts_on, ends_on)``)."""
    periods, cursor = [], start
    for p_start, p_end in sorted(pauses):
        if end is not None and p_start > end:
            break
        if p_start > cursor:
            periods.append((cursor, p_start - ONE_DAY))
        if p_end is None:
            return periods
        cursor = max(cursor, p_end)
    if end is None or cursor <= end:
        periods.append((cursor, end))
    return periods


def supervised_periods(staff_ids: Sequence[int] | None) -> list[SupervisedPeriod]:
    """Three queries for any number of people (``None``: every fellow)."""
    enrolments = Enrolment.objects.filter(
        status__in=[
            Enrolment.Status.ACTIVE,
            Enrolment.Status.PAUSED,
            Enrolment.Status.COMPLETED,
            Enrolment.Status.WITHDRAWN,
        ]
    )
    if staff_ids is not None:
        enrolments = enrolments.filter(staff_id__in=list(staff_ids))
    enrolments = list(
        enrolments.values(
            "pk", "staff_id", "programme_id", "status", "start_date", "completed_on", "withdrawn_on"
        )
    )
    if not enrolments:
        return []
    granted: dict[int, set[int]] = {}
    for m in Milestone.objects.filter(
        programme_id__in={e["programme_id"] for e in enrolments},
        kind=Milestone.Kind.COMPETENCY,
        competency__isnull=False,
    ).values("programme_id", "competency_id"):
        granted.setdefault(m["programme_id"], set()).add(m["competency_id"])
    pauses: dict[int, list] = {}
    for p in Pause.objects.filter(enrolment_id__in=[e["pk"] for e in enrolments]).values(
        "enrolment_id", "starts_on", "ends_on"
    ):
        pauses.setdefault(p["enrolment_id"], []).append((p["starts_on"], p["ends_on"]))
    rows: list[SupervisedPeriod] = []
    for e in enrolments:
        if e["status"] == Enrolment.Status.COMPLETED:
            end = e["completed_on"]
        elif e["status"] == Enrolment.Status.WITHDRAWN:
            end = e["withdrawn_on"]
        else:
            end = None
        if e["status"] in (Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN) and not end:
            continue
        for start, stop in _split(e["start_date"], end, pauses.get(e["pk"], [])):
            rows.extend(
                SupervisedPeriod(e["staff_id"], competency_id, start, stop)
                for competency_id in sorted(granted.get(e["programme_id"], ()))
            )
    return rows
