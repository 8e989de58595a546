"""Demo requirements: the demo health board's posts require the shipped frameworks."""

import datetime
import random
from decimal import Decimal

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
)
from ksf import dates
from ksf.models import (
    DevelopmentReview,
    KSFDimension,
    PDPObjective,
    Post,
    PostAssignment,
    ReviewDimension,
    StaffMember,
)
from ksf.services import notify

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
    """A year of development for the demo clinician, and some sign-offs across her team.

    Ffion has CPD entries with reflections and evidence, one competency verified, one
    awaiting her manager's sign-off, one self-assessed, last year's signed review with its
    PDP, and this year's review in preparation.
    """
    today = today or dates.today()
    rng = random.Random(seed)
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

    # Her team: some already signed off, so the manager's page shows a spread.
    team = PostAssignment.objects.current(today).filter(staff=ffion).first().team
    colleagues = (
        StaffMember.objects.filter(assignments__team=team, assignments__end_date__isnull=True)
        .exclude(pk__in=[ffion.pk, gareth.pk])
        .distinct()
        .order_by("staff_number")
    )
    signoffs = 0
    for person in colleagues:
        for idnumber in ("MSK-1", "MSK-2", "MSK-3", "MSK-4"):
            if rng.random() < 0.55:
                attain(person, idnumber, Attainment.Status.VERIFIED, rng.randint(20, 400))
                signoffs += 1

    reviews = _demo_reviews(ffion, gareth, dims, today)
    return {"cpd": entries, "evidence": 2, "signoffs": signoffs + 1, "reviews": reviews}


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
