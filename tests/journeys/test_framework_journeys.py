"""An educator publishes a framework through review; staff find it; an administrator uses it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from competencies.models import Competency, Framework, PostRequirement
from tests.journeys.conftest import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOODLE_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "moodle-example.csv"


def _open_more_actions(page) -> None:
    page.locator("footer .w-dropdown__toggle").first.click()


def test_educator_publishes_a_moodle_framework_through_review(page, demo):
    # 1. The educator imports the Moodle file.
    sign_in(page, "educator")
    page.goto("/admin/frameworks/import/")
    page.set_input_files("input[type=file]", str(MOODLE_FILE))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("body")).to_contain_text("with 64 competencies as a draft")
    framework = Framework.objects.get(idnumber="OECD-CORE")

    # 2. She edits a competency in the tree editor.
    node = Competency.objects.get(framework=framework, idnumber="S-DT-1")
    page.goto(f"/admin/frameworks/{framework.pk}/tree/?edit={node.pk}")
    page.get_by_label("Short name").fill("Drafting and thinking, level 1 (reviewed)")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Drafting and thinking, level 1 (reviewed)")

    # 3. She submits it for review.
    page.goto(f"/admin/snippets/competencies/framework/edit/{framework.pk}/")
    _open_more_actions(page)
    page.get_by_role("button", name="Submit to Framework review").click()
    page.wait_for_load_state("networkidle")
    framework.refresh_from_db()
    assert framework.status == "in_review"
    # She may not approve her own submission, and is told so.
    page.goto(f"/admin/snippets/competencies/framework/edit/{framework.pk}/")
    expect(page.locator("body")).to_contain_text("someone else must approve it")
    expect(page.locator("footer button[data-workflow-action-name=approve]")).to_have_count(0)

    # 4. The demo's second educator approves it.
    page.context.clear_cookies()
    sign_in(page, "educator2")
    page.goto(f"/admin/snippets/competencies/framework/edit/{framework.pk}/")
    _open_more_actions(page)
    page.locator(
        "footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).click()
    page.wait_for_load_state("networkidle")
    framework.refresh_from_db()
    assert framework.status == "published"

    # 5. A clinician finds the competency on the published page.
    page.context.clear_cookies()
    sign_in(page, "clinician")
    page.goto("/frameworks/")
    page.get_by_label("Search competencies").fill("reviewed")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Drafting and thinking, level 1 (reviewed)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Drafting and thinking, level 1 (reviewed)"
    )
    expect(page.locator("main")).to_contain_text("No post requires this yet.")
    assert_accessible(page)
    screenshot(page, "competency-page")

    # 6. An administrator adds it to a post.
    page.context.clear_cookies()
    sign_in(page, "admin")
    page.goto("/admin/competencies_requirement/new/")
    competency = Competency.objects.get(framework=framework, idnumber="S-DT-1")
    post_value = page.locator(
        "#id_post option", has_text="Specialist physiotherapist"
    ).first.get_attribute("value")
    page.select_option("#id_post", value=post_value)
    page.select_option("#id_competency", value=str(competency.pk))
    page.get_by_label("Months allowed").fill("12")
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    requirement = PostRequirement.objects.get(competency=competency)
    page.goto(f"/portal/posts/{requirement.post_id}/")
    expect(page.locator("main")).to_contain_text("Drafting and thinking, level 1 (reviewed)")
