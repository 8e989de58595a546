"""Demo requirements: the demo health board's posts require the shipped frameworks."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from competencies.frameworks.shipped import load_shipped_frameworks
from competencies.models import (
    Attainment,
    Competency,
    CPDEntry,
    Evidence,
    Framework,
    PostRequirement,
    ScaleValue,
)
from ksf import dates
from ksf.models import (
    DevelopmentReview,
    KSFDimension,
    OutlineEntry,
    PDPObjective,
    Post,
    PostAssignment,
    ReviewDimension,
    StaffMember,
)
from ksf.reviews.selectors import add_months
from ksf.services import notify

FOUNDATION_MONTHS = 12  # the first review is due 12 months after starting in post

# (post title contains, framework idnumber, competency idnumbers or None for all leaves,
#  mandatory, months allowed)
DEMO_REQUIREMENTS = [
    ("Physiotherapist", "MSK-CORE-CAP", ["MSK-1", "MSK-2", "MSK-3", "MSK-4"], True, 12),
    ("MSK first contact practitioner", "MSK-CORE-CAP", None, True, 18),
    ("Specialist physiotherapist", "MSK-CORE-CAP", ["MSK-3", "MSK-4", "MSK-11"], True, 12),
    ("Advanced physiotherapy practitioner", "MSK-CORE-CAP", None, True, 12),
    ("Advanced physiotherapy practitioner", "RPS-PRESCRIBING", None, False, 24),
    ("Advanced physiotherapy practitioner", "MSK-POCUS", ["US-SH-D", "US-KN-D"], False, 18),
    ("Clinical lead physiotherapist", "MSK-CORE-CAP", ["MSK-1", "MSK-2", "MSK-14"], True, 12),
]


@transaction.atomic
def add_demo_requirements() -> int:
    frameworks = {f.idnumber: f for f in load_shipped_frameworks()}
    # The practice-education lead looks after the local ultrasound scope.
    from django.contrib.auth.models import User

    from competencies.frameworks.services import grant_framework

    educator = User.objects.filter(username="educator").first()
    if educator is not None:
        pocus = frameworks["MSK-POCUS"]
        pocus.owner = educator
        pocus.save(update_fields=["owner"])
        grant_framework(pocus, educator)
    made = 0
    for title, fw_id, idnumbers, mandatory, months in DEMO_REQUIREMENTS:
        framework = frameworks[fw_id]
        competencies = Competency.objects.filter(framework=framework)
        competencies = (
            competencies.filter(idnumber__in=idnumbers)
            if idnumbers
            else competencies.filter(depth=2)
        )
        for post in Post.objects.filter(title=title, service__code__in=["MSK", "CPH"]):
            for competency in competencies:
                _, created = PostRequirement.objects.get_or_create(
                    post=post,
                    competency=competency,
                    defaults={"mandatory": mandatory, "months_allowed": months},
                )
                made += created
    return made


@transaction.atomic
def add_demo_portfolio(today: datetime.date | None = None, seed: int = 2026) -> dict[str, int]:
    """A year of development for the demo clinician, and a believable history for the board.

    Ffion has CPD entries with reflections and evidence, one competency verified, one
    awaiting her manager's sign-off, one self-assessed, last year's signed review with its
    PDP, and this year's review in preparation. Everyone else gets the history a board in use
    has (see ``_board_history``): most reviewed this year and signed off, some not.
    """
    today = today or dates.today()
    ffion = StaffMember.objects.get(user__username="clinician")
    gareth = StaffMember.objects.get(user__username="manager")
    gareth_user = gareth.user
    core = Framework.objects.get(idnumber="MSK-CORE-CAP", live=True)
    value = {v.name: v for v in core.scale_values.all()}
    cap = {c.idnumber: c for c in core.competencies.all()}
    dims = {d.code: d for d in KSFDimension.objects.all()}

    link = Evidence.objects.create(
        owner=ffion,
        title="Reflective account: shoulder clinic",
        url="https://example.org/portfolio/shoulder-clinic-reflection",
        uploaded_by=ffion.user,
    )
    note = Evidence(owner=ffion, title="Supervision record, March", uploaded_by=ffion.user)
    text = (
        b"Supervision record\n\nDiscussed two shoulder cases, red flag screening and "
        b"shared decision making. Agreed to observe the injection clinic.\n"
    )
    note.file.save("supervision-record.txt", ContentFile(text), save=False)
    note.original_name, note.content_type, note.size = (
        "supervision-record.txt",
        "text/plain",
        len(text),
    )
    note.save()

    entries = 0
    for days_ago, title, kind, hours, dim_codes, caps, evidence in DEMO_CPD:
        entry = CPDEntry.objects.create(
            staff=ffion,
            date=today - datetime.timedelta(days=days_ago),
            title=title,
            activity_type=kind,
            hours=Decimal(hours),
            description=f"{title}.",
            learning="Clearer reasoning about when to refer on and when to manage in clinic.",
            practice_change="I now screen for serious pathology in a set order and record it.",
            service_user_benefit="Patients get a clearer explanation and a quicker plan.",
        )
        entry.dimensions.set([dims[c] for c in dim_codes])
        entry.competencies.set([cap[c] for c in caps])
        entry.evidence.set({"link": [link], "note": [note]}.get(evidence, []))
        entries += 1

    def attain(person, idnumber, status, days_ago, assessor=gareth, level="Capable"):
        when = timezone.now() - datetime.timedelta(days=days_ago)
        return Attainment.objects.create(
            staff=person,
            competency=cap[idnumber],
            value=value[level],
            status=status,
            self_comment="Seen in clinic over several months; see my CPD log.",
            assessor=assessor if status != Attainment.Status.SELF_ASSESSED else None,
            requested_at=when if status != Attainment.Status.SELF_ASSESSED else None,
            decided_at=when if status == Attainment.Status.VERIFIED else None,
            verified_on=(today - datetime.timedelta(days=days_ago))
            if status == Attainment.Status.VERIFIED
            else None,
        )

    verified = attain(ffion, "MSK-1", Attainment.Status.VERIFIED, 90)
    verified.evidence.set([link])
    attain(ffion, "MSK-2", Attainment.Status.REQUESTED, 3).evidence.set([note])
    attain(ffion, "MSK-3", Attainment.Status.SELF_ASSESSED, 1, level="Developing")
    notify(
        gareth_user,
        "Ffion Parry asks you to sign off Person-centred care",
        "Ffion Parry has assessed themselves at 'Capable' and named you as assessor.",
        url="/portal/sign-offs/",
    )

    reviews = _demo_reviews(ffion, gareth, dims, today)
    board = _board_history(today, seed, ffion=ffion, manager=gareth)
    return {
        "cpd": entries,
        "evidence": 2,
        "signoffs": 1 + board.signoffs,
        "reviews": reviews + board.reviews,
    }


def _demo_reviews(ffion, gareth, dims, today: datetime.date) -> int:
    assignment = PostAssignment.objects.current(today).filter(staff=ffion).first()
    post = assignment.post
    outline = list(post.outline.select_related("dimension"))
    signed_on = today - datetime.timedelta(days=330)
    last = DevelopmentReview.objects.create(
        staff=ffion,
        reviewer=gareth,
        post=post,
        period_start=signed_on - datetime.timedelta(days=365),
        period_end=signed_on,
        meeting_date=signed_on,
        self_summary="A busy first year in outpatients; more confident with shoulders.",
        reviewer_summary="Good progress. Focus next year on spinal assessment and audit.",
        gateway=DevelopmentReview.Gateway.FOUNDATION,
        gateway_outcome=DevelopmentReview.Outcome.PASS,
        gateway_reasons="Meets the foundation outline in every dimension.",
    )
    for entry in outline:
        ReviewDimension.objects.create(
            review=last,
            dimension=entry.dimension,
            required_level=entry.foundation_level,
            self_level=entry.foundation_level,
            reviewer_level=entry.foundation_level,
            reviewer_comment="Met.",
        )
    PDPObjective.objects.create(
        review=last,
        objective="Assess people with back pain independently, including red flags",
        gap="HWB6 assessment: level 3 at the second gateway",
        dimension=dims.get("HWB6"),
        actions="Attend the spinal study day; two supervised spinal clinics a month.",
        support="Monthly supervision with the team lead.",
        target_date=today + datetime.timedelta(days=60),
        status=PDPObjective.Status.IN_PROGRESS,
        sort_order=1,
    )
    PDPObjective.objects.create(
        review=last,
        objective="Complete a service evaluation of the shoulder pathway",
        gap="G1 learning and development / audit experience",
        dimension=dims.get("G1"),
        actions="Audit 30 referrals against the pathway and present at the team meeting.",
        support="Protected half day a month.",
        target_date=today - datetime.timedelta(days=20),
        status=PDPObjective.Status.ACHIEVED,
        sort_order=2,
    )
    at = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(11)))
    DevelopmentReview.objects.filter(pk=last.pk).update(staff_signed_at=at, reviewer_signed_at=at)

    current = DevelopmentReview.objects.create(
        staff=ffion,
        reviewer=gareth,
        post=post,
        period_start=signed_on,
        period_end=today,
        meeting_date=today + datetime.timedelta(days=21),
        self_summary="This year I started the spinal clinic and finished the shoulder audit.",
    )
    for i, entry in enumerate(outline):
        ReviewDimension.objects.create(
            review=current,
            dimension=entry.dimension,
            required_level=entry.second_level,
            self_level=entry.second_level if i % 2 == 0 else None,
            self_evidence="See my CPD log and supervision record." if i % 2 == 0 else "",
        )
    return 2


# (days ago, title, activity type, hours, KSF dimension codes, MSK capabilities, evidence)
DEMO_CPD = [
    (12, "Spinal assessment study day", "formal", "7", ["HWB6"], ["MSK-3", "MSK-4"], "note"),
    (40, "Supervised spinal clinic", "work_based", "3.5", ["HWB6", "HWB7"], ["MSK-4"], ""),
    (75, "Shoulder pathway audit presented", "professional", "2", ["G1", "C2"], [], "link"),
    (120, "Reading: tendinopathy loading", "self_directed", "1.5", ["HWB7"], [], ""),
    (190, "Peer review of notes", "work_based", "1", ["C3"], ["MSK-1"], ""),
    (260, "Safeguarding adults level 2", "formal", "3", ["C4"], [], ""),
    (400, "Communication skills workshop", "formal", "6", ["C1"], ["MSK-1", "MSK-2"], ""),
    (620, "Journal club: shared decision making", "professional", "1", ["C1"], ["MSK-2"], ""),
]


# --- The rest of the board: a history like a health board's in use ---------------------------
#
# Everyone with a current post except Ffion (whose year is written out above) is given one of
# these, so that about 70% of people are green, 20% amber and 10% red, spread evenly over the
# teams. Everything is dated relative to ``today``, so the board looks the same whichever day
# it is seeded.
RED_SHARE = 0.10
AMBER_SHARE = 0.20


class Plan(StrEnum):
    """What a person's history shows, and so their overall colour."""

    GREEN = "green"  # reviewed within 9 months at the levels needed; everything signed off
    NEW_STARTER = "new_starter"  # amber: first review not yet due, sign-offs under way
    REVIEW_DUE_SOON = "review_due_soon"  # amber: signed 9-12 months ago, next one being prepared
    BELOW_LEVEL = "below_level"  # amber: one dimension agreed below the level, a PDP objective
    EXPIRING = "expiring"  # amber: a sign-off expires within 90 days, another has expired
    REVIEW_OVERDUE = "review_overdue"  # red: last signed review more than 12 months ago
    COMPETENCY_OVERDUE = "competency_overdue"  # red: a mandatory sign-off past its date
    NO_REVIEWER = "no_reviewer"  # red: nobody in the board reviews them (the head of therapies)


