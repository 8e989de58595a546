"""A clinician keeps a CPD log with evidence, through a real browser, checked with axe."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from competencies.models import CPDEntry
from competencies.portfolio.selectors import audit_window_start
from ksf import dates
from ksf.models import StaffMember
from tests.journeys.conftest import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_records_an_activity_with_a_certificate(page, demo, tmp_path):
    person = StaffMember.objects.get(user__username="clinician")
    today = dates.today()
    for days, hours, kind in [(40, "2", "work_based"), (200, "7", "formal"), (400, "1", "other")]:
        CPDEntry.objects.create(
            staff=person,
            date=today - datetime.timedelta(days=days),
            title=f"Earlier activity {days}",
            activity_type=kind,
            hours=Decimal(hours),
            description="Done.",
        )
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(b"%PDF-1.4\n% certificate\n")

    sign_in(page, "clinician")
    page.goto(f"/portal/people/{person.staff_number}/cpd/")
    page.get_by_role("link", name="Add a CPD activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a CPD activity")
    assert_accessible(page)

    # A date in the future is refused, with the reason next to the field.
    page.get_by_label("Date", exact=True).fill((today + datetime.timedelta(days=3)).isoformat())
    page.get_by_label("Title", exact=True).fill("Shoulder injection update")
    page.get_by_label("Formal or educational").check()
    page.get_by_label("Hours", exact=True).fill("3.5")
    page.get_by_label("What you did").fill("A half-day update course.")
    page.get_by_label("Upload a new file").set_input_files(str(certificate))
    page.get_by_role("button", name="Add to my CPD log").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The date cannot be in the future")
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "cpd-form.png"), full_page=True)

    page.get_by_label("Date", exact=True).fill(today.isoformat())
    page.get_by_label("Upload a new file").set_input_files(str(certificate))
    page.get_by_role("button", name="Add to my CPD log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shoulder injection update")
    evidence = page.get_by_role("link", name="certificate.pdf")
    expect(evidence).to_have_attribute("href", re.compile(r"^/portal/evidence/\d+/file/$"))
    assert_accessible(page)

    since = audit_window_start(today)
    shown = sum(e.hours for e in CPDEntry.objects.filter(staff=person, date__gte=since))
    total = format(shown.normalize(), "f")
    page.get_by_role("link", name="CPD log").first.click()
    expect(page.locator("#cpd-totals")).to_contain_text(f"{total} hours")
    chart = page.get_by_role("img", name="Hours of CPD by type of activity, per quarter")
    expect(chart).to_be_visible()
    page.get_by_text("Show the figures as a table").click()
    expect(page.locator("table.cpd-figures tfoot")).to_contain_text(total)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "cpd-log.png"), full_page=True)
    screenshot(page, "cpd-log")
