"""Each role's first steps in the portal, through a real browser."""

import re

import pytest
from playwright.sync_api import expect

from ksf.models import StaffMember
from tests.journeys.conftest import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANDING = {
    "clinician": ("Hello, Ffion", ["Clinician"], "Your development"),
    "manager": ("Hello, Gareth", ["Clinician", "Line manager"], "People you manage"),
    "educator": ("Hello, Lowri", ["Educator"], "Frameworks and programmes you look after"),
    "supervisor": ("Hello, Amir", ["Supervisor"], "Fellows you supervise"),
    "servicelead": ("Hello, Rhian", ["Service lead"], "Your services"),
    "admin": ("Hello, Alex", ["Administrator"], "Organisation"),
}


@pytest.mark.parametrize("username", list(LANDING))
def test_each_demo_role_lands_on_their_own_home_page(page, demo, username):
    heading, roles, section = LANDING[username]
    sign_in(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    for role in roles:
        expect(page.locator(".portal-roles")).to_contain_text(role)
    expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    assert_accessible(page)
    if username == "manager":
        page.get_by_role("heading", name="People you manage").scroll_into_view_if_needed()
        screenshot(page, "manager-home")


def test_manager_opens_a_team_members_post_outline(page, demo):
    sign_in(page, "manager")
    page.get_by_role("link", name="Ffion Parry", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Development status")
    assert_accessible(page)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Ffion Parry"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ffion Parry")
    assert_accessible(page)
    page.get_by_role("link", name="View what this post requires").first.click()
    expect(page.get_by_role("heading", name="KSF outline")).to_be_visible()
    outline = page.get_by_role("table", name=re.compile("KSF outline for"))
    expect(outline).to_contain_text("C1 Communication")
    expect(outline).to_contain_text("Foundation gateway")
    assert_accessible(page)
    screenshot(page, "post-outline")


def test_clinician_cannot_open_another_clinicians_record(page, demo):
    sign_in(page, "clinician")
    other = StaffMember.objects.exclude(user__username="clinician").filter(band="5").first()
    response = page.goto(f"/portal/people/{other.staff_number}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text(other.last_name)
    # Their own record opens.
    page.goto("/")
    page.get_by_role("link", name="Your staff record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ffion Parry")


def test_administrator_imports_staff_and_fixes_a_bad_file(page, demo, tmp_path):
    sign_in(page, "admin")
    page.goto("/admin/staff-import/")
    bad = tmp_path / "esr-bad.csv"
    bad.write_text(
        "staff_number,first_name,last_name,email,post_title,band,team,wte,line_manager_staff_number,start_date\n"
        "55500001,Jo,Newton,jo.newton@example.nhs.uk,Physiotherapist,5,MSK-N,1.4,,2025-09-01\n"
    )
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("main")).to_contain_text("1 problem in esr-bad.csv. Nothing was imported.")
    expect(page.get_by_role("table", name="Problems found")).to_contain_text("out of range")
    good = tmp_path / "esr.csv"
    good.write_text(bad.read_text().replace(",1.4,", ",0.8,"))
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"1 rows: 1 people added"))
    assert StaffMember.objects.filter(staff_number="55500001").exists()