AMBER_PLANS = (Plan.REVIEW_DUE_SOON, Plan.BELOW_LEVEL)
RED_PLANS = (Plan.REVIEW_OVERDUE, Plan.COMPETENCY_OVERDUE)

# What a PDP objective for a dimension says: (objective, actions).
OBJECTIVES = {
    "C1": ("Lead the team's case discussions", "Chair two case discussions a quarter."),
    "C2": ("Present a case study at the team's learning session", "Prepare and present one."),
    "C3": ("Audit my own notes against the record-keeping standard", "Audit 10 sets of notes."),
    "C4": ("Complete safeguarding level 3", "Book the e-learning and the face-to-face day."),
    "C5": ("Take part in the service's quality improvement project", "Join the QI huddles."),
    "C6": ("Contribute to the team's equality impact assessment", "Review one pathway."),
    "G1": ("Supervise a student on placement", "Complete the practice educator course."),
    "G2": ("Develop a teaching session for the team", "Deliver it twice and collect feedback."),
    "G4": ("Present the service's financial plan", "Work through the budget with finance."),
    "G5": ("Lead the service's response to a patient experience review", "Set up a forum."),
    "G6": ("Lead the team's recruitment and retention plan", "Hold stay interviews."),
    "G7": ("Develop the service's capacity and demand model", "Analyse a year of referrals."),
    "HWB2": ("Run a rehabilitation group independently", "Co-lead three groups, then lead."),
    "HWB4": ("Develop an enablement plan with each new referral", "Use the new template."),
    "HWB6": ("Assess complex presentations independently", "Two supervised clinics a month."),
    "HWB7": ("Run an exercise-based clinic independently", "Shadow, then run, the clinic."),
    "HWB8": ("Complete the injection therapy course", "Attend the course; 20 supervised."),
    "HWB9": ("Complete the equipment prescribing competencies", "Work with the stores lead."),
    "IK1": ("Keep the team's information leaflets up to date", "Review them twice a year."),
    "IK3": ("Evaluate the preceptorship programme", "Survey this year's preceptees."),
}
REVIEW_TEXT = {
    "self": "A good year: I have grown in confidence and taken on more complex work.",
    "reviewer": "Meets the outline. Agreed objectives for the coming year.",
    "foundation": "Meets the foundation outline in every dimension.",
}


