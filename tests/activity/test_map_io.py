"""The activity map as a spreadsheet: upload adds and changes lines, export uploads unchanged,
and a bad file is refused whole with its problems by row and column."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from competencies.activity import map_io
from competencies.models import ActivityRequirement
from ksf.imports.tabular import ImportFailed
from tests.competencies.portfolio_fixtures import published_framework
from tests.conftest import educator_framework
from tests.factories import UserFactory

HEADER = (
    "procedure_scheme,procedure_code,activity_type,label,framework,competency,level,"
    "valid_from,valid_to,lapse_months"
)


@pytest.fixture
def framework(db):
    return published_framework("INJ")


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


GOOD = (
    "snomed,241497006,,Ultrasound-guided shoulder injection,INJ,C2,Expert,2024-01-01,,18",
    ",USGI-KNEE,intervention,Knee injection,INJ,C1,,01/02/2024,2025-12-31,",
    ",,group,Group injection class,inj,C1,competent,2024-01-01,,",
)


def test_upload_adds_lines_then_a_reupload_changes_nothing(framework):
    result = map_io.upload(csv(*GOOD), "map.csv")
    assert (result.added, result.changed, result.unchanged) == (3, 0, 0)
    shoulder = ActivityRequirement.objects.get(procedure_code="241497006")
    assert shoulder.competency.idnumber == "C2" and shoulder.level.name == "Expert"
    assert shoulder.lapse_months == 18
    knee = ActivityRequirement.objects.get(procedure_code="USGI-KNEE")
    assert knee.procedure_scheme == "local"  # not numeric: a local code
    assert knee.valid_from == datetime.date(2024, 2, 1)
    assert knee.valid_to == datetime.date(2025, 12, 31)
    again = map_io.upload(csv(*GOOD), "map.csv")
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)


def test_export_round_trips_as_csv_and_xlsx(framework):
    map_io.upload(csv(*GOOD), "map.csv")
    exported = map_io.export_csv()
    assert exported.decode("utf-8-sig").splitlines()[0] == ",".join(map_io.COLUMNS)
    result = map_io.upload(exported, "activity-map.csv")
    assert (result.added, result.changed, result.unchanged) == (0, 0, 3)
    workbook = map_io.export_xlsx()
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == map_io.COLUMNS
    result = map_io.upload(workbook, "activity-map.xlsx")
    assert (result.added, result.changed, result.unchanged) == (0, 0, 3)


def test_a_changed_row_changes_its_line_and_a_file_may_end_one_line_and_start_the_next(
    framework,
):
    map_io.upload(csv(GOOD[0]), "map.csv")
    ended = GOOD[0].replace("2024-01-01,,18", "2024-01-01,2024-12-31,18")
    successor = "snomed,241497006,,Shoulder injection (new rule),INJ,C2,,2025-01-01,,"
    result = map_io.upload(csv(ended, successor), "map.csv")
    assert (result.added, result.changed, result.unchanged) == (1, 1, 0)
    assert ActivityRequirement.objects.get(valid_from=datetime.date(2024, 1, 1)).valid_to == (
        datetime.date(2024, 12, 31)
    )


def problems(data: bytes) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ImportFailed) as caught:
        map_io.upload(data, "map.csv")
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(framework):
    found = problems(
        csv(
            GOOD[0],
            "snomed,1234,,Bad level,INJ,C2,Master,2024-01-01,,",
            "snomed,5678,,Bad dates,INJ,C2,,2024-13-01,,",
            "snomed,9999,,Ends first,INJ,C2,,2024-06-01,2024-01-01,",
            "snomed,,,Matches nothing,INJ,C2,,2024-01-01,,",
            "wrong,1111,walking,Bad scheme and type,INJ,C9,,2024-01-01,,500",
            "snomed,2222,,Unknown framework,NOPE,C1,,2024-01-01,,",
        )
    )
    assert (
        3,
        "level",
        "'Master' is not on the scale of Injection therapy. Its levels are: "
        "Novice, Competent, Expert.",
    ) in found
    assert (4, "valid_from", "Write the date as yyyy-mm-dd or dd/mm/yyyy.") in found
    assert (7, "procedure_scheme", "Write 'snomed' or 'local'.") in found
    assert any(r == 7 and c == "activity_type" for r, c, _ in found)
    assert any(r == 7 and c == "competency" and "no competency" in m for r, c, m in found)
    assert (7, "lapse_months", "Write a whole number of months from 1 to 120.") in found
    assert (8, "framework", "No framework has the ID number 'NOPE'.") in found
    assert not ActivityRequirement.objects.exists()


def test_rule_breaches_are_listed_by_row_and_column(framework):
    found = problems(
        csv(
            "snomed,9999,,Ends first,INJ,C2,,2024-06-01,2024-01-01,",
            "snomed,,,Matches nothing,INJ,C2,,2024-01-01,,",
            GOOD[0],
            GOOD[0].replace("Ultrasound-guided", "Overlapping").replace("2024-01-01", "2024-03-01"),
        )
    )
    assert (2, "valid_to", "The end date (2024-01-01) is before the start date (2024-06-01).") in (
        found
    )
    assert any(r == 3 and c == "procedure_code" for r, c, _ in found)
    assert any(r == 5 and c == "valid_from" and "Another line" in m for r, c, m in found)
    assert not ActivityRequirement.objects.exists()


def test_unpublished_and_retired_frameworks_are_refused(framework):
    educator_framework(UserFactory(username="edu"), idnumber="DRAFT")
    retired = published_framework("OLD")
    retired.retired = True
    retired.save()
    found = problems(
        csv(
            "snomed,1,,Draft,DRAFT,C1,,2024-01-01,,",
            "snomed,2,,Old,OLD,C1,,2024-01-01,,",
        )
    )
    assert (
        2,
        "framework",
        "Framework 'DRAFT' has no published version yet: publish it before mapping work to it.",
    ) in found
    assert (
        3,
        "framework",
        "Every published version of framework 'OLD' is retired: map the "
        "work to a current framework.",
    ) in found
    assert not ActivityRequirement.objects.exists()


def test_a_missing_column_is_refused(framework):
    data = b"procedure_code,label,competency,valid_from\n1,x,C1,2024-01-01\n"
    assert problems(data) == [(1, "framework", "This column is missing from the header row.")]


def test_a_row_without_framework_and_competency_is_everyday_work(framework):
    everyday = "snomed,91251008,,Physiotherapy,,,,2024-01-01,,"
    result = map_io.upload(csv(GOOD[0], everyday), "map.csv")
    assert (result.added, result.changed, result.unchanged) == (2, 0, 0)
    assert ActivityRequirement.objects.get(procedure_code="91251008").competency is None
    exported = map_io.export_csv().decode("utf-8-sig")
    assert "91251008,,Physiotherapy,,,,,2024-01-01" in exported
    again = map_io.upload(exported.encode(), "activity-map.csv")
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    found = problems(csv("snomed,229065009,,Exercise,,,Expert,2024-01-01,,"))
    assert (2, "level", "A level needs a framework and a competency.") in found
