import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from competencies.development.engine import development_status


def test_writes_a_readable_workbook_and_says_where(planned, tmp_path):
    output = tmp_path / "plan.xlsx"
    out = io.StringIO()
    call_command("export_plan", planned.person.staff_number, "--output", str(output), stdout=out)
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["Summary", "Requirements", "PDP objectives", "CPD log"]
    counts = development_status(planned.person).counts
    facts = dict(book["Summary"].iter_rows(min_row=2, values_only=True))
    assert facts["Red (overdue or expired)"] == counts["red"]
    message = out.getvalue()
    assert str(output) in message
    assert f"{counts['red']} red" in message


def test_refuses_an_unknown_staff_number(db, tmp_path):
    output = tmp_path / "plan.xlsx"
    with pytest.raises(CommandError, match="No staff member has staff number 'NOPE'"):
        call_command("export_plan", "NOPE", "--output", str(output))
    assert not output.exists()


def test_refuses_a_path_it_cannot_write(planned, tmp_path):
    with pytest.raises(CommandError, match="Could not write"):
        call_command(
            "export_plan", planned.person.staff_number, "--output", str(tmp_path / "no" / "x.xlsx")
        )
    with pytest.raises(CommandError, match="is a folder"):
        call_command("export_plan", planned.person.staff_number, "--output", str(tmp_path))
