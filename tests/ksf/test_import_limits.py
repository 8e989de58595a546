"""Hostile or broken upload files are refused quickly, whole, with a message that says why."""

import io
import os

import pytest
from django.urls import reverse
from openpyxl import Workbook

from ksf.imports.staff import import_staff
from ksf.imports.tabular import ImportFailed
from ksf.models import StaffMember
from tests.factories import ServiceFactory, TeamFactory
from tests.ksf.test_staff_import import GOOD, HEADER, csv


@pytest.fixture
def teams(db):
    return {"north": TeamFactory(service=ServiceFactory(), code="MSK-N", name="MSK North")}


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems(data: bytes, name: str) -> str:
    with pytest.raises(ImportFailed) as failed:
        import_staff(data, name)
    assert not StaffMember.objects.exists()
    return str(failed.value)


def test_random_bytes_or_a_program_named_xlsx_is_not_a_workbook(teams):
    assert "not a real Excel workbook" in problems(os.urandom(4096), "staff.xlsx")
    assert "not a real Excel workbook" in problems(b"MZ\x90\x00" + b"\x00" * 500, "setup.xlsx")


def test_utf16_text_from_excel_is_read(teams):
    result = import_staff(GOOD.decode("utf-8").encode("utf-16"), "esr.csv")
    assert result.created == 3


def test_utf16_without_a_byte_order_mark_gets_an_encoding_message(teams):
    message = problems(GOOD.decode("utf-8").encode("utf-16-le"), "esr.csv")
    assert "NUL bytes" in message and "column" not in message.lower().split("nul")[0]


def test_a_nul_byte_in_a_name_is_refused_by_row_and_column(teams):
    data = csv("100,Mo\x00na,Manager,,Physiotherapist,5,MSK-N,1.0,,2020-01-06")
    message = problems(data, "esr.csv")
    assert "row 2" in message and "first_name" in message and "control character" in message


def test_too_many_rows_are_refused_before_they_are_checked(teams, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [HEADER.strip().split(",")] + [
        [f"{n}", "A", "B", "", "Physiotherapist", "5", "MSK-N", "1.0", "", "2020-01-06"]
        for n in range(100, 120)
    ]
    assert "more than 5 rows" in problems(workbook(rows), "big.xlsx")
    text = HEADER + "\n".join(",".join(r) for r in rows[1:]) + "\n"
    assert "more than 5 rows" in problems(text.encode(), "big.csv")


def test_a_workbook_that_expands_hugely_is_refused_unread(teams, settings):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    rows = [HEADER.strip().split(",")] + [[f"{n}"] + ["x" * 30_000] * 4 for n in range(60)]
    data = workbook(rows)
    assert len(data) < 200_000  # small on disk
    assert "expands to" in problems(data, "bomb.xlsx")


def test_a_giant_cell_is_refused(teams):
    rows = [
        HEADER.strip().split(","),
        ["100", "x" * 20_000, "B", "", "P", "5", "MSK-N", "1", "", "2020-01-06"],
    ]
    assert "characters; the limit is 10,000" in problems(workbook(rows), "cell.xlsx")


def test_the_page_lists_a_bounded_number_of_problems_and_counts_the_rest(teams, client, world):
    bad = [f"{n},A,B,,Physiotherapist,5,NO-SUCH-TEAM,1.0,,2020-01-06" for n in range(1000, 1250)]
    client.force_login(world.user("administrator"))
    # The upload is checked in the background (the test settings run it at once); its result
    # is on the run's page, where the upload leads.
    response = client.post(
        reverse("ksf_staff_import"),
        {"file": io.BytesIO(csv(*bad)), "create_logins": ""},
        format="multipart",
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith("/admin/staff-import/runs/")
    assert "250 problems" in page
    assert "and 50 more problems, not listed" in page
    assert page.count("NO-SUCH-TEAM") <= 200 + 5