@dataclass
class BoardHistory:
    people: dict[Plan, int]
    reviews: int
    signoffs: int


@dataclass
class _Writes:
    reviews: list[DevelopmentReview] = field(default_factory=list)
    dimensions: list[ReviewDimension] = field(default_factory=list)
    objectives: list[PDPObjective] = field(default_factory=list)
    attainments: list[tuple[Attainment, datetime.datetime]] = field(default_factory=list)


def _plans(
    assignments: list[PostAssignment],
    today: datetime.date,
    reqs: dict,
    *,
    ffion: StaffMember,
    manager: StaffMember,
) -> dict[int, Plan]:
    """Each person's plan, by arithmetic on their place in the board: a running tally keeps
    the red and amber shares at ``RED_SHARE`` and ``AMBER_SHARE`` however far down the list,
    so each team gets its share too. New starters are amber whatever the tally says."""
    plans: dict[int, Plan] = {}
    tally = {"red": 0, "amber": 0}
    turn = {"red": 0, "amber": 0}
    for seen, a in enumerate(assignments, start=1):
        new = add_months(a.start_date, FOUNDATION_MONTHS) >= today
        validity = any(r.competency.framework.validity_months for r in reqs.get(a.post_id, []))
        late = _late_requirement(a, reqs.get(a.post_id, []), today) is not None
        if a.staff_id == ffion.pk:
            colour, plan = "red", None  # her own year (above) leaves sign-offs overdue
        elif a.staff_id == manager.pk:
            colour, plan = "green", Plan.GREEN  # the demo manager's own record is in order
        elif a.line_manager_id is None:
            colour, plan = "red", Plan.NO_REVIEWER
        elif new:
            colour, plan = "amber", Plan.NEW_STARTER
        elif validity:
            colour, plan = "amber", Plan.EXPIRING  # shows sign-offs expiring on the team page
        elif tally["red"] < round(seen * RED_SHARE):
            colour, plan = "red", RED_PLANS[turn["red"] % len(RED_PLANS)]
            if not late:
                plan = Plan.REVIEW_OVERDUE  # nothing of theirs can be past its date
            turn["red"] += 1
        elif tally["amber"] < round(seen * AMBER_SHARE):
            colour, plan = "amber", AMBER_PLANS[turn["amber"] % len(AMBER_PLANS)]
            turn["amber"] += 1
        else:
            colour, plan = "green", Plan.GREEN
        if colour != "green":
            tally[colour] += 1
        if plan is not None:
            plans[a.staff_id] = plan
    return plans


