"""A fellow logs a scan on a phone and submits it; their mentor signs it off and returns
another with feedback; the fellow sees the feedback. Through a real browser, checked with axe."""

import pytest
from playwright.sync_api import expect

from fellowships.models import LogbookEntry
from ksf import dates
from tests.factories import PASSWORD
from tests.journeys.conftest import assert_accessible, restore_platform
from tests.journeys.conftest import sign_in as journey_sign_in
from tests.journeys.test_phone_widths import PHONE, assert_fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def platform(live_server):
    restore_platform()


def sign_in(page, username: str) -> None:
    """A fresh session as one of the factories' people (their password, not the demo's)."""
    page.context.clear_cookies()
    journey_sign_in(page, username, PASSWORD)


def test_fellow_logs_a_scan_on_a_phone_and_the_mentor_signs_and_returns(page, platform):
    from tests.fellowships import factories as f

    enrolment = f.enrolment()
    fellow = enrolment.staff
    mentor = enrolment.supervisors.get().supervisor
    earlier = f.entry(
        enrolment,
        status=LogbookEntry.Status.SUBMITTED,
        days_ago=3,
        category="Shoulder",
        findings="Partial thickness tear?",
    )
    logbook = f"/portal/fellowships/enrolments/{enrolment.pk}/logbook/"

    # The fellow, on a 375 px phone, logs a knee scan on one screen and submits it.
    page.set_viewport_size(PHONE)
    sign_in(page, fellow.user.username)
    page.goto(logbook)
    expect(page.get_by_role("heading", level=1)).to_have_text("Logbook")
    assert_fits(page)
    assert_accessible(page)
    page.get_by_role("link", name="Log a case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a case")
    expect(page.get_by_label("Date", exact=True)).to_have_value(dates.today().isoformat())
    expect(page.get_by_label("Supervised")).to_be_checked()
    assert_fits(page)
    assert_accessible(page)

    # A patient's NHS number as the case reference is refused, and says why.
    page.get_by_label("Category").select_option("Knee")
    page.get_by_label("Duration").fill("25")
    page.get_by_label("Case reference").fill("943 476 5919")
    page.get_by_label("Findings or outcome").fill("Moderate suprapatellar effusion.")
    page.get_by_role("button", name="Save and submit for sign-off").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("NHS number")
    assert not LogbookEntry.objects.filter(category="Knee").exists()
    assert_fits(page)
    assert_accessible(page)

    page.get_by_label("Case reference").fill("US-101")
    page.get_by_role("button", name="Save and submit for sign-off").click()
    expect(page.get_by_role("status")).to_contain_text("Submitted")
    scan = LogbookEntry.objects.get(category="Knee")
    assert scan.status == LogbookEntry.Status.SUBMITTED and scan.minutes == 25
    assert_fits(page)
    assert_accessible(page)

    # The mentor signs the scan off and returns the earlier entry with feedback.
    page.set_viewport_size({"width": 1200, "height": 900})
    sign_in(page, mentor.user.username)
    progress = f"/portal/fellowships/enrolments/{enrolment.pk}/"
    page.goto(progress)
    expect(page.locator("main")).to_contain_text("0 of 60 entries")
    expect(page.locator("main")).to_contain_text("No Supervised scans signed off")
    page.goto("/portal/fellowships/supervision/")
    expect(page.get_by_role("heading", level=3)).to_contain_text(fellow.full_name)
    assert_accessible(page)
    page.locator(f"#sign-{scan.pk}").check()
    page.locator(f"#appraised-{scan.pk}").check()
    page.get_by_role("button", name="Sign off the ticked entries").click()
    expect(page.get_by_role("status")).to_contain_text("Signed off 1 entry")
    scan.refresh_from_db()
    assert scan.status == LogbookEntry.Status.SIGNED and scan.appraised
    # The forecast moves: one entry signed gives a pace, and so a forecast date.
    page.goto(progress)
    expect(page.locator("main")).to_contain_text("1 of 60 entries")
    expect(page.locator("main")).to_contain_text("Forecast completion")
    page.goto("/portal/fellowships/supervision/")

    page.get_by_role("link", name=f"Return with feedback \N{EN DASH} {earlier}").click()
    assert_accessible(page)
    page.get_by_role("button", name="Return to the fellow").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say what the fellow should")
    page.get_by_label("Feedback for the fellow").fill("Add the long-axis view of the tendon.")
    page.get_by_role("button", name="Return to the fellow").click()
    expect(page.get_by_role("status")).to_contain_text("Returned")
    assert_accessible(page)

    # The fellow sees the feedback, on the phone again.
    page.set_viewport_size(PHONE)
    sign_in(page, fellow.user.username)
    page.goto(logbook)
    expect(page.locator("#logbook-returned")).to_contain_text(
        "Add the long-axis view of the tendon."
    )
    assert_fits(page)
    assert_accessible(page)
    page.locator("#logbook-returned").get_by_role("link", name=str(earlier)).click()
    expect(page.locator("#entry-feedback")).to_contain_text("Add the long-axis view")
    assert_fits(page)
    assert_accessible(page)
