"""The demo's fellowships: a year of the shipped programmes at the demo health board.

A sonography (MSK-POCUS) cohort of four (one completed with a credential, one on track, one at
risk, one paused), a prescribing (NMP) cohort of three with their designated prescribing
practitioners, and two first contact practitioner roadmap trainees. Each fellow applied with
their line manager's support and the MSK service lead decided, with the cost, the funding and
the backfill; one application waits for her decision and one was declined.

Fellows are specialist and first contact physiotherapists in the MSK teams (never the demo
clinician); the demo supervisor, Amir Khan, mentors two sonography fellows (with entries
waiting for his sign-off) and one roadmap trainee, within his capacity. Everything is worked
out from the day it is seeded and a seeded random generator, so the same day gives the same
demo. Logbooks and assessments are written in bulk; the decisions, supervisors, pause,
milestones and the completion go through the services, so they are checked and audited as in
use, and the completion issues a real signed credential.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from competencies.models import Attainment
from fellowships.enrolments import services
from fellowships.logbook.services import queue_topic
from fellowships.models import (
    Application,
    Assessment,
    Credential,
    Enrolment,
    LogbookEntry,
    Milestone,
    Programme,
    SupervisorAssignment,
    SupervisorRole,
)
from fellowships.programmes.shipped import BODY_REGIONS, publish_shipped_programmes
from ksf import dates
from ksf.models import PostAssignment, Profession, StaffMember, Team
from ksf.services import notify

POCUS, NMP, FCP = "MSK-POCUS", "NMP", "MSK-FCP"
SPECIALIST = "Specialist physiotherapist"
FIRST_CONTACT = "MSK first contact practitioner"

# Region weights for a sonography logbook: shoulders and knees are most of an MSK clinic.
REGION_WEIGHTS = dict(zip(BODY_REGIONS, [30, 10, 12, 12, 22, 14], strict=True))
FINDINGS = {
    "Shoulder": [
        "Supraspinatus tendinopathy, no tear seen.",
        "Subacromial bursal thickening; bunching under the acromion on abduction.",
        "Partial-thickness articular-side supraspinatus tear, about 6 mm.",
        "Long head of biceps in the groove, small tendon sheath effusion.",
        "Calcific deposit in supraspinatus, 9 mm, shadowing.",
    ],
    "Elbow": [
        "Common extensor origin tendinopathy with neovascularity.",
        "Common flexor origin normal; ulnar nerve stable on flexion.",
        "Small joint effusion in the posterior recess, no loose body seen.",
    ],
    "Wrist and hand": [
        "de Quervain's tenosynovitis: thickened first extensor compartment.",
        "Dorsal wrist ganglion, 8 mm, from the scapholunate region.",
        "Trigger finger: thickened A1 pulley of the ring finger.",
    ],
    "Hip": [
        "Gluteus medius tendinopathy, no bursal fluid.",
        "Trochanteric bursal fluid over a thickened gluteus minimus insertion.",
        "Anterior joint recess normal; no effusion.",
    ],
    "Knee": [
        "Proximal patellar tendinopathy with hypoechoic thickening.",
        "Baker's cyst, 2 cm, intact, no calf extension.",
        "Small suprapatellar effusion, synovium not thickened.",
        "Medial collateral ligament thickened after a sprain, fibres continuous.",
    ],
    "Ankle and foot": [
        "Mid-portion Achilles tendinopathy, 8 mm, neovascularity.",
        "Plantar fascia thickened to 5.8 mm at the calcaneal origin.",
        "Anterior talofibular ligament thickened, intact on stress.",
        "Intermetatarsal neuroma in the third web space.",
    ],
}
REFLECTIONS = [
    "Probe pressure made the difference: less pressure showed the bursa.",
    "Compared with the other side first, as my mentor suggested; the asymmetry was clear.",
    "Took longer than planned to find the landmarks; practise the scan order.",
    "Discussed the findings with the patient and agreed the plan together.",
]
RETURN_FEEDBACK = [
    "Please add the dynamic assessment you did and what it showed.",
    "The image description is thin: say which views you used and what you saw in each.",
    "Check the category: this reads as a hip scan, not a knee scan.",
]
CLINICS = ["MSK outpatient clinic", "Injection clinic", "Persistent pain clinic"]
CLINIC_FINDINGS = [
    "Reviewed analgesia; started a short course of a topical NSAID and agreed a review.",
    "Deprescribed a long-term opioid with the patient; tapering plan agreed.",
    "Discussed a steroid injection: risks, benefits and alternatives; consented.",
    "Medication review: interaction checked with the formulary and the pharmacist.",
]


@dataclass
class Plan:
    """One fellow's year: who, on what, since when, and what their logbook holds."""

    code: str
    team: str
    title: str
    cohort: str
    start_days_ago: int
    years_qualified: int
    # (first day ago, last day ago, how many) of signed entries, oldest phase first
    signed: list[tuple[int, int, int]] = field(default_factory=list)
    submitted: int = 0
    returned: int = 0
    drafts: int = 0
    override: str = ""
    shape: str = ""  # completed, on_track, at_risk, paused, or "" (the forecast decides)