def _late_requirement(
    a: PostAssignment, reqs: list[PostRequirement], today: datetime.date
) -> PostRequirement | None:
    """The first mandatory requirement of the post whose months allowed have run out."""
    return next(
        (r for r in reqs if r.mandatory and add_months(a.start_date, r.months_allowed) < today),
        None,
    )


def _board_history(
    today: datetime.date, seed: int, *, ffion: StaffMember, manager: StaffMember
) -> BoardHistory:
    """Reviews, PDPs and sign-offs for everyone but Ffion, written in bulk."""
    rng = random.Random(seed)
    assignments = list(
        PostAssignment.objects.current(today)
        .select_related("post", "staff")
        .order_by("team__code", "staff__staff_number", "start_date")
    )
    post_ids = {a.post_id for a in assignments}
    outlines: dict[int, list[OutlineEntry]] = defaultdict(list)
    for entry in (
        OutlineEntry.objects.filter(post_id__in=post_ids).select_related("dimension").order_by("pk")
    ):
        outlines[entry.post_id].append(entry)
    reqs: dict[int, list[PostRequirement]] = defaultdict(list)
    for req in (
        PostRequirement.objects.filter(post_id__in=post_ids)
        .select_related("competency__framework", "required_value")
        .order_by("pk")
    ):
        reqs[req.post_id].append(req)
    scales: dict[int, list[ScaleValue]] = defaultdict(list)
    for value in ScaleValue.objects.order_by("sort_order", "pk"):
        scales[value.framework_id].append(value)

    plans = _plans(assignments, today, reqs, ffion=ffion, manager=manager)
    writes = _Writes()
    for a in assignments:
        plan = plans.get(a.staff_id)
        if plan is None:
            continue
        plans[a.staff_id] = _person_history(
            a, plan, outlines[a.post_id], reqs[a.post_id], scales, today, rng, writes
        )
    return _write(writes, plans)


