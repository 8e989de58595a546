import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from competencies.development.engine import development_status
from competencies.portfolio.selectors import audit_window_start
from ksf import dates
from tests.conftest import login
from tests.exports.factories import FORMULA_LIKE, review

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page_counts(html: str) -> dict[str, int]:
    return {rag: int(n) for rag, n in re.findall(r'data-rag="(\w+)">(\d+)<', html)}


def download(client, staff_number: str) -> openpyxl.Workbook:
    response = client.get(reverse("exports:plan_xlsx", args=[staff_number]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows(sheet) -> list[dict]:
    """Data rows as dicts keyed by header (the total row included)."""
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def summary(book) -> dict:
    return {item: value for item, value in book["Summary"].iter_rows(min_row=2, values_only=True)}


def test_page_and_workbook_show_the_same_rag_counts(client, planned):
    login(client, planned.world.manager.user)
    html = client.get(reverse("exports:plan", args=[planned.person.staff_number])).content.decode()
    book = download(client, planned.person.staff_number)

    expected = development_status(planned.person).counts
    assert expected["red"] and expected["amber"] and expected["green"], "sample covers all three"
    assert page_counts(html) == expected
    facts = summary(book)
    assert {
        "red": facts["Red (overdue or expired)"],
        "amber": facts["Amber (in progress or expiring soon)"],
        "green": facts["Green (met)"],
    } == expected
    rag_cells = [row["RAG"] for row in rows(book["Requirements"])]
    assert {rag.lower(): rag_cells.count(rag) for rag in ("Red", "Amber", "Green")} == expected


def test_requirements_sheet_fills_rag_cells_and_uses_real_dates(client, planned):
    login(client, planned.person.user)
    sheet = download(client, planned.person.staff_number)["Requirements"]
    headers = [c.value for c in sheet[1]]
    rag_col, due_col = headers.index("RAG") + 1, headers.index("Due by") + 1
    state_col, overdue_col = headers.index("State") + 1, headers.index("Overdue") + 1
    fills = {"Red": "FFD5281B", "Amber": "FFFFB81C", "Green": "FF007F3B"}
    seen = set()
    for r in range(2, sheet.max_row + 1):
        cell = sheet.cell(r, rag_col)
        assert cell.fill.fgColor.rgb == fills[cell.value]
        due, state = sheet.cell(r, due_col), sheet.cell(r, state_col).value
        if state == "Met":  # levels agreed, the next review a year away: nothing is due
            assert due.value is None and sheet.cell(r, overdue_col).value is None
        else:
            assert due.is_date and isinstance(due.value, datetime.datetime)
            assert sheet.cell(r, overdue_col).value == ("Yes" if cell.value == "Red" else "No")
        seen.add(state)
    assert "Met" in seen and "Overdue" in seen
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["A"].width


def test_cpd_log_total_is_a_number_equal_to_the_sum_and_the_page(client, planned):
    login(client, planned.person.user)
    html = client.get(reverse("exports:plan", args=[planned.person.staff_number])).content.decode()
    book = download(client, planned.person.staff_number)
    log = rows(book["CPD log"])
    *activities, total = log
    expected = sum(e.hours for e in planned.entries)  # the old entry is outside the two years
    assert len(activities) == len(planned.entries)
    assert all(isinstance(a["Hours"], (int, float)) for a in activities)
    start = audit_window_start(dates.today())
    assert all(a["Date"].date() >= start for a in activities)
    assert total["Activity"] == "Total"
    assert total["Hours"] == pytest.approx(float(expected))
    assert sum(a["Hours"] for a in activities) == pytest.approx(total["Hours"])
    assert summary(book)["CPD hours"] == pytest.approx(float(expected))
    assert f"{expected.normalize():f} hours</strong> in total" in html
    assert "Long ago course" not in html
    assert "Someone else" not in html
    # Hours by type on the page add up to the same total.
    by_type = {k: v for k, v in summary(book).items() if k.startswith("CPD hours: ")}
    assert sum(by_type.values()) == pytest.approx(float(expected))
    assert by_type["CPD hours: Formal or educational"] == pytest.approx(6 + 4 * 1)


def test_formula_like_text_stays_text(client, planned):
    review(
        planned.person,
        planned.world.manager,
        planned.world.post,
        objectives=FORMULA_LIKE,
    )
    login(client, planned.person.user)
    book = download(client, planned.person.staff_number)
    for sheet_name, column in (("CPD log", "B"), ("PDP objectives", "A")):
        cells = {c.value: c for c in book[sheet_name][column]}
        for text in FORMULA_LIKE:
            assert text in cells, (sheet_name, text)
            assert cells[text].data_type == "s"


def test_open_review_objectives_are_shown_over_the_signed_ones(client, planned):
    login(client, planned.person.user)
    url = reverse("exports:plan", args=[planned.person.staff_number])
    html = client.get(url).content.decode()
    assert "Signed objective" in html
    assert "latest signed development review" in html
    assert "Review status: <strong>Signed</strong>" in html

    review(planned.person, planned.world.manager, planned.world.post, objectives=["Open objective"])
    html = client.get(url).content.decode()
    assert "Open objective" in html and "Signed objective" not in html
    assert "open development review" in html
    assert "Review status: <strong>In preparation</strong>" in html
    objectives = rows(download(client, planned.person.staff_number)["PDP objectives"])
    assert [o["Objective"] for o in objectives] == ["Open objective"]
    assert objectives[0]["Target date"].date() > dates.today()


def test_page_summary_and_workbook_summary(client, planned):
    login(client, planned.person.user)
    response = client.get(reverse("exports:plan", args=[planned.person.staff_number]))
    html = response.content.decode()
    assert "Cara Clinician" in html and "PH123456" in html
    assert "Mona Manager" in html  # line manager
    assert "MSK North" in html  # team
    assert reverse("exports:plan_xlsx", args=[planned.person.staff_number]) in html
    assert "portal-noprint" in html
    book = download(client, planned.person.staff_number)
    assert book.sheetnames == ["Summary", "Requirements", "PDP objectives", "CPD log"]
    facts = summary(book)
    assert facts["Staff number"] == planned.person.staff_number
    assert facts["HCPC registration number"] == "PH123456"
    assert facts["Line manager"] == "Mona Manager"
    assert isinstance(facts["Next development review due"], datetime.datetime)


def test_workbook_filename_names_person_and_date(client, planned):
    login(client, planned.world.manager.user)
    response = client.get(reverse("exports:plan_xlsx", args=[planned.person.staff_number]))
    expected = f"development-plan-{planned.person.staff_number}-{dates.today():%Y-%m-%d}.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


def test_text_a_person_typed_is_escaped_on_the_page(client, planned):
    planned.entries[0].title = "<script>alert(1)</script>"
    planned.entries[0].save()
    login(client, planned.person.user)
    html = client.get(reverse("exports:plan", args=[planned.person.staff_number])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_someone_else_cannot_see_or_download_the_plan(client, planned):
    login(client, planned.world.stranger.user)
    for name in ("exports:plan", "exports:plan_xlsx"):
        assert client.get(reverse(name, args=[planned.person.staff_number])).status_code == 404


def test_person_without_post_or_cpd_gets_an_empty_plan(client, world):
    world.stranger.assignments.all().delete()
    login(client, world.stranger.user)
    html = client.get(reverse("exports:plan", args=[world.stranger.staff_number])).content.decode()
    assert "No current post is recorded" in html
    assert "No CPD activities are recorded" in html
    book = download(client, world.stranger.staff_number)
    *activities, total = rows(book["CPD log"])
    assert activities == [] and total["Hours"] == 0
    assert summary(book)["Requirements"] == 0
    assert Decimal(0) == sum(
        Decimal(str(v)) for k, v in summary(book).items() if k.startswith("CPD hours")
    )


def test_the_printout_says_what_is_still_due_and_nothing_for_what_is_met(client, planned):
    login(client, planned.person.user)
    page = client.get(reverse("exports:plan", args=[planned.person.staff_number])).content.decode()
    assert "Nothing due" in page  # the levels met at the review a month ago
    assert "Overdue since" in page  # the competency never claimed in two years


def test_an_open_objective_past_its_target_is_called_overdue_everywhere(client, planned):
    from ksf.models import PDPObjective

    objective = PDPObjective.objects.get(review=planned.signed_review)
    objective.target_date = dates.today() - datetime.timedelta(days=3)
    objective.status = PDPObjective.Status.IN_PROGRESS
    objective.dimension = (
        planned.signed_review.dimensions.filter(reviewer_level=1).first().dimension
    )
    objective.save()
    login(client, planned.person.user)
    page = client.get(reverse("exports:plan", args=[planned.person.staff_number])).content.decode()
    assert 'nhsuk-tag--red">Overdue</strong>' in page
    assert "Your PDP objective “Signed objective” is overdue" in page
    sheet = download(client, planned.person.staff_number)["PDP objectives"]
    assert [r["Status"] for r in rows(sheet)] == ["In progress (overdue)"]
    review_page = client.get(planned.signed_review.get_absolute_url()).content.decode()
    assert 'nhsuk-tag--red">Overdue</strong>' in review_page
    objective.status = PDPObjective.Status.ACHIEVED
    objective.save()
    page = client.get(reverse("exports:plan", args=[planned.person.staff_number])).content.decode()
    assert "is overdue" not in page
