"""An appraisal year in the browser: ask for sign-off, the assessor signs, the review is signed."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from competencies.models import Attainment
from ksf import dates
from ksf.models import DevelopmentReview, StaffMember
from tests.journeys.conftest import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")


def test_clinician_asks_for_sign_off_and_the_assessor_verifies(page, demo):
    ffion = StaffMember.objects.get(user__username="clinician")
    sign_in(page, "clinician")
    page.get_by_role("link", name="My development").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My development")
    expect(page.locator(".portal-counts--rag")).to_contain_text("red")
    assert_accessible(page)
    screenshot(page, "my-development")

    page.get_by_role("link", name=re.compile("Physical assessment")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Physical assessment")
    assert_accessible(page)
    page.get_by_label("Capable").check()
    page.get_by_label("Why you believe you are at this level").fill(
        "Assessed 40 new patients with supervision; see my supervision record."
    )
    page.get_by_label("Supervision record, March").check()
    expect(page.get_by_label("Ask for sign-off from")).to_have_value(
        str(ffion.assignments.first().line_manager_id)
    )
    page.get_by_role("button", name="Save and send").click()
    expect(page.locator("main")).to_contain_text("Sign-off requested from Gareth Owen.")
    expect(page.get_by_role("table")).to_contain_text("Awaiting sign-off")
    sign_out(page)

    sign_in(page, "manager")
    page.get_by_role("link", name=re.compile(r"sign-off requests? waiting for you")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-off requests")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Physical assessment")).click()
    expect(page.locator("main")).to_contain_text("Supervision record, March")
    # Declining needs a reason: refused clearly, nothing changes.
    page.get_by_label("Decline").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say why you are declining")
    assert_accessible(page)
    page.get_by_label("Verify: they meet this level").check()
    page.get_by_label("Comment").fill("Observed two new patient assessments.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("main")).to_contain_text("You verified Ffion Parry.")
    attainment = Attainment.objects.get(staff=ffion, competency__idnumber="MSK-4")
    assert attainment.status == Attainment.Status.VERIFIED
    assert attainment.verified_on == dates.today()
    sign_out(page)

    sign_in(page, "clinician")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(page.locator("main")).to_contain_text("Gareth Owen verified Physical assessment")
    page.goto(f"/portal/people/{ffion.staff_number}/development/")
    row = page.get_by_role("row", name=re.compile("Physical assessment"))
    expect(row).to_contain_text("Green")
    expect(row).to_contain_text("by Gareth Owen")


def test_manager_holds_the_review_and_both_sign(page, demo):
    ffion = StaffMember.objects.get(user__username="clinician")
    review = DevelopmentReview.objects.get(staff=ffion, staff_signed_at__isnull=True)
    sign_in(page, "manager")
    page.goto(f"/portal/people/{ffion.staff_number}/development/")
    page.goto(f"/portal/reviews/{review.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of")
    assert_accessible(page)

    page.get_by_role("link", name="Record your assessment as reviewer").click()
    page.get_by_label("Reviewer's summary").fill("A strong year: spinal clinic and the audit.")
    for row in review.dimensions.select_related("dimension"):
        name = f"{row.dimension.code} {row.dimension.title}"
        page.get_by_label(f"Reviewer's level for {name}").select_option(str(row.required_level))
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("A strong year")

    page.get_by_role("link", name="Add a PDP objective").first.click()
    page.get_by_label("Objective").fill("Run the spinal clinic independently")
    page.get_by_label("The gap it closes").fill("HWB6 assessment at level 3")
    page.get_by_label("Actions", exact=True).fill("Two supervised clinics a month, then solo.")
    target = dates.today() + datetime.timedelta(days=180)
    page.get_by_label("Target date").fill(target.isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Add the objective").click()
    expect(page.locator("#pdp ~ *").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Run the spinal clinic independently")

    page.get_by_role("link", name="Sign the review").first.click()
    page.get_by_role("button", name="Sign the review").click()
    expect(page.locator("main")).to_contain_text(re.compile("signed", re.I))
    sign_out(page)

    sign_in(page, "clinician")
    page.goto(f"/portal/reviews/{review.pk}/")
    page.get_by_role("link", name="Sign the review").first.click()
    page.get_by_role("button", name="Sign the review").click()
    review.refresh_from_db()
    assert review.is_signed
    page.goto(f"/portal/reviews/{review.pk}/")
    expect(page.locator("main")).to_contain_text("Signed")
    expect(page.get_by_role("link", name="Record your assessment as reviewer")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "signed-review")