def _signed_at(day: datetime.date, hour: int = 11) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _person_history(
    a: PostAssignment,
    plan: Plan,
    outline: list[OutlineEntry],
    reqs: list[PostRequirement],
    scales: dict[int, list[ScaleValue]],
    today: datetime.date,
    rng: random.Random,
    writes: _Writes,
) -> Plan:
    """Write the person's reviews and sign-offs; returns the plan carried out."""
    reviewer = a.line_manager_id
    if reviewer is None:  # Plan.NO_REVIEWER
        return plan
    in_post = (today - a.start_date).days
    first = add_months(a.start_date, 11)  # the foundation gateway, at the end of year one
    if plan is Plan.BELOW_LEVEL and not any(e.foundation_level > 1 for e in outline):
        plan = Plan.REVIEW_DUE_SOON  # every level needed may be 1: nothing to be below
    # The latest signed review: how many days ago, if any.
    signed_ago: int | None = None
    if plan in (Plan.GREEN, Plan.BELOW_LEVEL, Plan.EXPIRING, Plan.COMPETENCY_OVERDUE):
        signed_ago = rng.randint(14, 250)
    elif plan is Plan.REVIEW_DUE_SOON:
        signed_ago = rng.randint(285, 355)
    elif plan is Plan.REVIEW_OVERDUE and in_post - 30 >= 380:
        signed_ago = rng.randint(380, min(620, in_post - 30))
    # (REVIEW_OVERDUE in post less than 14 months: the first review is overdue, none signed.)

    passed = False
    if signed_ago is not None:
        signed = today - datetime.timedelta(days=signed_ago)
        if first <= signed - datetime.timedelta(days=180):
            _review(a, outline, writes, reviewer=reviewer, signed=first, gateway=True, below=None)
            passed = True
        below = None
        if plan is Plan.BELOW_LEVEL:
            stretch = [e for e in outline if (e.second_level if passed else e.foundation_level) > 1]
            below = stretch[-1].dimension_id if stretch else None
        _review(
            a,
            outline,
            writes,
            reviewer=reviewer,
            signed=signed,
            gateway=False,
            below=below,
            passed=passed,
        )
    # The next review, being prepared, for half of those due soon or overdue.
    if plan in (Plan.REVIEW_DUE_SOON, Plan.REVIEW_OVERDUE) and rng.random() < 0.5:
        last = today - datetime.timedelta(days=signed_ago) if signed_ago else a.start_date
        review = DevelopmentReview(
            staff_id=a.staff_id,
            reviewer_id=a.line_manager_id,
            post_id=a.post_id,
            period_start=last,
            period_end=today,
            meeting_date=today + datetime.timedelta(days=rng.randint(7, 40)),
        )
        writes.reviews.append(review)
        for e in outline:
            level = e.second_level if passed else e.foundation_level
            writes.dimensions.append(
                ReviewDimension(review=review, dimension_id=e.dimension_id, required_level=level)
            )

    _sign_offs(a, plan, reqs, scales, today, rng, writes)
    return plan


