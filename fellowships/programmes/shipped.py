"""The programme templates the platform ships with: four drafts an educator adapts.

The figures come from public examples (see /work/shared/reference/fellowships.md at the time
of writing): programmes differ between universities, so these are editable drafts, never
national rules, and every summary says so. ``load_shipped_programmes`` makes each one once,
by code; ``publish_shipped_programmes`` also publishes them (the demo shows them live).

Competency sign-offs link the shipped frameworks' competencies when those are published
(``competencies.frameworks.shipped.load_shipped_frameworks``); without them the milestone is
left out rather than pointing at nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from competencies.models import Competency, ScaleValue
from fellowships.models import Milestone, Programme, SupervisorRole
from fellowships.programmes import services
from ksf import audit
from ksf.models.choices import Profession

TEMPLATE_NOTE = (
    "This is an editable template built from published examples. Programmes differ between "
    "universities: check it against your education partner's programme and change it before "
    "publishing. It is not a national rule."
)
BODY_REGIONS = ["Shoulder", "Elbow", "Wrist and hand", "Hip", "Knee", "Ankle and foot"]
# The MSK-POCUS framework's diagnostic-scan competency of each region.
REGION_COMPETENCIES = ["US-SH-D", "US-EL-D", "US-WH-D", "US-HP-D", "US-KN-D", "US-AF-D"]
RPS_COMPETENCIES = [f"RPS-{n}" for n in range(1, 11)]


@dataclass
class Sign:
    """A competency sign-off, linked only if the framework is published."""

    stage: str
    framework: str
    competency: str
    level: str


@dataclass
class Template:
    code: str
    title: str
    kind: str
    summary: str
    target_months: int
    declaration: str
    final_signoff_role: str
    milestones: list = field(default_factory=list)
    values: dict = field(default_factory=dict)


def _m(stage: str, title: str, kind: str, **values) -> dict:
    return {"stage": stage, "title": title, "kind": kind, **values}


K = Milestone.Kind
SUPERVISED = Milestone.Supervision.SUPERVISED
INDEPENDENT = Milestone.Supervision.INDEPENDENT


def _pocus() -> Template:
    m1, m2, final = (
        "Module 1: principles and OSCE",
        "Module 2: supervised scanning",
        "Final sign-off",
    )
    return Template(
        code="MSK-POCUS",
        title="MSK point-of-care ultrasound",
        kind=Programme.Kind.SONOGRAPHY,
        summary=(
            "A postgraduate certificate in musculoskeletal point-of-care ultrasound: "
            "diagnostic scanning of the six body regions under a mentor, then ultrasound-guided "
            "shoulder injection once diagnostic competence is shown. Courses are accredited by "
            "CASE, which sets no national scan count: a learning contract between you, your "
            "mentor and the university sets the scope, and competence is judged on quality. "
            + TEMPLATE_NOTE
        ),
        target_months=12,
        final_signoff_role=SupervisorRole.MENTOR,
        declaration=(
            "I have supervised this fellow's scanning and appraised the quality of their scans. "
            "They scan the agreed body regions safely and independently, within the scope of "
            "their learning contract."
        ),
        values={
            "min_band": "6",
            "professions": [Profession.PHYSIOTHERAPIST, Profession.PODIATRIST],
            "entry_notes": (
                "A mentor who scans the agreed body regions, and a learning contract agreed "
                "with the mentor and the university."
            ),
            "funding_note": "Ask your service lead about study leave and course funding.",
        },
        milestones=[
            _m(
                m1,
                "OSCE: one upper-limb and one lower-limb scan on a live model",
                K.MODULE,
            ),
            _m(
                m2,
                "Supervised scans",
                K.LOGBOOK,
                supervision=SUPERVISED,
                target_entries=250,
                categories=BODY_REGIONS,
                min_per_category=20,
                appraised_percent=10,
            ),
            *[Sign(m2, "MSK-POCUS", code, "Independent") for code in REGION_COMPETENCIES],
            _m(
                m2,
                "Ultrasound-guided shoulder injection",
                K.ASSESSMENT,
                assessment_type=Milestone.AssessmentType.DOPS,
                min_count=2,
            ),
            Sign(m2, "MSK-POCUS", "US-SH-I", "Independent"),
            _m(final, "Mentor's final declaration", K.FINAL),
        ],
    )


def _prescribing() -> Template:
    module, practice, final = (
        "University module",
        "Learning in practice",
        "Final sign-off",
    )
    return Template(
        code="NMP",
        title="Non-medical independent prescribing",
        kind=Programme.Kind.PRESCRIBING,
        summary=(
            "An approved university prescribing programme and a period of learning in practice "
            "supervised by a Designated Prescribing Practitioner (DPP), who may be a doctor or "
            "an experienced non-medical prescriber. On success the HCPC annotates your "
            "registration and you prescribe to the RPS Competency Framework for all "
            "Prescribers. Some programmes count days in practice instead of hours. " + TEMPLATE_NOTE
        ),
        target_months=6,
        final_signoff_role=SupervisorRole.DPP,
        declaration=(
            "As Designated Prescribing Practitioner I declare that this fellow has completed "
            "the period of learning in practice and is competent to prescribe as an "
            "independent prescriber within their scope of practice."
        ),
        values={
            "professions": [Profession.PHYSIOTHERAPIST, Profession.PODIATRIST],
            "entry_notes": (
                "On the HCPC register, with a Designated Prescribing Practitioner who agrees "
                "to supervise you; check the university's own entry criteria."
            ),
            "funding_note": "Ask your service lead about study leave and course funding.",
        },
        milestones=[
            _m(module, "Independent prescribing module", K.MODULE, credits=40),
            _m(module, "Written assignment", K.MODULE),
            _m(module, "Numeracy assessment", K.MODULE, pass_mark=100),
            _m(
                practice,
                "Supervised prescribing practice",
                K.LOGBOOK,
                supervision=SUPERVISED,
                target_hours=Decimal("90"),
            ),
            *[Sign(practice, "RPS-PRESCRIBING", code, "Competent") for code in RPS_COMPETENCIES],
            _m(final, "DPP's declaration of competence", K.FINAL),
        ],
    )


def _fcp() -> Template:
    stage1, stage2, final = (
        "Stage 1: portfolio",
        "Stage 2: verification in primary care",
        "Final sign-off",
    )
    return Template(
        code="MSK-FCP",
        title="MSK first contact practitioner roadmap",
        kind=Programme.Kind.FCP,
        summary=(
            "The HEE / NHS England roadmap to first contact practice in primary care. Stage 1: "
            "knowledge, skills and attributes with the mandatory e-learning, evidenced in a "
            "portfolio and verified. Stage 2: verified application in primary care, best "
            "finished within about 6 months full time; sign-off at stage 2 is the minimum for "
            "FCP recognition. The assessment counts are examples. " + TEMPLATE_NOTE
        ),
        target_months=12,
        final_signoff_role=SupervisorRole.ROADMAP,
        declaration=(
            "As roadmap supervisor I have rated each capability heading and verified the "
            "evidence; with the education provider, I sign this fellow off at stage 2 of the "
            "roadmap."
        ),
        values={
            "min_years_qualified": 5,
            "supervisor_capacity": 4,
            "entry_notes": "First contact practitioners work at master's level.",
            "funding_note": "Ask your service lead how primary care funds the supervision.",
        },
        milestones=[
            _m(stage1, "Mandatory e-learning", K.MODULE),
            _m(stage1, "Stage 1 portfolio verified", K.MODULE),
            _m(
                stage2,
                "Consultation observations",
                K.ASSESSMENT,
                assessment_type=Milestone.AssessmentType.COT,
                min_count=4,
            ),
            _m(
                stage2,
                "Case-based discussions",
                K.ASSESSMENT,
                assessment_type=Milestone.AssessmentType.CBD,
                min_count=4,
            ),
            _m(
                stage2,
                "Multi-source feedback",
                K.ASSESSMENT,
                assessment_type=Milestone.AssessmentType.MSF,
                min_count=1,
            ),
            _m(final, "Roadmap supervisor's final sign-off", K.FINAL),
        ],
    )


def _sports() -> Template:
    bronze, silver, gold, final = "Bronze", "Silver", "Gold", "Final sign-off"
    course, incident = "Course reflection", "Critical-incident reflection"
    return Template(
        code="SPORTS-EX",
        title="Sports and exercise physiotherapy pathway",
        kind=Programme.Kind.SPORTS,
        summary=(
            "The ACPSEM CPD pathway in three levels: bronze (shadowing), silver (independent "
            "sports physiotherapy, about band 7) and gold. Each level needs more hours, years "
            "qualified and reflections. " + TEMPLATE_NOTE
        ),
        target_months=36,
        final_signoff_role=SupervisorRole.MENTOR,
        declaration=(
            "I have reviewed this fellow's hours and reflections and confirm they meet the "
            "level they are signed off at."
        ),
        values={
            "professions": [Profession.PHYSIOTHERAPIST],
            "min_years_qualified": 2,
            "entry_notes": (
                "Bronze: at least 2 years qualified; silver: at least 4; gold: at least 6."
            ),
        },
        milestones=[
            _m(bronze, "Shadowing", K.LOGBOOK, category="Shadowing", target_hours=Decimal(100)),
            _m(bronze, "Sports first aid", K.MODULE),
            _m(bronze, "Course reflections", K.LOGBOOK, category=course, target_entries=4),
            _m(
                bronze,
                "Critical-incident reflections",
                K.LOGBOOK,
                category=incident,
                target_entries=4,
            ),
            _m(
                silver,
                "Independent sports physiotherapy",
                K.LOGBOOK,
                supervision=INDEPENDENT,
                target_hours=Decimal(300),
            ),
            _m(silver, "Sports trauma course", K.MODULE),
            _m(silver, "Course reflections", K.LOGBOOK, category=course, target_entries=8),
            _m(
                silver,
                "Critical-incident reflections",
                K.LOGBOOK,
                category=incident,
                target_entries=6,
            ),
            _m(
                gold,
                "Independent sports and exercise practice",
                K.LOGBOOK,
                supervision=INDEPENDENT,
                target_hours=Decimal(500),
            ),
            _m(gold, "Course reflections", K.LOGBOOK, category=course, target_entries=12),
            _m(final, "Mentor's final sign-off", K.FINAL),
        ],
    )


def templates() -> list[Template]:
    return [_pocus(), _prescribing(), _fcp(), _sports()]


def _signoff(sign: Sign) -> dict | None:
    competency = (
        Competency.objects.published()
        .filter(framework__idnumber=sign.framework, idnumber=sign.competency)
        .select_related("framework")
        .order_by("-framework__last_published_at", "-pk")
        .first()
    )
    if competency is None:
        return None
    level = ScaleValue.objects.filter(framework=competency.framework, name=sign.level).first()
    return _m(
        sign.stage,
        f"{competency.short_name} signed off",
        K.COMPETENCY,
        competency=competency,
        level=level,
    )


def _create(template: Template, user: User | None) -> Programme:
    programme = Programme.objects.create(
        code=template.code,
        version="1.0",
        title=template.title,
        kind=template.kind,
        summary=template.summary,
        target_months=template.target_months,
        declaration=template.declaration,
        final_signoff_role=template.final_signoff_role,
        owner=user,
        live=False,
        has_unpublished_changes=True,
        **template.values,
    )
    order = 0
    for item in template.milestones:
        values = _signoff(item) if isinstance(item, Sign) else item
        if values is None:
            continue
        Milestone.objects.create(programme=programme, sort_order=order, **values)
        order += 1
    programme.save_revision(user=user)
    audit.log_create(programme, user, source="shipped template")
    return programme


@transaction.atomic
def load_shipped_programmes(user: User | None = None) -> list[Programme]:
    """Each shipped template as a draft, once by code: a code that exists is left alone."""
    loaded = []
    for template in templates():
        existing = Programme.objects.filter(code=template.code).order_by("-pk").first()
        loaded.append(existing or _create(template, user))
    return loaded


@transaction.atomic
def publish_shipped_programmes(user: User | None = None) -> list[Programme]:
    """Load the templates and publish each one whose code has no published version yet."""
    published = []
    for programme in load_shipped_programmes(user):
        if not Programme.objects.filter(code=programme.code, live=True).exists():
            programme = services.publish(programme, user)
        published.append(programme)
    return published