# The sonography cohort is worked out so that ``progress_for`` says what its shape is: the
# pace is the signed entries of the last 8 weeks; the target is 250 supervised scans in 12
# months, with at least 20 in each region.
PLANS = [
    Plan(
        POCUS,
        "MSK-S",
        SPECIALIST,
        "2025-26",
        start_days_ago=350,
        years_qualified=8,
        signed=[(336, 24, 262)],
        shape="completed",
    ),
    Plan(
        POCUS,
        "MSK-N",
        SPECIALIST,
        "2026-27",
        start_days_ago=150,
        years_qualified=6,
        signed=[(136, 57, 52), (56, 3, 50)],
        submitted=7,
        returned=2,
        drafts=1,
        shape="on_track",
    ),
    Plan(
        POCUS,
        "MSK-FCP",
        SPECIALIST,
        "2026-27",
        start_days_ago=240,
        years_qualified=5,
        signed=[(226, 60, 58), (55, 4, 7)],
        submitted=3,
        returned=1,
        shape="at_risk",
    ),
    Plan(
        POCUS,
        "MSK-HAND",
        SPECIALIST,
        "2026-27",
        start_days_ago=200,
        years_qualified=7,
        signed=[(186, 37, 78)],
        returned=1,
        shape="paused",
    ),
    Plan(
        NMP,
        "MSK-N",
        SPECIALIST,
        "Spring 2026",
        start_days_ago=100,
        years_qualified=9,
        signed=[(88, 4, 20)],
        submitted=2,
    ),
    Plan(
        NMP,
        "MSK-S",
        SPECIALIST,
        "Summer 2026",
        start_days_ago=60,
        years_qualified=6,
        signed=[(50, 5, 10)],
        submitted=1,
        returned=1,
    ),
    Plan(
        NMP,
        "MSK-HAND",
        SPECIALIST,
        "Autumn 2026",
        start_days_ago=25,
        years_qualified=11,
        signed=[(20, 3, 5)],
        submitted=1,
    ),
    Plan(
        FCP,
        "MSK-FCP",
        FIRST_CONTACT,
        "2026-27",
        start_days_ago=200,
        years_qualified=4,
        override=(
            "Four years qualified rather than five, with two years in the extended scope "
            "clinic and strong stage 1 evidence; the roadmap supervisor supports the "
            "application."
        ),
    ),
    Plan(FCP, "MSK-FCP", FIRST_CONTACT, "2026-27", start_days_ago=90, years_qualified=9),
]

