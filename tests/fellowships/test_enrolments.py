"""Applying, deciding, supervising, pausing and completing a fellowship, through the pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from competencies.models import Attainment
from fellowships.enrolments import services
from fellowships.forecast import (
    Entry,
    MilestoneSpec,
    Risk,
    forecast,
    logbook_progress,
)
from fellowships.models import (
    Application,
    Enrolment,
    LogbookEntry,
    Milestone,
    SupervisorAssignment,
)
from fellowships.selectors import progress_for
from ksf import dates
from ksf.models import Notification
from tests.conftest import login
from tests.factories import staff_with_login

TODAY = datetime.date(2026, 6, 1)


# --- The forecast rule, on fixed dates --------------------------------------------------------


def scans(n: int, *, until: datetime.date, every_days: int = 1, region: str = "Knee"):
    return [
        Entry(until - datetime.timedelta(days=i * every_days), region, True, 20, False)
        for i in range(n)
    ]


SPEC = MilestoneSpec(pk=1, stage="Module 2", title="Supervised scans", kind="logbook",
                     supervision="supervised", target_entries=250)  # fmt: skip


def test_on_track_when_the_recent_pace_finishes_before_the_target():
    done = logbook_progress(SPEC, scans(200, until=TODAY))  # 200 in the last 200 days
    f = forecast([done], today=TODAY, start_date=TODAY - datetime.timedelta(days=210),
                 target_date=TODAY + datetime.timedelta(days=120))  # fmt: skip
    assert f.risk is Risk.ON_TRACK
    # 56 signed in the last 8 weeks: 7 a week, 50 to go, so about 50 days.
    assert f.forecast_date == TODAY + datetime.timedelta(days=50)
    assert "Supervised scans: 200 of 250 entries at 7.0 a week" in f.reason


def test_at_risk_when_the_pace_finishes_after_the_target_and_overdue_after_it():
    done = logbook_progress(SPEC, scans(100, until=TODAY, every_days=3))
    start = TODAY - datetime.timedelta(days=300)
    f = forecast(
        [done], today=TODAY, start_date=start, target_date=TODAY + datetime.timedelta(days=30)
    )
    assert f.risk is Risk.AT_RISK and f.forecast_date > f.target_date
    late = forecast(
        [done], today=TODAY, start_date=start, target_date=TODAY - datetime.timedelta(days=1)
    )
    assert late.risk is Risk.OVERDUE and "has passed" in late.reason


def test_no_pace_after_eight_weeks_is_at_risk_and_a_pause_has_no_forecast():
    old = scans(10, until=TODAY - datetime.timedelta(days=100))
    done = logbook_progress(SPEC, old)
    start = TODAY - datetime.timedelta(days=200)
    f = forecast(
        [done], today=TODAY, start_date=start, target_date=TODAY + datetime.timedelta(days=300)
    )
    assert f.risk is Risk.AT_RISK and f.forecast_date is None
    assert "No Supervised scans signed off in the last 8 weeks" in f.reason
    paused = forecast([done], today=TODAY, start_date=start, target_date=TODAY, paused=True)
    assert paused.risk is Risk.PAUSED and paused.forecast_date is None


def test_per_category_minimum_and_appraised_share_hold_a_milestone_back():
    spec = MilestoneSpec(pk=2, stage="s", title="Scans", kind="logbook", target_entries=4,
                         categories=("Knee", "Shoulder"), min_per_category=2,
                         appraised_percent=50)  # fmt: skip
    four_knees = scans(4, until=TODAY)
    p = logbook_progress(spec, four_knees)
    assert not p.met and "Shoulder: 0/2" in p.shortfalls and "appraised: 0/2" in p.shortfalls
    mixed = [
        Entry(TODAY, "Knee", True, 20, True),
        Entry(TODAY, "Knee", True, 20, False),
        Entry(TODAY, "Shoulder", True, 20, True),
        Entry(TODAY, "Shoulder", True, 20, False),
    ]
    assert logbook_progress(spec, mixed).met


# --- Through the services and pages ----------------------------------------------------------


def apply_and_approve(client, fs, **decision) -> Enrolment:
    w = fs.world
    login(client, w.clinician.user)
    response = client.post(
        reverse("fellowships:apply", args=[fs.programme.pk]),
        {"statement": "To run a shoulder and knee scanning clinic."},
    )
    application = Application.objects.get()
    assert response.status_code == 302
    client.logout()
    login(client, w.manager.user)
    client.post(
        application.get_absolute_url(),
        {"form": "support", "statement": "Fully supported; backfill agreed."},
    )
    client.logout()
    login(client, w.users["service_lead"])
    data = {
        "form": "decide",
        "decision": "approve",
        "cost": "2400",
        "funding_source": "Health board education fund",
        "backfill_hours": "150",
        "start_date": dates.today().isoformat(),
        "cohort": "2026",
        **decision,
    }
    client.post(application.get_absolute_url(), data)
    client.logout()
    return Enrolment.objects.get()


def test_apply_support_and_approve_through_the_pages(client, fs):
    enrolment = apply_and_approve(client, fs)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.target_date.month == dates.today().month  # 12 months on
    application = enrolment.application
    assert (application.cost, application.backfill_hours) == (Decimal("2400"), Decimal("150"))
    assert application.supported_by == fs.world.manager
    # The manager's "please support" notification was dealt with when they supported it.
    note = Notification.objects.get(recipient=fs.world.manager.user, subject__contains="applied")
    assert note.done_at is not None
    login(client, fs.world.clinician.user)
    page = client.get(reverse("fellowships:mine")).content.decode()
    assert "MSK point-of-care ultrasound" in page and "On track" in page


def test_approving_outside_the_entry_criteria_needs_a_reason(client, fs):
    fs.world.clinician.band = "4"
    fs.world.clinician.save()
    login(client, fs.world.clinician.user)
    page = client.get(reverse("fellowships:apply", args=[fs.programme.pk])).content.decode()
    assert "The programme is for Band 5 or above; the applicant is Band 4." in page
    client.post(reverse("fellowships:apply", args=[fs.programme.pk]), {"statement": "Please"})
    application = Application.objects.get()
    client.logout()
    login(client, fs.world.users["service_lead"])
    data = {
        "form": "decide", "decision": "approve", "cost": "0", "funding_source": "Trust",
        "backfill_hours": "0", "start_date": dates.today().isoformat(),
    }  # fmt: skip
    page = client.post(application.get_absolute_url(), data).content.decode()
    assert "Give a reason to set the entry criteria aside" in page
    assert not Enrolment.objects.exists()
    data["criteria_override"] = "Acting up as band 5 from next month."
    client.post(application.get_absolute_url(), data)
    assert Enrolment.objects.count() == 1


def test_declining_needs_a_reason_and_only_the_service_lead_decides(client, fs):
    login(client, fs.world.clinician.user)
    client.post(reverse("fellowships:apply", args=[fs.programme.pk]), {"statement": "Please"})
    application = Application.objects.get()
    with pytest.raises(PermissionDenied):
        services.decide(application, user=fs.world.manager.user, approve=False, reason="No")
    with pytest.raises(ValidationError, match="Say why"):
        services.decide(application, user=fs.world.users["service_lead"], approve=False)
    services.decide(
        application, user=fs.world.users["service_lead"], approve=False, reason="Next year"
    )
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    with pytest.raises(ValidationError, match="already decided"):
        services.decide(application, user=fs.world.users["service_lead"], approve=False, reason="x")


def test_supervisor_capacity_is_refused_with_the_reason(fs):
    educator = fs.world.users["educator"]
    others = []
    for i in range(2):
        person = staff_with_login(first_name=f"F{i}", last_name="Fellow")
        others.append(Enrolment.objects.create(
            staff=person, programme=fs.programme, start_date=dates.today(),
            target_date=dates.today(), status=Enrolment.Status.ACTIVE,
        ))  # fmt: skip
        services.assign_supervisor(others[-1], supervisor=fs.mentor, role="mentor", user=educator)
    third = Enrolment.objects.create(
        staff=fs.world.clinician, programme=fs.programme, start_date=dates.today(),
        target_date=dates.today(), status=Enrolment.Status.ACTIVE,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.assign_supervisor(third, supervisor=fs.mentor, role="mentor", user=educator)
    assert "Meg Mentor already supervises 2 fellows, the most for 1 WTE" in str(refused.value)
    assert not SupervisorAssignment.objects.filter(enrolment=third).exists()
    with pytest.raises(ValidationError, match="cannot supervise themselves"):
        services.assign_supervisor(
            third, supervisor=fs.world.clinician, role="mentor", user=educator
        )
    with pytest.raises(PermissionDenied):
        services.assign_supervisor(third, supervisor=fs.mentor, role="dpp", user=fs.mentor.user)


def test_pause_moves_the_target_and_stops_sign_off(fs):
    educator = fs.world.users["educator"]
    e = Enrolment.objects.create(
        staff=fs.world.clinician, programme=fs.programme,
        start_date=dates.today() - datetime.timedelta(days=60),
        target_date=dates.today() + datetime.timedelta(days=300), status=Enrolment.Status.ACTIVE,
    )  # fmt: skip
    services.assign_supervisor(e, supervisor=fs.mentor, role="mentor", user=educator)
    services.pause(e, user=educator, starts_on=dates.today() - datetime.timedelta(days=14),
                   reason="Parental leave")  # fmt: skip
    with pytest.raises(ValidationError, match="while the enrolment is paused"):
        services.record_milestone(e, fs.module, user=fs.mentor.user, achieved_on=dates.today())
    before = Enrolment.objects.get(pk=e.pk).target_date
    services.resume(e, user=educator)
    e.refresh_from_db()
    assert e.target_date == before + datetime.timedelta(days=14)
    assert e.status == Enrolment.Status.ACTIVE


def test_completion_needs_every_milestone_then_grants_the_competency(
    client, fs, settings, tmp_path
):
    settings.FELLOWSHIP_CREDENTIAL_KEY_DIR = tmp_path
    enrolment = apply_and_approve(client, fs)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        start_date=dates.today() - datetime.timedelta(days=90)
    )
    educator = fs.world.users["educator"]
    services.assign_supervisor(enrolment, supervisor=fs.mentor, role="mentor", user=educator)
    login(client, fs.mentor.user)
    url = reverse("fellowships:complete", args=[enrolment.pk])
    page = client.post(url, {"declaration": "on"}).content.decode()
    assert "These milestones are not met yet: OSCE; Supervised scans; Knee scanning." in page
    for i in range(3):
        LogbookEntry.objects.create(
            enrolment=enrolment, date=dates.today() - datetime.timedelta(days=i), category="Knee",
            supervised=True, minutes=30, status=LogbookEntry.Status.SIGNED, reviewed_by=fs.mentor,
        )  # fmt: skip
    client.post(
        reverse("fellowships:milestone", args=[enrolment.pk, fs.module.pk]),
        {"achieved_on": dates.today().isoformat(), "passed": "1", "mark": "40"},
    )
    # 40% is under the pass mark: the module is not met.
    assert not progress_for([enrolment])[enrolment.pk].milestones[0].met
    client.post(
        reverse("fellowships:milestone", args=[enrolment.pk, fs.competency.pk]),
        {"achieved_on": dates.today().isoformat(), "passed": "1"},
    )
    page = client.post(url, {"declaration": "on"}).content.decode()
    assert "These milestones are not met yet: OSCE." in page
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.ACTIVE
    from fellowships.models import MilestoneRecord

    MilestoneRecord.objects.filter(milestone=fs.module).update(mark=72)
    refused = client.post(url, {}).content.decode()
    assert "Confirm the declaration" in refused
    response = client.post(url, {"declaration": "on"}, follow=True)
    assert "the fellowship is complete" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    granted = Attainment.objects.get(staff=fs.world.clinician, source__startswith="fellowship:")
    assert granted.status == Attainment.Status.VERIFIED and granted.assessor == fs.mentor
    assert hasattr(enrolment, "credential")


def test_a_supervisor_sees_their_fellows_and_nobody_else_s(client, fs):
    enrolment = apply_and_approve(client, fs)
    other = staff_with_login(first_name="Oli", last_name="Other")
    services.assign_supervisor(
        enrolment, supervisor=fs.mentor, role="mentor", user=fs.world.users["educator"]
    )
    url = enrolment.get_absolute_url()
    login(client, other.user)
    assert client.get(url).status_code == 404
    client.logout()
    login(client, fs.mentor.user)
    page = client.get(url).content.decode()
    assert "Cara Clinician" in page and "Sign off" in page
    assert "Cara Clinician" in client.get(reverse("fellowships:mine")).content.decode()
    client.logout()
    login(client, fs.world.stranger.user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("fellowships:cohorts")).status_code == 404


def test_the_cohort_dashboard_and_workbook_cost_the_same_for_more_fellows(client, fs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def enrol(n):
        for i in range(n):
            person = staff_with_login(first_name=f"P{i}{n}", last_name="Fellow")
            e = Enrolment.objects.create(
                staff=person, programme=fs.programme, start_date=dates.today(),
                target_date=dates.today() + datetime.timedelta(days=365),
                status=Enrolment.Status.ACTIVE, cohort="2026",
            )  # fmt: skip
            SupervisorAssignment.objects.create(
                enrolment=e, supervisor=fs.mentor, role="mentor", starts_on=dates.today()
            )

    login(client, fs.world.users["educator"])
    url = reverse("fellowships:cohorts")
    enrol(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "2 enrolments" in page and "Meg Mentor" in page
    enrol(6)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "8 enrolments" in page
    assert len(many) == len(few)
    response = client.get(reverse("fellowships:cohorts_workbook"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Enrolments"]
    assert sheet.freeze_panes == "A2" and sheet.max_row == 9


def test_an_enrolment_shows_on_my_development_the_team_page_and_the_plan(client, fs):
    enrolment = apply_and_approve(client, fs)
    login(client, fs.world.clinician.user)
    page = client.get(
        reverse("development:person", args=[fs.world.clinician.staff_number])
    ).content.decode()
    assert "Fellowships" in page and "MSK point-of-care ultrasound" in page
    client.logout()
    login(client, fs.world.manager.user)
    team = client.get(reverse("team_development", args=[fs.world.team.pk])).content.decode()
    assert "Fellows in training" in team and "Cara Clinician" in team
    import io

    import openpyxl

    response = client.get(reverse("exports:plan_xlsx", args=[fs.world.clinician.staff_number]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = next(s for s in book.worksheets if s.title.startswith("Fellowship"))
    steps = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "Supervised scans" in steps and "OSCE" in steps
    from competencies.development.registry import future_attainments

    expected = future_attainments([fs.world.clinician.pk], dates.today())
    assert [(r.competency_id, r.expected_on) for r in expected] == [
        (fs.competency.competency_id, enrolment.target_date)
    ]


def test_an_hours_logbook_draws_its_chart_before_any_hours_are_signed(client, fs):
    Milestone.objects.filter(pk=fs.logbook.pk).update(target_entries=None, target_hours=90)
    enrolment = apply_and_approve(client, fs)
    login(client, fs.world.clinician.user)
    page = client.get(enrolment.get_absolute_url())
    assert page.status_code == 200
    assert "0.0 of 90 hours" in page.content.decode()


def test_the_cohort_dashboard_filters_by_team_and_supervisor(client, fs):
    enrolment = apply_and_approve(client, fs)
    services.assign_supervisor(
        enrolment, supervisor=fs.mentor, role="mentor", user=fs.world.users["educator"]
    )
    other = Enrolment.objects.create(
        staff=fs.world.stranger, programme=fs.programme, start_date=dates.today(),
        target_date=dates.today(), status=Enrolment.Status.ACTIVE,
    )  # fmt: skip
    login(client, fs.world.users["educator"])
    url = reverse("fellowships:cohorts")
    both = client.get(url).content.decode()
    assert "Cara Clinician" in both and "Sam Stranger" in both
    by_team = client.get(url, {"team": fs.world.team.pk}).content.decode()
    assert "Cara Clinician" in by_team and "Sam Stranger" not in by_team
    by_supervisor = client.get(url, {"supervisor": fs.mentor.pk}).content.decode()
    assert "Cara Clinician" in by_supervisor and "Sam Stranger" not in by_supervisor
    assert other.pk


def test_a_supervisor_who_has_left_is_flagged_for_reassignment(client, fs):
    enrolment = apply_and_approve(client, fs)
    services.assign_supervisor(
        enrolment, supervisor=fs.mentor, role="mentor", user=fs.world.users["educator"]
    )
    fs.mentor.assignments.update(end_date=dates.today() - datetime.timedelta(days=1))
    login(client, fs.world.users["educator"])
    cohorts = client.get(reverse("fellowships:cohorts")).content.decode()
    assert "Meg Mentor (mentor) <strong" in cohorts and "Has left: reassign" in cohorts
    page = client.get(enrolment.get_absolute_url()).content.decode()
    assert "Has left: reassign" in page


def test_an_enrolment_approved_for_a_later_date_starts_on_that_date(client, fs):
    from django.core.management import call_command

    enrolment = apply_and_approve(
        client, fs, start_date=(dates.today() + datetime.timedelta(days=10)).isoformat()
    )
    assert enrolment.status == Enrolment.Status.APPROVED
    call_command("start_enrolments", verbosity=0)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.APPROVED
    Enrolment.objects.filter(pk=enrolment.pk).update(start_date=dates.today())
    call_command("start_enrolments", verbosity=0)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
