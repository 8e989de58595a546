"""A team lead opens the new skill-gap flags for their team, drills into the contacts behind
one, acknowledges it with a note (after being told a note is needed), and opens the funnel
plot. On the seeded demo board (a year of activity, flags recomputed), checked with axe."""

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_opens_flags_drills_in_acknowledges_and_opens_the_funnel(page, demo):
    from competencies.models import Flag, FlagEvent
    from ksf.models import Team

    team = Team.objects.get(lead__user__username="manager")
    assert Flag.objects.filter(team=team).exists(), "the demo raises flags in the manager's team"
    sign_in(page, "manager")

    # From the dashboard to the team's flags.
    page.goto("/")
    page.get_by_role("link", name="Skill-gap flags for the teams you lead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flags across your teams")
    page.goto(f"/portal/teams/{team.pk}/")
    page.get_by_role("link", name="See the team's skill-gap flags").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Flags for {team.name}")
    expect(page.locator(".flags-prompt")).to_contain_text("a prompt to look, not a finding")
    expect(page.locator(".flags-table tbody tr").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "flags-team")

    # Drill into the outcome outlier: the contacts behind it, never a patient key.
    page.locator(".flags-table").get_by_role("link", name="Outcome outlier").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcome outlier")
    rows = page.locator(".flags-contacts tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() <= 50
    assert_accessible(page)
    flag = Flag.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert flag.status == Flag.Status.OPEN

    # Acknowledging without a note is refused, with the message, and nothing is written.
    events = FlagEvent.objects.filter(flag=flag).count()
    page.get_by_label("Acknowledge: I have seen it").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Add a note")
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN
    assert FlagEvent.objects.filter(flag=flag).count() == events
    assert_accessible(page)

    page.get_by_label("Acknowledge: I have seen it").check()
    page.get_by_label("Note").fill("Looked at the case mix with them; booked a joint clinic.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Flag acknowledged.")).to_be_visible()
    expect(page.locator("#history")).to_be_visible()
    expect(page.get_by_text("booked a joint clinic").first).to_be_visible()
    flag.refresh_from_db()
    assert flag.status == Flag.Status.ACKNOWLEDGED
    assert_accessible(page)

    # The funnel plot for the team: an inline SVG with the same figures in a table.
    page.goto(f"/portal/flags/teams/{team.pk}/")
    page.get_by_role("link", name="Outcomes: the funnel plot for this team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes: funnel plot")
    expect(page.get_by_role("img", name="Funnel plot of the mean change")).to_be_visible()
    expect(page.locator(".flags-funnel-figures tbody tr").first).to_be_visible()
    assert_accessible(page)