APPLICATION_TERMS = {
    # cost, funding source, backfill hours
    POCUS: (Decimal("2950.00"), "HEIW education commissioning (PgCert)", Decimal("150.0")),
    NMP: (Decimal("1850.00"), "HEIW non-medical prescribing places", Decimal("195.0")),
    FCP: (Decimal("0.00"), "Primary care cluster (supervision time)", Decimal("37.5")),
}
STATEMENTS = {
    POCUS: (
        "Point-of-care ultrasound in clinic would let me confirm tendon pathology at the first "
        "appointment and cut the wait for radiology for shoulder and knee patients."
    ),
    NMP: (
        "Prescribing would let me complete the medication review in the MSK clinic myself "
        "instead of sending patients back to their GP for the prescription."
    ),
    FCP: (
        "I want to work at first contact in primary care and need the roadmap to be "
        "recognised as a first contact practitioner."
    ),
}
SUPPORT = (
    "I support this: it fits the team's plan for the year, and we have agreed the study "
    "time and how the clinics are covered."
)
DECLINED_REASON = (
    "Not this round: the three funded prescribing places for this year are taken. Please "
    "apply again for the spring intake; your manager's support still stands."
)
PAUSE_REASON = "Parental leave; expected back in the spring."

DOPS, COT, CBD, MSF = (
    Milestone.AssessmentType.DOPS,
    Milestone.AssessmentType.COT,
    Milestone.AssessmentType.CBD,
    Milestone.AssessmentType.MSF,
)
# (type, what is assessed, days after the start or None if asked for only, satisfactory)
FCP_ASSESSMENTS = [
    (COT, "New low back pain in primary care", 95, True),
    (CBD, "Suspected inflammatory arthritis", 110, False),
    (COT, "Shoulder pain with a red flag screen", 130, True),
    (CBD, "Radicular leg pain: when to refer", 150, True),
    (COT, "Knee pain after a twisting injury", 165, True),
    (CBD, "Hip pain in an older adult", 185, True),
    (MSF, "Multi-source feedback from the practice team", 190, True),
    (COT, "Neck pain with headache", None, True),
]
FCP_ASSESSMENTS_EARLY = [
    (COT, "Ankle sprain: applying the Ottawa rules", 60, True),
    (CBD, "Persistent widespread pain", None, True),
]


@dataclass
class _Board:
    """The demo people the fellowships need, found by post and team (never by number)."""

    rhian: User
    lowri: User
    amir: StaffMember
    leads: dict[str, StaffMember]
    advanced: StaffMember
    candidates: dict[tuple[str, str], list[PostAssignment]]


def _board(today: datetime.date) -> _Board:
    current = PostAssignment.objects.current(today).select_related(
        "staff", "post", "team", "line_manager"
    )
    candidates: dict[tuple[str, str], list[PostAssignment]] = {}
    for a in current.filter(
        team__service__code="MSK",
        post__title__in=[SPECIALIST, FIRST_CONTACT],
        staff__profession=Profession.PHYSIOTHERAPIST,
        staff__user__isnull=True,  # nobody with a demo login is a fellow
    ).order_by("staff__staff_number"):
        candidates.setdefault((a.team.code, a.post.title), []).append(a)
    advanced = (
        current.filter(team__code="MSK-N", post__band="8a").order_by("staff__staff_number").first()
    )
    assert advanced is not None
    return _Board(
        rhian=User.objects.get(username="servicelead"),
        lowri=User.objects.get(username="educator"),
        amir=StaffMember.objects.select_related("user").get(user__username="supervisor"),
        leads={t.code: t.lead for t in Team.objects.filter(service__code="MSK")},
        advanced=advanced.staff,
        candidates=candidates,
    )


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment on a local day, never later than now."""
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return min(when, timezone.now() - datetime.timedelta(minutes=5))


def _spread(rng: random.Random, first: datetime.date, last: datetime.date, n: int) -> list:
    """``n`` weekdays from ``first`` to ``last``, evenly spread with a little jitter."""
    span = max((last - first).days, 1)
    found = []
    for i in range(n):
        day = first + datetime.timedelta(
            days=min(span, int(i * span / max(n, 1)) + rng.randint(0, 1))
        )
        if day.weekday() >= 5:  # a weekend case moves to the Friday before
            day -= datetime.timedelta(days=day.weekday() - 4)
        found.append(max(first, min(day, last)))
    return sorted(found)


class _References:
    """Pseudonymised case references, like US-2026-0143: a prefix, the year, a number."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next: dict[tuple[str, int], int] = {}

    def __call__(self, prefix: str, day: datetime.date) -> str:
        key = (prefix, day.year)
        number = self.next.get(key, self.rng.randint(11, 140)) + self.rng.randint(1, 3)
        self.next[key] = number
        return f"{prefix}-{day.year}-{number:04d}"


