"""Importing activity extracts: what is written, what is refused and how the refusal reads."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from competencies.activity.importer import import_file
from competencies.activity.pseudonyms import pseudonym
from competencies.models import (
    ActivityImportRun,
    ActivityRequirement,
    ActivitySource,
    Competency,
    Contact,
)
from ksf import dates
from tests.conftest import educator_framework
from tests.factories import StaffMemberFactory, TeamFactory, UserFactory

HEADER = (
    "source_id,contact_date,staff_number,team_code,duration_minutes,attendance,mechanism,"
    "activity_type,procedure_code,procedure_scheme,condition_code,patient_key,episode_id,"
    "outcome_measure,outcome_before,outcome_after"
)
Status = ActivityImportRun.Status


@pytest.fixture
def board(db):
    team = TeamFactory(code="MSKN")
    person = StaffMemberFactory(staff_number="1001")
    framework = educator_framework(UserFactory(username="edu"))
    competency = Competency.objects.get(framework=framework, idnumber="C1")
    ActivityRequirement.objects.create(
        procedure_code="241497006",
        label="Ultrasound scan of shoulder",
        competency=competency,
        valid_from=datetime.date(2020, 1, 1),
    )
    ActivityRequirement.objects.create(
        procedure_scheme="local",
        procedure_code="USGI-SH",
        label="Ultrasound-guided shoulder injection",
        competency=competency,
        valid_from=datetime.date(2020, 1, 1),
    )
    source = ActivitySource.objects.create(name="Therapy system", code="therapy")
    return team, person, source


def day(offset: int = 10) -> str:
    return (dates.today() - datetime.timedelta(days=offset)).isoformat()


def row(record: str = "A1", **values: str) -> str:
    fields = {
        "source_id": record,
        "contact_date": day(),
        "staff_number": "1001",
        "team_code": "MSKN",
        "duration_minutes": "30",
        "attendance": "attended",
        "mechanism": "face_to_face",
        "activity_type": "intervention",
        "procedure_code": "241497006",
        "procedure_scheme": "",
        "condition_code": "",
        "patient_key": "P-77",
        "episode_id": "E-1",
        "outcome_measure": "",
        "outcome_before": "",
        "outcome_after": "",
    }
    fields.update(values)
    return ",".join(fields.values())


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run_of(tmp_path, source, *rows, **kwargs) -> ActivityImportRun:
    return import_file(write(tmp_path, *rows, **kwargs), source, flag=False)


def messages(run: ActivityImportRun) -> list[str]:
    return [f"{p['row']}|{p['column']}|{p['message']}" for p in run.problems if p.get("message")]


def test_import_writes_contacts_and_reimport_changes_nothing(board, tmp_path):
    team, person, source = board
    rows = [row("A1"), row("A2", procedure_code="USGI-SH", duration_minutes="45")]
    first = run_of(tmp_path, source, *rows)
    assert first.status == Status.DONE, messages(first)
    assert (first.added, first.changed, first.unchanged) == (2, 0, 0)
    contact = Contact.objects.get(record_id="A2")
    assert contact.procedure_scheme == "local"  # not numeric, no scheme given
    assert contact.staff == person and contact.team == team and contact.duration_minutes == 45
    assert contact.patient_hash == pseudonym("P-77") and "P-77" not in contact.patient_hash
    assert Contact.objects.get(record_id="A1").procedure_scheme == "snomed"

    again = run_of(tmp_path, source, *rows)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    assert Contact.objects.count() == 2


def test_a_corrected_file_updates_what_changed(board, tmp_path):
    _, _, source = board
    run_of(tmp_path, source, row("A1"), row("A2"), row("A3"))
    corrected = run_of(
        tmp_path,
        source,
        row("A1"),
        row("A2", duration_minutes="50"),
        row("A3", contact_date=day(12)),  # the date was wrong
        row("A4"),
    )
    assert (corrected.added, corrected.changed, corrected.unchanged) == (1, 2, 1)
    assert Contact.objects.count() == 4
    assert Contact.objects.get(record_id="A2").duration_minutes == 50
    assert Contact.objects.get(record_id="A3").contact_date.isoformat() == day(12)


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(board, tmp_path):
    _, _, source = board
    future = (dates.today() + datetime.timedelta(days=3)).isoformat()
    run = run_of(
        tmp_path,
        source,
        row("A1"),
        row("A2", staff_number="9999"),
        row("A3", team_code="NOPE"),
        row("A4", contact_date="31/02/2026"),
        row("A5", contact_date=future),
        row("A6", duration_minutes="900"),
        row("A7", attendance="maybe"),
        row("A8", procedure_code="123456"),
        row("A1"),
    )
    assert run.status == Status.FAILED
    found = messages(run)
    assert any(m.startswith("3|staff_number|Nobody has staff number '9999'") for m in found)
    assert any(m.startswith("4|team_code|There is no team with code 'NOPE'") for m in found)
    assert any(m.startswith("5|contact_date|'31/02/2026' is not a date") for m in found)
    assert any(m.startswith("6|contact_date|") and "future" in m for m in found)
    assert any(m.startswith("7|duration_minutes|900 minutes is out of range") for m in found)
    assert any(m.startswith("8|attendance|'maybe' is not an attendance value") for m in found)
    assert any(
        m.startswith("9|procedure_code|Procedure code 123456 (snomed) is not in the") for m in found
    )
    assert any(m.startswith("10|source_id|This id is also on row 2") for m in found)
    assert run.problem_count == 8
    assert not Contact.objects.exists()


def test_csds_codes_and_uk_dates_are_read(board, tmp_path):
    _, _, source = board
    uk = (dates.today() - datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    run = run_of(
        tmp_path, source, row("A1", attendance="5", contact_date=uk), row("A2", attendance="3")
    )
    assert run.status == Status.DONE, messages(run)
    assert Contact.objects.get(record_id="A1").attendance == "attended"
    assert Contact.objects.get(record_id="A2").attendance == "did_not_attend"


def test_a_saved_column_mapping_reads_a_sources_own_layout(board, tmp_path):
    _, _, source = board
    source.column_mapping = {
        "source_id": "Contact Ref",
        "contact_date": "Appt Date",
        "staff_number": "Clinician No",
        "team_code": "Team",
        "duration_minutes": "Mins",
        "attendance": "Outcome",
        "procedure_code": "Proc",
    }
    source.attendance_values = {"ATT": "attended", "DNA": "did_not_attend"}
    source.save()
    path = write(
        tmp_path,
        f"R1,{day()},1001,MSKN,20,ATT,241497006",
        f"R2,{day()},1001,MSKN,0,DNA,241497006",
        header="Contact Ref,Appt Date,Clinician No,Team,Mins,Outcome,Proc",
    )
    run = import_file(path, source, flag=False)
    assert run.status == Status.DONE, messages(run)
    assert Contact.objects.get(record_id="R2").attendance == "did_not_attend"


def test_a_missing_column_is_named(board, tmp_path):
    _, _, source = board
    run = run_of(tmp_path, source, "A1,2026-01-01", header="source_id,contact_date")
    assert run.status == Status.FAILED
    assert "1|staff_number|This column is missing from the header row." in messages(run)


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("patient_key", "9434765919", "NHS numbers"),
        ("patient_key", "943 476 5919", "NHS numbers"),
        ("patient_key", "943-476-5919", "NHS numbers"),
        ("condition_code", "943-476-5919", "NHS numbers"),
    ],
)
def test_nhs_numbers_refuse_the_whole_file(board, tmp_path, column, value, why):
    _, _, source = board
    run = run_of(tmp_path, source, row("A1"), row("A2", **{column: value}))
    assert run.status == Status.REFUSED
    assert any(f"|{column}|This column holds {why}" in m for m in messages(run))
    assert not Contact.objects.exists()


def test_ten_digit_ids_that_fail_the_check_are_not_nhs_numbers(board, tmp_path):
    _, _, source = board
    # Of 1000000000 to 1000000009 only 1000000001 passes the check: these are ids.
    ids = [row(str(1000000000 + n)) for n in range(10)]
    run = run_of(tmp_path, source, *ids, row("A2", patient_key="9434765918"))
    assert run.status == Status.DONE, messages(run)


@pytest.mark.parametrize(
    ("header", "value", "why"),
    [
        ("notes", "Seen with Mrs Jones today", "people's names"),
        ("notes", "lives at CF10 3AT", "postcodes"),
        ("notes", "12 High Street", "addresses"),
        ("referral_notes", "born 14/03/1956", "dates"),
        ("DOB", "1956", "dates of birth"),
        ("Free text", "NHS 943 476 5919", "NHS numbers"),
    ],
)
def test_identifiable_free_text_refuses_the_whole_file(board, tmp_path, header, value, why):
    _, _, source = board
    path = write(tmp_path, row("A1") + ",ok", row("A2") + f",{value}", header=f"{HEADER},{header}")
    run = import_file(path, source, flag=False)
    assert run.status == Status.REFUSED, messages(run)
    assert any(f"|{header}|This column holds {why}" in m for m in messages(run)), messages(run)
    assert not Contact.objects.exists()
    assert value not in str(run.problems)  # the value is never repeated


def test_clinical_words_in_free_text_are_not_names(board, tmp_path):
    _, _, source = board
    path = write(tmp_path, row("A1") + ",Left Shoulder", header=f"{HEADER},notes")
    run = import_file(path, source, flag=False)
    assert run.status == Status.DONE, messages(run)


def test_a_workbook_is_read_like_a_csv(board, tmp_path):
    _, _, source = board
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    values = row("X1").split(",")
    values[1] = dates.today() - datetime.timedelta(days=3)
    values[4] = 25
    sheet.append(values)
    path = tmp_path / "extract.xlsx"
    book.save(path)
    run = import_file(path, source, flag=False)
    assert run.status == Status.DONE, messages(run)
    assert Contact.objects.get(record_id="X1").duration_minutes == 25


def test_a_file_over_the_limits_is_refused(board, tmp_path, settings):
    _, _, source = board
    settings.ACTIVITY_IMPORT_MAX_ROWS = 2
    run = run_of(tmp_path, source, row("A1"), row("A2"), row("A3"))
    assert run.status == Status.FAILED
    assert "the limit is 2" in messages(run)[0]
    settings.ACTIVITY_IMPORT_MAX_BYTES = 100
    run = run_of(tmp_path, source, row("A1"))
    assert "the limit is 0 MB" in messages(run)[0] or "limit" in messages(run)[0]
    assert not Contact.objects.exists()


def test_ragged_rows_and_wrong_types_are_refused(board, tmp_path):
    _, _, source = board
    run = run_of(tmp_path, source, row("A1"), "A2,2026-01-01")
    assert run.status == Status.FAILED
    assert "different number of values" in messages(run)[0]
    path = tmp_path / "extract.pdf"
    path.write_bytes(b"%PDF-1.4")
    run = import_file(path, source, flag=False)
    assert "Unsupported file type '.pdf'" in messages(run)[0]


def test_the_command_prints_counts_and_problems(board, tmp_path):
    _, _, _source = board
    out = io.StringIO()
    call_command("import_activity", str(write(tmp_path, row("A1"))), "--source", "therapy",
                 "--quiet-progress", "--no-flags", stdout=out)  # fmt: skip
    assert "1 added, 0 changed, 0 unchanged" in out.getvalue()
    with pytest.raises(CommandError, match="Nobody has staff number '42'"):
        call_command("import_activity", str(write(tmp_path, row("A9", staff_number="42"))),
                     "--source", "therapy", "--quiet-progress", "--no-flags")  # fmt: skip
    with pytest.raises(CommandError, match="There is no activity source 'nope'"):
        call_command("import_activity", str(write(tmp_path, row("A1"))), "--source", "nope")
