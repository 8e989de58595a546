"""Reads about enrolments: progress per milestone and the forecast, for many at once.

``progress_for`` answers in a fixed number of queries however many enrolments it is given
(milestones, signed logbook entries, satisfactory assessments, milestone records, the
competencies held, pauses), so the cohort dashboard costs the same for 5 fellows or 500.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from competencies.models import Attainment, Competency
from fellowships.forecast import (
    Entry,
    Forecast,
    MilestoneProgress,
    MilestoneSpec,
    count_progress,
    done_progress,
    forecast,
    logbook_progress,
)
from fellowships.models import (
    Assessment,
    Enrolment,
    LogbookEntry,
    Milestone,
    MilestoneRecord,
    Pause,
    SupervisorAssignment,
)
from fellowships.policies import current_supervision
from ksf import dates
from ksf.models import PostAssignment


def spec_of(m: Milestone) -> MilestoneSpec:
    return MilestoneSpec(
        pk=m.pk,
        stage=m.stage,
        title=m.title,
        kind=m.kind,
        category=m.category,
        categories=tuple(m.categories or ()),
        supervision=m.supervision,
        target_entries=m.target_entries,
        min_per_category=m.min_per_category,
        appraised_percent=m.appraised_percent,
        target_hours=m.target_hours,
        assessment_type=m.assessment_type,
        min_count=m.min_count,
        pass_mark=m.pass_mark,
    )


@dataclass
class EnrolmentProgress:
    enrolment: Enrolment
    milestones: list[MilestoneProgress]
    forecast: Forecast
    records: dict[int, MilestoneRecord] = field(default_factory=dict)
    open_pause: Pause | None = None

    @property
    def all_but_final_met(self) -> bool:
        return all(p.met for p in self.milestones if p.spec.kind != Milestone.Kind.FINAL)

    @property
    def next_milestone(self) -> MilestoneProgress | None:
        return next((p for p in self.milestones if not p.met), None)

    @property
    def stages(self) -> list[tuple[str, list[MilestoneProgress]]]:
        grouped: dict[str, list[MilestoneProgress]] = {}
        for p in self.milestones:
            grouped.setdefault(p.spec.stage, []).append(p)
        return list(grouped.items())


def progress_for(
    enrolments: Sequence[Enrolment], today: datetime.date | None = None
) -> dict[int, EnrolmentProgress]:
    today = today or dates.today()
    if not enrolments:
        return {}
    ids = [e.pk for e in enrolments]
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in (
        Milestone.objects.filter(programme_id__in={e.programme_id for e in enrolments})
        .select_related("competency", "level")
        .order_by("programme_id", "sort_order", "pk")
    ):
        milestones[m.programme_id].append(m)
    entries: dict[int, list[Entry]] = defaultdict(list)
    for row in LogbookEntry.objects.filter(
        enrolment_id__in=ids, status=LogbookEntry.Status.SIGNED
    ).values_list("enrolment_id", "date", "category", "supervised", "minutes", "appraised"):
        entries[row[0]].append(Entry(*row[1:]))
    satisfactory: dict[tuple[int, str], int] = {
        (r["enrolment_id"], r["kind"]): r["n"]
        for r in Assessment.objects.filter(
            enrolment_id__in=ids,
            status=Assessment.Status.RECORDED,
            outcome=Assessment.Outcome.SATISFACTORY,
        )
        .values("enrolment_id", "kind")
        .annotate(n=Count("pk"))
    }
    records: dict[int, dict[int, MilestoneRecord]] = defaultdict(dict)
    for record in MilestoneRecord.objects.filter(enrolment_id__in=ids).select_related("signed_by"):
        records[record.enrolment_id][record.milestone_id] = record
    held = _held_competencies(enrolments, milestones, today)
    pauses: dict[int, Pause] = {
        p.enrolment_id: p for p in Pause.objects.filter(enrolment_id__in=ids, ends_on__isnull=True)
    }
    found: dict[int, EnrolmentProgress] = {}
    for e in enrolments:
        rows: list[MilestoneProgress] = []
        for m in milestones.get(e.programme_id, []):
            spec = spec_of(m)
            rec = records[e.pk].get(m.pk)
            if m.kind == Milestone.Kind.LOGBOOK:
                rows.append(logbook_progress(spec, entries.get(e.pk, [])))
            elif m.kind == Milestone.Kind.ASSESSMENT:
                rows.append(count_progress(spec, satisfactory.get((e.pk, m.assessment_type), 0)))
            elif m.kind == Milestone.Kind.COMPETENCY:
                signed = rec is not None and rec.passed and rec.signed_by_id is not None
                rows.append(done_progress(spec, signed or (e.staff_id, m.pk) in held))
            elif m.kind == Milestone.Kind.FINAL:
                rows.append(done_progress(spec, rec is not None and rec.signed_by_id is not None))
            else:  # an academic module
                passed = rec is not None and rec.passed
                if passed and m.pass_mark is not None and rec is not None:
                    passed = rec.mark is not None and rec.mark >= m.pass_mark
                rows.append(done_progress(spec, passed))
        found[e.pk] = EnrolmentProgress(
            enrolment=e,
            milestones=rows,
            forecast=forecast(
                rows,
                today=today,
                start_date=e.start_date,
                target_date=e.target_date,
                paused=e.status == Enrolment.Status.PAUSED,
                completed=e.status == Enrolment.Status.COMPLETED,
                withdrawn=e.status == Enrolment.Status.WITHDRAWN,
            ),
            records=records[e.pk],
            open_pause=pauses.get(e.pk),
        )
    return found


def _held_competencies(
    enrolments: Sequence[Enrolment], milestones: dict[int, list[Milestone]], today: datetime.date
) -> set[tuple[int, int]]:
    """(staff id, milestone pk) for each competency milestone the fellow holds, verified."""
    wanted = [
        (e.staff_id, m)
        for e in enrolments
        for m in milestones.get(e.programme_id, [])
        if m.kind == Milestone.Kind.COMPETENCY and m.competency_id
    ]
    if not wanted:
        return set()
    competency_ids = {m.competency_id for _, m in wanted}
    verified = (
        Attainment.objects.filter(
            staff_id__in={s for s, _ in wanted},
            competency__identifier__in=Competency.objects.filter(pk__in=competency_ids).values(
                "identifier"
            ),
            status=Attainment.Status.VERIFIED,
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("staff_id", "competency__identifier", "value__sort_order")
    )
    best: dict[tuple[int, object], int] = {}
    for staff_id, identifier, order in verified:
        if order is None:  # never: value and its sort_order are NOT NULL (max() needs an int)
            continue
        key = (staff_id, identifier)
        best[key] = max(order, best.get(key, order))
    held = set()
    for staff_id, m in wanted:
        # wanted keeps only competency milestones with a competency_id, so it is set.
        assert m.competency is not None
        order = best.get((staff_id, m.competency.identifier))
        need = m.level.sort_order if m.level_id and m.level else 0
        if order is not None and order >= need:
            held.add((staff_id, m.pk))
    return held


def supervisors_of(enrolments: Sequence[Enrolment]) -> dict[int, list[SupervisorAssignment]]:
    """Current supervisors by enrolment, each flagged when they have left (no current post)."""
    today = dates.today()
    found: dict[int, list[SupervisorAssignment]] = defaultdict(list)
    rows = list(
        current_supervision(today)
        .filter(enrolment_id__in=[e.pk for e in enrolments])
        .select_related("supervisor")
    )
    in_post = set(
        PostAssignment.objects.current(today)
        .filter(staff_id__in={r.supervisor_id for r in rows})
        .values_list("staff_id", flat=True)
    )
    for r in rows:
        r.has_left = r.supervisor_id not in in_post  # type: ignore[attr-defined]
        found[r.enrolment_id].append(r)
    return found


def supervisor_load(supervisor_ids: set[int]) -> dict[int, int]:
    """How many open enrolments each supervisor supervises today."""
    return {
        r["supervisor_id"]: r["n"]
        for r in current_supervision()
        .filter(supervisor_id__in=supervisor_ids, enrolment__status__in=Enrolment.OPEN)
        .values("supervisor_id")
        .annotate(n=Count("enrolment", distinct=True))
    }


def enrolments_of(person_id: int) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(staff_id=person_id)
        .select_related("programme", "staff")
        .order_by("-start_date", "-pk")
    )