def _regions(rng: random.Random, n: int, minimum: int) -> list[str]:
    """Body regions for ``n`` scans: each at least ``minimum`` times, the rest by weight."""
    names = list(REGION_WEIGHTS)
    chosen = [name for name in names for _ in range(minimum)][:n]
    chosen += rng.choices(names, weights=list(REGION_WEIGHTS.values()), k=n - len(chosen))
    rng.shuffle(chosen)
    return chosen


def _logbook(
    rng: random.Random,
    refs: _References,
    enrolment: Enrolment,
    plan: Plan,
    supervisor: StaffMember,
    today: datetime.date,
) -> list[LogbookEntry]:
    sonography = plan.code == POCUS
    signed_days: list[datetime.date] = []
    for first, last, n in plan.signed:
        signed_days += _spread(
            rng, today - datetime.timedelta(days=first), today - datetime.timedelta(days=last), n
        )
    open_until = today
    if plan.shape == "paused":  # nothing logged since the pause
        open_until = today - datetime.timedelta(days=36)
    recent_first = open_until - datetime.timedelta(days=12)
    returned_days = _spread(
        rng, recent_first - datetime.timedelta(days=20), recent_first, plan.returned
    )
    waiting_days = _spread(
        rng, recent_first, open_until - datetime.timedelta(days=1), plan.submitted
    )
    draft_days = [open_until] * plan.drafts
    days = (
        [(d, LogbookEntry.Status.SIGNED) for d in signed_days]
        + [(d, LogbookEntry.Status.RETURNED) for d in returned_days]
        + [(d, LogbookEntry.Status.SUBMITTED) for d in waiting_days]
        + [(d, LogbookEntry.Status.DRAFT) for d in draft_days]
    )
    minimum = 20 if plan.shape == "completed" else 0
    categories = (
        _regions(rng, len(days), minimum) if sonography else [rng.choice(CLINICS) for _ in days]
    )
    rows = []
    for i, ((day, status), category) in enumerate(zip(days, categories, strict=True)):
        entry = LogbookEntry(
            enrolment=enrolment,
            date=day,
            category=category,
            supervised=True,
            minutes=rng.choice([20, 25, 30, 30, 40]) if sonography else rng.choice([180, 210, 240]),
            case_reference=refs("US" if sonography else "RX", day),
            findings=rng.choice(FINDINGS[category] if sonography else CLINIC_FINDINGS),
            reflection=rng.choice(REFLECTIONS) if i % 4 == 0 else "",
            status=status,
        )
        if status != LogbookEntry.Status.DRAFT:
            entry.submitted_at = _moment(day, 17, rng.randint(0, 59))
        if status in (LogbookEntry.Status.SIGNED, LogbookEntry.Status.RETURNED):
            reviewed = min(day + datetime.timedelta(days=rng.randint(1, 4)), today)
            entry.reviewed_by = supervisor
            entry.reviewed_at = _moment(reviewed, 16, rng.randint(0, 59))
        if status == LogbookEntry.Status.SIGNED:
            entry.appraised = sonography and i % 6 == 0
        if status == LogbookEntry.Status.RETURNED:
            entry.feedback = rng.choice(RETURN_FEEDBACK)
        rows.append(entry)
    return rows


