"""The clinician's development plan and HCPC profile, through a real browser (axe-checked)."""

import io
import os
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_prints_a_plan_downloads_it_and_builds_an_hcpc_profile(page, demo):
    """... and saves the profile as a draft on the way, leaves, and finds it as it was."""
    sign_in(page, "clinician")
    from ksf.models import StaffMember

    ffion = StaffMember.objects.get(user__username="clinician")
    page.goto(f"/portal/people/{ffion.staff_number}/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ffion.full_name)
    expect(page.get_by_role("heading", name="Requirements and gaps")).to_be_visible()
    total = page.locator("#cpd-total").inner_text()
    assert_accessible(page)
    screenshot(page, "development-plan")
    if os.environ.get("EXPORTS_SCREENSHOTS"):
        page.screenshot(path=os.environ["EXPORTS_SCREENSHOTS"] + "/plan.png", full_page=True)
        page.emulate_media(media="print")
        page.screenshot(path=os.environ["EXPORTS_SCREENSHOTS"] + "/plan-print.png", full_page=True)
        page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as an Excel workbook").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    total_row = list(book["CPD log"].iter_rows(values_only=True))[-1]
    assert total_row[1] == "Total"
    assert f"{total_row[3]:g} hours" in total

    page.get_by_role("link", name="Prepare an HCPC CPD profile from your log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prepare your HCPC CPD profile")
    assert_accessible(page)
    page.get_by_role("button", name="Build my profile").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Write a summary of your practice")
    assert_accessible(page)
    page.get_by_label("Summary of your practice").fill("I am a band 6 MSK physiotherapist.")
    boxes = page.locator("input[name=activities]")
    for i in range(4):
        boxes.nth(i).check()
    # Save a draft, leave, and come back to it through the list: nothing is lost.
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("main")).to_contain_text("Draft saved")
    assert "/hcpc-profile/drafts/" in page.url
    page.goto(f"/portal/people/{ffion.staff_number}/plan/")
    page.get_by_role("link", name="Your saved HCPC profiles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved HCPC profiles")
    assert_accessible(page)
    page.locator("#hcpc-drafts a", has_text="HCPC profile,").first.click()
    expect(page.get_by_label("Summary of your practice")).to_have_value(
        "I am a band 6 MSK physiotherapist."
    )
    expect(page.locator("input[name=activities]:checked")).to_have_count(4)
    page.get_by_role("button", name="Build my profile").click()
    expect(
        page.get_by_role("heading", name="4. Statement of how I have met the standards")
    ).to_be_visible()
    expect(page.locator("h3", has_text="Activity 4:")).to_be_visible()
    assert_accessible(page)
    if os.environ.get("EXPORTS_SCREENSHOTS"):
        page.screenshot(path=os.environ["EXPORTS_SCREENSHOTS"] + "/hcpc.png", full_page=True)
