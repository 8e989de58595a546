"""A workforce analyst uploads a small activity extract, checks the preview, imports it and
sees the counts; a longer run's page follows its progress to the result without reloading.
Through a real browser, checked with axe.

Tasks run at once in the test settings, so the confirmed upload is finished when its page
opens; the progress is shown on a run the test moves on itself, as the worker would.
"""

import datetime

import pytest
from playwright.sync_api import expect

from competencies.models import (
    ActivityImportRun,
    ActivityRequirement,
    ActivitySource,
    Competency,
    Contact,
)
from ksf import dates
from ksf.roles import Role
from tests.conftest import educator_framework
from tests.factories import PASSWORD, StaffMemberFactory, TeamFactory, UserFactory
from tests.journeys.conftest import assert_accessible, restore_platform, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = (
    "source_id,contact_date,staff_number,team_code,duration_minutes,attendance,activity_type,"
    "procedure_code,patient_key"
)


@pytest.fixture
def board(live_server):
    restore_platform()
    TeamFactory(code="MSKN")
    StaffMemberFactory(staff_number="1001")
    framework = educator_framework(UserFactory(username="edu", roles=[Role.EDUCATOR]))
    ActivityRequirement.objects.create(
        procedure_code="241497006",
        label="Ultrasound scan of shoulder",
        competency=Competency.objects.get(framework=framework, idnumber="C1"),
        valid_from=datetime.date(2020, 1, 1),
    )
    source = ActivitySource.objects.create(name="Canonical extract", code="canonical")
    analyst = UserFactory(
        username="analyst", first_name="Ana", last_name="Lyst", roles=[Role.ANALYST]
    )
    return source, analyst


def extract() -> bytes:
    day = (dates.today() - datetime.timedelta(days=7)).isoformat()
    rows = [
        f"A{n},{day},1001,MSKN,{20 + n},attended,intervention,241497006,P{n}" for n in range(1, 6)
    ]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_an_analyst_uploads_an_extract_and_watches_it_import(page, board):
    source, analyst = board
    sign_in(page, analyst.username, PASSWORD)
    page.get_by_role("link", name="Import caseload activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import caseload activity")
    assert_accessible(page)

    page.get_by_label("Which system the extract comes from").select_option(label=source.name)
    page.get_by_label("The extract, as CSV or Excel (.xlsx)").set_input_files(
        {"name": "activity.csv", "mimeType": "text/csv", "buffer": extract()}
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check activity.csv before importing")
    preview = page.get_by_role("table")
    expect(preview).to_contain_text("staff_number")
    expect(preview).to_contain_text("A5")
    assert not ActivityImportRun.objects.exists()
    assert_accessible(page)

    page.get_by_role("button", name="Import this file").click()
    expect(page.get_by_role("heading", level=2, name="Import complete")).to_be_visible()
    expect(page.locator(".portal-counts")).to_contain_text("5 added")
    assert Contact.objects.count() == 5
    assert_accessible(page)

    # A larger file's run, part-way through: its page follows it without being reloaded.
    run = ActivityImportRun.objects.create(
        source=source,
        filename="year.csv",
        file_size=180 * 1024 * 1024,
        started_by=analyst,
        status=ActivityImportRun.Status.RUNNING,
        phase=ActivityImportRun.Phase.CHECKING,
        rows_read=1_200_000,
        rows_valid=1_199_950,
        percent=40,
        seconds_left=95,
    )
    page.goto(f"/portal/activity/runs/{run.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importing year.csv")
    expect(page.locator("#progress-percent")).to_have_text("40% done")
    expect(page.get_by_text("1,200,000 rows read, 1,199,950 valid")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "activity-upload")

    ActivityImportRun.objects.filter(pk=run.pk).update(
        percent=85, rows_read=2_500_000, rows_valid=2_499_900, seconds_left=20
    )
    expect(page.locator("#progress-percent")).to_have_text("85% done", timeout=10_000)
    expect(page.get_by_text("About 20 seconds left.")).to_be_visible()
    ActivityImportRun.objects.filter(pk=run.pk).update(
        status=ActivityImportRun.Status.DONE,
        phase=ActivityImportRun.Phase.DONE,
        percent=100,
        added=2_400_000,
        changed=50_000,
        unchanged=49_900,
    )
    expect(page.get_by_role("heading", level=2, name="Import complete")).to_be_visible(
        timeout=10_000
    )
    expect(page.locator(".portal-counts")).to_contain_text("2,400,000 added")
    assert_accessible(page)