def _review(
    a: PostAssignment,
    outline: list[OutlineEntry],
    writes: _Writes,
    *,
    reviewer: int,
    signed: datetime.date,
    gateway: bool,
    below: int | None,
    passed: bool = False,
) -> None:
    """A signed review: the foundation gateway (``gateway``) or an annual review."""
    start = max(a.start_date, add_months(signed, -12) + datetime.timedelta(days=1))
    review = DevelopmentReview(
        staff_id=a.staff_id,
        reviewer_id=reviewer,
        post_id=a.post_id,
        period_start=min(start, signed),
        period_end=signed,
        meeting_date=signed,
        self_summary=REVIEW_TEXT["self"],
        reviewer_summary=REVIEW_TEXT["reviewer"],
        staff_signed_at=_signed_at(signed, 10),
        reviewer_signed_at=_signed_at(signed, 11),
    )
    if gateway:
        review.gateway = DevelopmentReview.Gateway.FOUNDATION
        review.gateway_outcome = DevelopmentReview.Outcome.PASS
        review.gateway_reasons = REVIEW_TEXT["foundation"]
    writes.reviews.append(review)
    for e in outline:
        required = e.second_level if passed else e.foundation_level
        level = required - 1 if e.dimension_id == below else required
        writes.dimensions.append(
            ReviewDimension(
                review=review,
                dimension_id=e.dimension_id,
                required_level=required,
                self_level=level,
                reviewer_level=level,
                reviewer_comment="Met." if level >= required else "Working towards it.",
            )
        )
    # One objective: the dimension held below the level, else the post's last specific one.
    focus = next((e for e in outline if e.dimension_id == below), outline[-1] if outline else None)
    if focus is None:
        return
    objective, actions = OBJECTIVES.get(
        focus.dimension.code, (f"Develop {focus.dimension.title.lower()}", "Agree with my lead.")
    )
    writes.objectives.append(
        PDPObjective(
            review=review,
            objective=objective,
            gap=f"{focus.dimension.code} {focus.dimension.title}",
            dimension_id=focus.dimension_id,
            actions=actions,
            support="Monthly supervision.",
            target_date=add_months(signed, 12 if not gateway else 6),
            status=PDPObjective.Status.ACHIEVED if gateway else PDPObjective.Status.IN_PROGRESS,
            sort_order=1,
        )
    )


