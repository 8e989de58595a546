"""On a 375 px phone nothing makes the page scroll sideways; wide tables scroll in their wrapper."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from competencies.frameworks import services as frameworks_services
from competencies.models import Attainment, Framework
from ksf.models import StaffMember
from tests.journeys.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
PDF = b"%PDF-1.4\n% a tiny certificate\n"

# The elements that run off the right of the screen, other than inside a wrapper that scrolls
# (a wide table may scroll in place). Wagtail's main area clips what overflows (overflow-x:
# hidden), so the page's own scroll width alone would not show what runs off the screen.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 1 && box.width > 0 && el.checkVisibility({visibilityProperty: true})) {
      let inScroller = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const style = getComputedStyle(p);
        const outer = p.getBoundingClientRect();
        // Inside something visually hidden (a responsive table's header, say): not on screen.
        if (style.overflowX !== 'visible' && (outer.width <= 1 || outer.height <= 1)) {
          inScroller = true;
          break;
        }
        if (['auto', 'scroll'].includes(style.overflowX)) {
          const wrap = p.getBoundingClientRect();
          inScroller = wrap.left >= -1 && wrap.right <= limit + 1;
          break;
        }
      }
      if (!inScroller) {
        const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
          + (el.className && typeof el.className === 'string'
             ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
        found.push(name + ' right=' + Math.round(box.right));
      }
    }
  }
  return found.slice(0, 15);
}"""


def assert_fits(page) -> None:
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width, page.evaluate(OVERFLOWING))
    assert page.evaluate(OVERFLOWING) == [], page.url


def test_clinician_pages_fit_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, "clinician")
    me = StaffMember.objects.get(user__username="clinician")
    claimed = Attainment.objects.filter(staff=me).exclude(self_comment="").first()
    for url in [
        "/",
        "/portal/me/development/",
        f"/portal/people/{me.staff_number}/",
        f"/portal/people/{me.staff_number}/cpd/",
        # Her sign-offs of one competency: claims, reasons and decisions.
        reverse("development:competency", args=[claimed.competency_id]),
    ]:
        page.goto(url)
        assert_fits(page)
        assert_accessible(page)

    # A CPD activity sent with a file but without its hours comes back saying the file is gone.
    page.goto(f"/portal/people/{me.staff_number}/cpd/add/")
    page.get_by_label("Title").fill("Shoulder update")
    page.set_input_files(
        "#id_new_file",
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.get_by_role("button", name="Add to my CPD log").click()
    expect(page.locator("#id_new_file-not-kept")).to_contain_text(
        "Your file certificate.pdf was not kept: choose it again."
    )
    assert_fits(page)
    assert_accessible(page)


def test_admin_framework_pages_fit_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, "admin")
    page.goto("/admin/snippets/competencies/framework/")
    assert_fits(page)
    # The table is wider than the screen: it scrolls inside its own box, which fits.
    table = page.locator("table.listing")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    published = Framework.objects.filter(competencies__isnull=False).distinct().first()
    # Only a draft's tree can be edited: start a new version as an educator would.
    framework = frameworks_services.start_new_version(
        published, version="phone", user=User.objects.get(username="admin")
    )
    node = framework.competencies.order_by("-pk").first()
    page.goto(f"/admin/frameworks/{framework.pk}/tree/")
    assert_fits(page)
    page.goto(f"/admin/frameworks/{framework.pk}/tree/?edit={node.pk}")
    parent = page.get_by_label("Parent")
    assert parent.count() == 1
    box = parent.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert_fits(page)
