"""The demo has a year of fellowships whose shapes come out of the progress rules themselves.

Seeded as ``tests/ksf/test_demo_history.py`` seeds the demo (``manage.py seed_demo``), then
read back through ``progress_for``, the supervisor's queue and the credential verifier, so a
change to the forecast rule or the services that breaks the demo's story fails here.
"""

import io
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from fellowships.credentials.verify import verify
from fellowships.forecast import Risk
from fellowships.logbook.selectors import queue
from fellowships.models import (
    Application,
    Assessment,
    Credential,
    Enrolment,
    LogbookEntry,
    MilestoneRecord,
    Pause,
    SupervisorRole,
)
from fellowships.policies import current_supervision
from fellowships.programmes.shipped import BODY_REGIONS
from fellowships.selectors import progress_for
from ksf import dates
from ksf.models import PostAssignment, StaffMember
from ksf.privacy import patient_identifier_problem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_dir(settings, tmp_path):
    settings.FELLOWSHIP_CREDENTIAL_KEY_DIR = tmp_path / "keys"
    return tmp_path / "keys"


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def progress_by_code() -> dict[str, list]:
    enrolments = list(Enrolment.objects.select_related("programme", "staff"))
    found = defaultdict(list)
    for p in progress_for(enrolments).values():
        found[p.enrolment.programme.code].append(p)
    return found


def test_the_cohorts_have_the_shapes_the_forecast_gives_them(demo):
    assert "Fellowships: 9 enrolments" in demo
    assert "1 credential." in demo
    progress = progress_by_code()

    pocus = progress["MSK-POCUS"]
    assert sorted(p.forecast.risk for p in pocus) == sorted(
        [Risk.COMPLETED, Risk.ON_TRACK, Risk.AT_RISK, Risk.PAUSED]
    )
    by_risk = {p.forecast.risk: p for p in pocus}
    # At risk because the pace is too slow for the target, not because the target passed.
    at_risk = by_risk[Risk.AT_RISK]
    assert at_risk.forecast.forecast_date > at_risk.enrolment.target_date >= dates.today()
    on_track = by_risk[Risk.ON_TRACK]
    assert on_track.forecast.forecast_date <= on_track.enrolment.target_date
    paused = by_risk[Risk.PAUSED]
    assert paused.open_pause is not None and paused.open_pause.reason
    assert Pause.objects.filter(ends_on__isnull=True).count() == 1

    # The completed fellow met every milestone, holds the competencies and a good credential.
    done = by_risk[Risk.COMPLETED].enrolment
    assert all(m.met for m in progress_for([done], done.completed_on)[done.pk].milestones)
    scans = LogbookEntry.objects.filter(enrolment=done, status=LogbookEntry.Status.SIGNED)
    assert scans.count() >= 250
    regions = Counter(scans.values_list("category", flat=True))
    assert set(regions) == set(BODY_REGIONS) and min(regions.values()) >= 20
    credential = Credential.objects.get()
    assert credential.enrolment == done and done.staff.email
    result = verify(credential.document)
    assert result.valid, result.reasons
    assert done.staff.attainments.filter(source=f"fellowship:{done.public_id}").count() == 7

    # Prescribing: three fellows, each with a DPP, logging hours.
    nmp = progress["NMP"]
    assert len(nmp) == 3
    for p in nmp:
        assert p.enrolment.supervisors.filter(role=SupervisorRole.DPP, ends_on__isnull=True)
        logbook = next(m for m in p.milestones if m.spec.kind == "logbook")
        assert logbook.unit == "hours" and 0 < logbook.done < logbook.target
        assert p.forecast.risk in (Risk.ON_TRACK, Risk.AT_RISK)
    # Module results are recorded (the numeracy test at its 100% pass mark).
    assert MilestoneRecord.objects.filter(milestone__title="Numeracy assessment", mark=100)

    # Two FCP roadmap trainees, each with a roadmap supervisor and assessments recorded.
    fcp = progress["MSK-FCP"]
    assert len(fcp) == 2
    for p in fcp:
        assert p.enrolment.supervisors.filter(role=SupervisorRole.ROADMAP, ends_on__isnull=True)
        assert Assessment.objects.filter(
            enrolment=p.enrolment, status=Assessment.Status.RECORDED
        ).exists()

    # A few hundred logbook entries: most signed, some waiting, a few returned with feedback.
    statuses = Counter(LogbookEntry.objects.values_list("status", flat=True))
    total = sum(statuses.values())
    assert 300 <= total <= 800, statuses
    assert statuses["signed"] >= 0.85 * total
    assert statuses["submitted"] >= 5 and 1 <= statuses["returned"] <= 10
    assert not LogbookEntry.objects.filter(status="returned", feedback="").exists()