def _assessment(
    enrolment: Enrolment,
    kind: str,
    focus: str,
    assessor: StaffMember,
    day: datetime.date | None,
    ref: str,
    *,
    satisfactory: bool = True,
) -> Assessment:
    if day is None:  # asked for, not yet done
        return Assessment(
            enrolment=enrolment, kind=kind, focus=focus, assessor=assessor, case_reference=ref
        )
    rating = "meets" if satisfactory else "below"
    return Assessment(
        enrolment=enrolment,
        kind=kind,
        focus=focus,
        assessor=assessor,
        status=Assessment.Status.RECORDED,
        date=day,
        case_reference=ref,
        domains={
            "preparation": "meets",
            "technique": rating if kind != Milestone.AssessmentType.MSF else "not_observed",
            "reasoning": "above" if satisfactory else "meets",
            "communication": "meets",
            "documentation": rating,
        },
        outcome=Assessment.Outcome.SATISFACTORY if satisfactory else Assessment.Outcome.NOT_YET,
        feedback=(
            "Safe and systematic; talked the patient through each step."
            if satisfactory
            else "Good preparation; repeat it once the landmarks come without searching."
        ),
        recorded_at=_moment(day, 15),
    )


def _apply_and_decide(
    board: _Board,
    person: StaffMember,
    manager: StaffMember | None,
    programme: Programme,
    *,
    applied: datetime.date,
    approve: bool | None,
    start: datetime.date | None = None,
    cohort: str = "",
    override: str = "",
    today: datetime.date,
) -> Application:
    """The application as the fellow made it, their manager's support, and the decision.

    The fellows have no demo logins, so the application and support are written as made;
    the service lead's decision goes through the service (criteria, costs, the enrolment).
    """
    application = Application.objects.create(
        staff=person, programme=programme, statement=STATEMENTS[programme.code]
    )
    supported = applied + datetime.timedelta(days=3)
    Application.objects.filter(pk=application.pk).update(
        created_at=_moment(applied, 10),
        manager_support=SUPPORT if manager else "",
        supported_by=manager,
        supported_at=_moment(supported, 14) if manager else None,
    )
    if approve is None:
        return application
    cost, funding, backfill = APPLICATION_TERMS[programme.code]
    services.decide(
        application,
        user=board.rhian,
        approve=approve,
        reason="" if approve else DECLINED_REASON,
        cost=cost if approve else None,
        funding_source=funding if approve else "",
        backfill_hours=backfill if approve else None,
        override=override,
        start_date=start,
        cohort=cohort,
        today=today,
    )
    decided = min(supported + datetime.timedelta(days=9), today)
    Application.objects.filter(pk=application.pk).update(decided_at=_moment(decided, 11))
    return Application.objects.get(pk=application.pk)


