"""Fellowships through a real browser, on the demo board (axe-checked).

The service lead approves the application waiting for her with its costs; the new fellow's
enrolment appears; the supervisor finds what waits for him; the completed sonography fellow
opens their fellowship, downloads the credential and its public verification page says the
signature holds.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ksf import dates
from tests.journeys.conftest import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_service_lead_approves_the_waiting_application_with_its_costs(page, demo):
    from fellowships.models import Application

    waiting = Application.objects.get(status=Application.Status.SUBMITTED)
    sign_in(page, "servicelead")
    page.goto(f"/portal/fellowships/applications/{waiting.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Application for")
    expect(page.locator("main")).to_contain_text("Line manager's support")
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_label("Cost (£)").fill("2400")
    page.get_by_label("Start date").fill(dates.today().isoformat())
    page.get_by_label("Funding source").fill("Health board education fund")
    page.get_by_label("Backfill hours").fill("120")
    page.get_by_label("Cohort").fill("2027 spring")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("main")).to_contain_text("Decision recorded.")
    page.get_by_role("link", name="the enrolment").click()
    expect(page.get_by_role("heading", level=2, name="Milestones")).to_be_visible()
    assert_accessible(page)


def test_supervisor_sees_what_waits_for_him_and_his_fellows_progress(page, demo):
    sign_in(page, "supervisor")
    expect(page.locator("main")).to_contain_text("logbook entries wait for your sign-off")
    page.get_by_role("link", name="Your fellows' progress").click()
    expect(page.get_by_role("heading", name="Fellows you supervise")).to_be_visible()
    assert_accessible(page)
    page.locator("table a").first.click()
    expect(page.get_by_role("heading", level=2, name="Milestones")).to_be_visible()
    expect(page.locator("svg.portal-chart")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "fellowship-progress")


def test_completed_fellow_downloads_the_credential_and_it_verifies(page, demo, tmp_path):
    from django.contrib.auth.models import User

    from fellowships.models import Enrolment
    from ksf.demo import DEMO_PASSWORD

    done = Enrolment.objects.get(status=Enrolment.Status.COMPLETED)
    fellow = done.staff
    fellow.user = User.objects.create_user("fellow", fellow.email, DEMO_PASSWORD)
    fellow.save()
    sign_in(page, "fellow")
    page.get_by_role("link", name="Fellowships", exact=True).first.click()
    page.get_by_role("link", name=done.programme.title).first.click()
    expect(page.locator("main")).to_contain_text("Completed")
    assert_accessible(page)
    page.get_by_role("link", name="Verification page (share this link)").click()
    expect(page.get_by_role("heading", name="Valid")).to_be_visible()
    expect(page.locator("main")).to_contain_text("The signature holds")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the credential (JSON)").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert "OpenBadgeCredential" in document["type"]
    assert fellow.email not in json.dumps(document)  # the holder is a salted hash


def test_educator_starts_a_new_programme_version_and_publishes_it(page, demo):
    from django.urls import reverse

    from fellowships.models import Enrolment, Programme

    current = Programme.objects.get(code="MSK-POCUS", live=True)
    enrolled = Enrolment.objects.filter(programme=current).count()
    sign_in(page, "educator")
    page.goto(reverse("wagtailsnippets_fellowships_programme:new_version", args=[current.pk]))
    assert_accessible(page)
    page.get_by_label("Version").fill("2.0")
    page.get_by_role("button", name="Start new version").click()
    expect(page.locator("body")).to_contain_text("as a draft copy of")
    page.get_by_label("Target duration (months)").fill("15")
    page.locator("footer .w-dropdown__toggle").first.click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("body")).to_contain_text("published")
    new = Programme.objects.get(code="MSK-POCUS", version="2.0")
    assert new.live and new.target_months == 15
    assert new.milestones.count() == current.milestones.count()
    # Fellows already enrolled stay on the version they started.
    assert Enrolment.objects.filter(programme=current).count() == enrolled
    page.goto("/fellowships/")
    page.get_by_role("link", name=new.title).first.click()
    expect(page.locator("main")).to_contain_text("15 months")
    assert_accessible(page)
