"""Skill mix on the demo board, checked with axe.

A team lead opens the team's skill matrix, tries a what-if (one person leaves, another enrols
on the sonography programme), compares it with the baseline, picks who to train next (a PDP
objective, and a nomination the clinician then completes) and downloads the matrix. A
service lead opens the service view and the board workbook.
"""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.journeys.conftest import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _workbook(path):
    with open(path, "rb") as downloaded:
        return load_workbook(io.BytesIO(downloaded.read()))


def test_manager_reads_the_matrix_tries_a_what_if_and_picks_who_to_train(page, demo):
    from fellowships.models import Programme, Scenario
    from ksf.models import PostAssignment, Team

    team = Team.objects.get(lead__user__username="manager")
    assignments = PostAssignment.objects.current().filter(team=team).select_related("staff")
    real = sorted(assignments.values_list("pk", "staff_id", "team_id", "wte", "end_date"))
    sign_in(page, "manager")

    # From the home page to the team's skill matrix.
    page.goto("/")
    page.get_by_role("link", name="skill matrix").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Skill matrix: {team.name}")
    expect(page.locator("table").first).to_be_visible()
    assert_accessible(page)
    page.locator("table").first.scroll_into_view_if_needed()
    screenshot(page, "skill-matrix")

    # The matrix as a workbook.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the matrix").first.click()
    book = _workbook(download.value.path())
    assert book.worksheets[0].max_row > 3

    # A what-if: one person leaves, another enrols on the sonography programme.
    page.get_by_role("link", name="What-if scenarios").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What-if scenarios")
    page.get_by_label("Name").fill("A leaver and a sonographer")
    page.get_by_role("button", name="Save and add changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A leaver and a sonographer")
    leaver, learner = [a.staff for a in assignments.order_by("staff__last_name")[:2]]

    page.locator("summary", has_text="Add a change").click()
    page.get_by_label("What changes").select_option("remove")
    page.get_by_label("Person (leaves, enrols or moves)").select_option(str(leaver.pk))
    page.get_by_role("button", name="Add the change").click()
    expect(page.locator("table").first).to_contain_text(leaver.full_name)

    sonography = Programme.objects.filter(kind="sonography", live=True).first()
    page.locator("summary", has_text="Add a change").click()
    page.get_by_label("What changes").select_option("enrol")
    page.get_by_label("Person (leaves, enrols or moves)").select_option(str(learner.pk))
    page.get_by_label("Programme (enrol)").select_option(str(sonography.pk))
    page.get_by_role("button", name="Add the change").click()
    expect(page.locator("table").first).to_contain_text(sonography.title)
    assert_accessible(page)
    screenshot(page, "what-if")

    # Side by side with the baseline.
    scenario = Scenario.objects.get(name="A leaver and a sonographer")
    page.goto(f"/portal/skill-mix/plan/teams/{team.pk}/scenarios/compare/?scenario={scenario.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Scenarios side by side")
    expect(page.locator("table").first).to_contain_text("A leaver and a sonographer")
    assert_accessible(page)

    # Nothing real changed.
    after = PostAssignment.objects.current().filter(team=team)
    assert sorted(after.values_list("pk", "staff_id", "team_id", "wte", "end_date")) == real

    # The baseline projection: a chart with its figures as a table.
    page.goto(f"/portal/skill-mix/plan/teams/{team.pk}/projection/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Projection for {team.name}")
    expect(page.locator("svg").first).to_be_visible()
    assert_accessible(page)

    # Who to train next: a ranked list, and one click adds a PDP objective.
    page.get_by_role("link", name="Who to train next").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who to train next")
    expect(page.locator("table tbody tr").first).to_be_visible()
    assert_accessible(page)
    # Ffion has this year's review in preparation: the objective goes on it.
    page.get_by_role("button", name=re.compile("Add a PDP objective for Ffion Parry")).first.click()
    expect(page.get_by_text("Objective added to Ffion Parry's development review.")).to_be_visible()
    expect(page.get_by_text("Become competent in").first).to_be_visible()
    assert_accessible(page)

    # The other click nominates her for the sonography programme ...
    page.goto(f"/portal/skill-mix/plan/teams/{team.pk}/train-next/")
    page.get_by_role(
        "button", name=re.compile("Nominate for the programme Ffion Parry for MSK point-of-care")
    ).first.click()
    expect(page.get_by_text(re.compile("Ffion Parry is nominated for"))).to_be_visible()
    assert_accessible(page)

    # ... and she completes the application from her fellowships page.
    page.context.clear_cookies()
    sign_in(page, "clinician")
    page.goto("/portal/fellowships/")
    page.get_by_role("link", name="MSK point-of-care ultrasound").first.click()
    expect(page.get_by_role("heading", name="You were nominated")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Complete the application").click()
    expect(page.get_by_text("Gareth Owen nominated you on")).to_be_visible()
    page.get_by_label("Why are you applying?").fill(
        "To run the shoulder scanning list with the injection clinic."
    )
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Waiting for a decision").first).to_be_visible()
    assert_accessible(page)


def test_service_lead_opens_the_service_view_and_the_board_workbook(page, demo):
    from ksf.models import Service

    service = Service.objects.get(lead__user__username="servicelead")
    sign_in(page, "servicelead")
    page.goto("/")
    page.get_by_role("link", name=f"{service.name}: every team side by side").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Skill mix: {service.name}")
    expect(page.locator("table").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "service-view")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the board workbook").first.click()
    book = _workbook(download.value.path())
    # A summary, the coverage and the projection, then one sheet a team.
    assert len(book.sheetnames) >= 2 + service.teams.count()