def test_the_demo_supervisor_has_entries_to_sign_and_nobody_is_over_capacity(demo):
    amir = StaffMember.objects.get(user__username="supervisor")
    waiting = queue(amir.user)
    assert waiting and sum(len(g.entries) for g in waiting) >= 3
    assert {g.enrolment.programme.code for g in waiting} == {"MSK-POCUS"}
    assert amir.user.notifications.filter(subject__contains="for sign-off").exists()
    assert Assessment.objects.filter(assessor=amir, status=Assessment.Status.REQUESTED)

    today = dates.today()
    open_rows = current_supervision(today).filter(enrolment__status__in=Enrolment.OPEN)
    loads = Counter(open_rows.values_list("supervisor_id", flat=True))
    assert loads[amir.pk] >= 2
    for supervisor_id, load in loads.items():
        wte = (
            PostAssignment.objects.current(today)
            .filter(staff_id=supervisor_id)
            .aggregate(w=Sum("wte"))["w"]
        )
        capacity = min(
            open_rows.filter(supervisor_id=supervisor_id).values_list(
                "enrolment__programme__supervisor_capacity", flat=True
            )
        )
        assert load <= int(Decimal(capacity) * wte), (supervisor_id, load, capacity, wte)
    # The fellows are MSK physiotherapists in band 6 or 7, never the demo clinician.
    fellows = StaffMember.objects.filter(enrolments__isnull=False).distinct()
    assert not fellows.filter(user__username="clinician").exists()
    assert set(fellows.values_list("band", flat=True)) <= {"6", "7"}
    for person in fellows:
        post = PostAssignment.objects.current(today).get(staff=person)
        assert post.team.service.code == "MSK" and person.qualified_on


def test_applications_have_support_decisions_and_no_patient_identifiers(demo):
    approved = Application.objects.filter(status=Application.Status.APPROVED)
    assert approved.count() == 9
    for a in approved:
        assert a.manager_support and a.supported_by and a.decided_by.username == "servicelead"
        assert a.cost is not None and a.funding_source and a.backfill_hours is not None
        assert a.supported_at < a.decided_at
    # One approved although the entry criteria were not met, with the reason.
    assert approved.exclude(criteria_override="").count() == 1
    waiting = Application.objects.get(status=Application.Status.SUBMITTED)
    assert waiting.manager_support and waiting.decided_at is None
    declined = Application.objects.get(status=Application.Status.DECLINED)
    assert declined.decision_reason

    references = list(LogbookEntry.objects.values_list("case_reference", flat=True))
    references += list(Assessment.objects.values_list("case_reference", flat=True))
    assert references and all(references)
    for ref in references:
        assert patient_identifier_problem(ref) is None, ref
        assert ref.split("-")[0] in ("US", "RX", "FCP"), ref
    for findings in set(LogbookEntry.objects.values_list("findings", flat=True)):
        assert patient_identifier_problem(findings) is None, findings


def test_the_same_fellowships_every_time_for_the_same_day(db):
    def seeded() -> tuple:
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            enrolments = list(Enrolment.objects.select_related("programme", "staff"))
            progress = progress_for(enrolments)
            found = (
                sorted(
                    (
                        e.staff.staff_number,
                        e.programme.code,
                        e.status,
                        e.start_date,
                        e.target_date,
                        progress[e.pk].forecast.risk,
                        progress[e.pk].forecast.forecast_date,
                        progress[e.pk].forecast.percent,
                    )
                    for e in enrolments
                ),
                sorted(
                    LogbookEntry.objects.values_list(
                        "enrolment__staff__staff_number",
                        "date",
                        "category",
                        "minutes",
                        "case_reference",
                        "status",
                        "appraised",
                    )
                ),
                sorted(
                    Application.objects.values_list(
                        "staff__staff_number", "programme__code", "status", "cost"
                    )
                ),
                sorted(
                    Assessment.objects.values_list(
                        "enrolment__staff__staff_number", "kind", "date", "outcome"
                    ),
                    key=str,
                ),
            )
            transaction.set_rollback(True)
        return found

    assert seeded() == seeded()