def _sign_offs(
    a: PostAssignment,
    plan: Plan,
    reqs: list[PostRequirement],
    scales: dict[int, list[ScaleValue]],
    today: datetime.date,
    rng: random.Random,
    writes: _Writes,
) -> None:
    """A claim for each competency the post requires, as far as the plan has got."""
    if not reqs or a.line_manager_id is None:
        return
    in_post = (today - a.start_date).days
    late = _late_requirement(a, reqs, today) if plan is Plan.COMPETENCY_OVERDUE else None
    timed = [r for r in reqs if r.competency.framework.validity_months][:2]
    VERIFIED, REQUESTED, SELF = (
        Attainment.Status.VERIFIED,
        Attainment.Status.REQUESTED,
        Attainment.Status.SELF_ASSESSED,
    )
    for i, req in enumerate(reqs):
        values = scales[req.competency.framework_id]
        needed = req.required_value or next((v for v in values if v.proficient), values[-1])
        below = max(
            (v for v in values if v.sort_order < needed.sort_order),
            key=lambda v: v.sort_order,
            default=needed,
        )
        # The journeys ask for "Physical assessment"; keep it out of the assessors' queues.
        may_ask = req.competency.idnumber != "MSK-4"
        if plan is Plan.NEW_STARTER:
            step = (i + int(a.staff.staff_number[-3:])) % 4  # not the pk: it varies by database
            if step == 0 and in_post >= 45:
                _claim(writes, a, req, needed, VERIFIED, rng.randint(5, in_post - 30), today, rng)
            elif step == 1 and may_ask:
                _claim(writes, a, req, needed, REQUESTED, 0, today, rng)
            elif step in (1, 2):
                _claim(writes, a, req, below, SELF, 0, today, rng)
            # step 3: not started, still within the months allowed
        elif req is late:
            step = rng.randint(0, 2)
            if step == 0 and may_ask:
                _claim(writes, a, req, needed, REQUESTED, 0, today, rng)
            elif step == 1:
                _claim(writes, a, req, below, SELF, 0, today, rng)
            # otherwise not started at all, past its date
        elif plan is Plan.EXPIRING and req in timed:
            months = req.competency.framework.validity_months or 0
            validity_days = (add_months(today, months) - today).days
            if req is timed[0] or req.mandatory:
                days_ago = validity_days - rng.randint(20, 80)  # expires within 90 days
            else:
                days_ago = validity_days + rng.randint(20, 60)  # expired, not yet renewed
            _claim(writes, a, req, needed, VERIFIED, days_ago, today, rng)
        else:
            oldest = max(20, min(900, in_post - 20))
            _claim(writes, a, req, needed, VERIFIED, rng.randint(20, oldest), today, rng)


def _claim(
    writes: _Writes,
    a: PostAssignment,
    req: PostRequirement,
    value: ScaleValue,
    status: str,
    days_ago: int,
    today: datetime.date,
    rng: random.Random,
) -> None:
    """A claim made (and, when verified, decided by the line manager) ``days_ago``."""
    day = today - datetime.timedelta(days=days_ago)
    asked = _signed_at(day - datetime.timedelta(days=rng.randint(2, 14)), 9)
    verified = status == Attainment.Status.VERIFIED
    SELF = Attainment.Status.SELF_ASSESSED
    months = req.competency.framework.validity_months
    writes.attainments.append(
        (
            Attainment(
                staff_id=a.staff_id,
                competency=req.competency,
                value=value,
                status=status,
                self_comment="Seen in clinic over several months; see my CPD log.",
                assessor_id=None if status == SELF else a.line_manager_id,
                requested_at=None if status == SELF else asked,
                decided_at=_signed_at(day, 16) if verified else None,
                verified_on=day if verified else None,
                expires_on=add_months(day, months) if verified and months else None,
            ),
            asked,
        )
    )


def _write(writes: _Writes, plans: dict[int, Plan]) -> BoardHistory:
    DevelopmentReview.objects.bulk_create(writes.reviews, batch_size=500)
    ReviewDimension.objects.bulk_create(writes.dimensions, batch_size=500)
    PDPObjective.objects.bulk_create(writes.objectives, batch_size=500)
    made = Attainment.objects.bulk_create([att for att, _ in writes.attainments], batch_size=500)
    # When each was claimed (``created_at`` is set on insert; claims are ordered by it).
    for att, claimed in zip(made, (when for _, when in writes.attainments), strict=True):
        att.created_at = claimed
    Attainment.objects.bulk_update(made, ["created_at"], batch_size=500)
    people: dict[Plan, int] = defaultdict(int)
    for plan in plans.values():
        people[plan] += 1
    return BoardHistory(
        people=dict(people),
        reviews=len(writes.reviews),
        signoffs=sum(1 for att in made if att.status == Attainment.Status.VERIFIED),
    )