@transaction.atomic
def add_demo_fellowships(today: datetime.date | None = None, seed: int = 2026) -> dict[str, int]:
    """Publish the shipped programmes and give the demo board a year of fellowships."""
    today = today or dates.today()
    rng = random.Random(seed)  # noqa: S311 - a demo, not a secret
    refs = _References(rng)
    board = _board(today)
    programmes = {p.code: p for p in publish_shipped_programmes(board.lowri)}
    used: set[int] = set()

    def take(team: str, title: str, since: datetime.date) -> PostAssignment:
        """The first one free in the team, preferring someone in post since ``since``."""
        free = [a for a in board.candidates.get((team, title), []) if a.staff_id not in used]
        if not free:
            raise LookupError(f"No {title} left in {team} for the demo fellowships.")
        found = next((a for a in free if a.start_date <= since), free[0])
        used.add(found.staff_id)
        return found

    # Supervisors by programme: the demo supervisor mentors two sonography fellows (the
    # paused one has another mentor) and one roadmap trainee; team leads are DPPs.
    amir = board.amir
    mentors = [amir, amir, amir, board.advanced]
    dpps = [board.advanced, board.leads["MSK-S"], board.leads["MSK-HAND"]]
    roadmap = [amir, board.leads["MSK-FCP"]]
    chosen = {POCUS: iter(mentors), NMP: iter(dpps), FCP: iter(roadmap)}
    # Whoever is next if a supervisor is full (with another seed, people work other hours).
    spare = [board.leads[code] for code in ("MSK-S", "MSK-HAND", "MSK-FCP", "MSK-N")]
    roles = {POCUS: SupervisorRole.MENTOR, NMP: SupervisorRole.DPP, FCP: SupervisorRole.ROADMAP}

    entries: list[LogbookEntry] = []
    assessments: list[Assessment] = []
    fellows: list[tuple[Plan, Enrolment, StaffMember]] = []
    for plan in PLANS:
        start = today - datetime.timedelta(days=plan.start_days_ago)
        post = take(plan.team, plan.title, start)
        person = post.staff
        person.qualified_on = today - relativedelta(years=plan.years_qualified, days=40)
        person.save(update_fields=["qualified_on"])
        applied = start - datetime.timedelta(days=rng.randint(35, 60))
        application = _apply_and_decide(
            board,
            person,
            post.line_manager,
            programmes[plan.code],
            applied=applied,
            approve=True,
            start=start,
            cohort=plan.cohort,
            override=plan.override,
            today=today,
        )
        enrolment = application.enrolment
        supervisor = _assign(
            enrolment, [next(chosen[plan.code]), *spare], roles[plan.code], board.lowri, start
        )
        if plan.code != FCP:
            entries += _logbook(rng, refs, enrolment, plan, supervisor, today)
        fellows.append((plan, enrolment, supervisor))

    # Someone waiting for the service lead's decision, and someone declined.
    waiting = take("MSK-FCP", SPECIALIST, today)
    declined = take("MSK-N", SPECIALIST, today)
    for person, years in ((waiting.staff, 6), (declined.staff, 5)):
        person.qualified_on = today - relativedelta(years=years, days=90)
        person.save(update_fields=["qualified_on"])
    _apply_and_decide(
        board,
        waiting.staff,
        waiting.line_manager,
        programmes[POCUS],
        applied=today - datetime.timedelta(days=9),
        approve=None,
        today=today,
    )
    _apply_and_decide(
        board,
        declined.staff,
        declined.line_manager,
        programmes[NMP],
        applied=today - datetime.timedelta(days=70),
        approve=False,
        today=today,
    )

    LogbookEntry.objects.bulk_create(entries)
    for plan, enrolment, supervisor in fellows:
        assessments += _milestones(rng, refs, board, plan, enrolment, supervisor, today)
    Assessment.objects.bulk_create(assessments)

    credentials = 0
    for plan, enrolment, supervisor in fellows:
        if plan.shape == "completed":
            credentials += _complete(enrolment, supervisor, today)
        elif plan.shape == "paused":
            services.pause(
                enrolment,
                user=board.lowri,
                starts_on=today - datetime.timedelta(days=35),
                reason=PAUSE_REASON,
            )
        waiting_entries = sum(
            1 for e in entries if e.enrolment_id == enrolment.pk and e.status == "submitted"
        )
        if waiting_entries and supervisor.user_id:
            notify(
                supervisor.user,
                ngettext(
                    "%(fellow)s submitted %(count)s logbook entry for sign-off",
                    "%(fellow)s submitted %(count)s logbook entries for sign-off",
                    waiting_entries,
                )
                % {"fellow": enrolment.staff.full_name, "count": waiting_entries},
                url=reverse("logbook:queue"),
                topic=queue_topic(enrolment.pk),
            )
    return {
        "programmes": len(programmes),
        "applications": Application.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "logbook": len(entries),
        "assessments": len(assessments),
        "credentials": credentials,
    }


def _assign(
    enrolment: Enrolment,
    candidates: list[StaffMember],
    role: str,
    user: User,
    starts_on: datetime.date,
) -> StaffMember:
    """The first candidate with room takes the fellow (the service refuses one who is full)."""
    for supervisor in candidates:
        try:
            with transaction.atomic():
                services.assign_supervisor(
                    enrolment, supervisor=supervisor, role=role, user=user, starts_on=starts_on
                )
        except ValidationError:
            continue
        return supervisor
    raise LookupError(f"Nobody has room to supervise {enrolment}.")


def _milestones(
    rng: random.Random,
    refs: _References,
    board: _Board,
    plan: Plan,
    enrolment: Enrolment,
    supervisor: StaffMember,
    today: datetime.date,
) -> list[Assessment]:
    """Module results (recorded by the educator, through the service) and assessments."""
    start = enrolment.start_date
    milestones = {m.title: m for m in enrolment.programme.milestones.all()}
    made: list[Assessment] = []

    def module(title: str, days_in: int, mark: int | None = None) -> None:
        day = start + datetime.timedelta(days=days_in)
        if day < today:
            services.record_milestone(
                enrolment, milestones[title], user=board.lowri, achieved_on=day, mark=mark
            )

    if plan.code == POCUS:
        module("OSCE: one upper-limb and one lower-limb scan on a live model", 70)
        focus = "Ultrasound-guided subacromial injection"
        if plan.shape == "completed":
            wanted = [(DOPS, focus, 250, False), (DOPS, focus, 280, True), (DOPS, focus, 305, True)]
        elif plan.shape == "on_track":
            wanted = [(DOPS, focus, None, True)]
        else:
            wanted = []
    elif plan.code == NMP:
        module("Numeracy assessment", 45, mark=100)
        module("Written assignment", 80, mark=68)
        wanted = []
    else:
        module("Mandatory e-learning", 20)
        module("Stage 1 portfolio verified", 75)
        long_in = enrolment.start_date <= today - datetime.timedelta(days=150)
        wanted = FCP_ASSESSMENTS if long_in else FCP_ASSESSMENTS_EARLY
    prefix = {POCUS: "US", FCP: "FCP"}.get(plan.code, "RX")
    for kind, focus, offset, satisfactory in wanted:
        day = None if offset is None else start + datetime.timedelta(days=offset)
        made.append(
            _assessment(
                enrolment,
                kind,
                focus,
                supervisor,
                day,
                refs(prefix, day or today),
                satisfactory=satisfactory,
            )
        )
    return made


def _complete(enrolment: Enrolment, mentor: StaffMember, today: datetime.date) -> int:
    """The mentor signs the competencies off and gives the final sign-off, 18 days ago.

    ``complete`` grants the competencies as verified sign-offs and issues the credential;
    the sign-offs are then dated as the competencies were signed during the programme.
    """
    finished = today - datetime.timedelta(days=18)
    signed_on = {}
    competencies = list(
        enrolment.programme.milestones.filter(kind=Milestone.Kind.COMPETENCY).order_by("sort_order")
    )
    for i, m in enumerate(competencies):
        day = finished - datetime.timedelta(days=6 * (len(competencies) - i))
        services.record_milestone(enrolment, m, user=mentor.user, achieved_on=day)
        signed_on[m.competency_id] = day
    services.complete(enrolment, user=mentor.user, declaration_confirmed=True, today=finished)
    for attainment in Attainment.objects.filter(source=f"fellowship:{enrolment.public_id}"):
        Attainment.objects.filter(pk=attainment.pk).update(
            created_at=_moment(signed_on.get(attainment.competency_id, finished), 12),
            decided_at=_moment(finished, 15),
        )
    SupervisorAssignment.objects.filter(enrolment=enrolment, ends_on__isnull=True).update(
        ends_on=finished
    )
    return 1 if Credential.objects.filter(enrolment=enrolment).exists() else 0
