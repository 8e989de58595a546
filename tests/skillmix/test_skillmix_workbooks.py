"""The skill-mix workbooks read back with openpyxl: the team matrix (letters, conditional
formatting, frozen headers, filters, the coverage chart), the board workbook (summary,
coverage, projection, a sheet a team), formula-like text kept as text, the command, and the
board workbook built in the background with a page of its progress."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from exports.skillmix import matrix_workbook, service_workbook
from fellowships.skillmix.matrix import team_matrix
from ksf.models import Team
from tests.activity.flags_world import TODAY
from tests.factories import staff_with_login
from tests.skillmix.matrix_world import MatrixBoard

pytestmark = pytest.mark.django_db


def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_matrix_workbook_has_letters_formatting_frozen_headers_filters_and_a_chart():
    b = MatrixBoard()
    b.populate()
    book = _book(matrix_workbook(b.team, team_matrix(b.team.pk, TODAY)))
    assert book.sheetnames == ["Skill matrix", "Coverage"]
    sheet = book["Skill matrix"]
    rows = _rows(sheet)
    assert rows[1][4] == b.framework.title  # the framework over its competencies
    assert rows[2][:6] == (
        "Name",
        "Band",
        "Post",
        "WTE",
        "C1 Knee injection",
        "C2 Shoulder injection",
    )
    by_name = {r[0]: r for r in rows[3:9]}
    assert by_name["Ffion Parry"][3] == 0.8
    assert by_name["Ffion Parry"][4].startswith("C Competent, expires ")
    assert by_name["Ffion Parry"][5] == "C Expert"
    assert by_name["Huw Jones"][4].startswith("X Competent, expires ")
    assert by_name["Iwan Morgan"][4].startswith("E ")
    assert by_name["Jac Evans"][4] == "P Competent"
    assert by_name["Gwen Hughes"][4] == "L Novice"
    assert by_name["Kim Lloyd"][4] == "-"
    assert [r[0] for r in rows[3:9]] == [
        "Gwen Hughes",
        "Kim Lloyd",
        "Ffion Parry",
        "Huw Jones",
        "Iwan Morgan",
        "Jac Evans",
    ]  # band 5 first, then band 6
    assert sheet.freeze_panes == "E4"
    assert sheet.auto_filter.ref == "A3:F9"
    rules = [r for cf in sheet.conditional_formatting for r in cf.rules]
    assert {r.text for r in rules} == {"C", "P", "E", "X", "L", "-"}
    coverage = book["Coverage"]
    c1 = next(r for r in _rows(coverage) if r[0] == "C1 Knee injection")
    assert c1[2] == 2.8 and c1[5] == "No"
    assert len(coverage._charts) == 1


def test_formula_like_names_stay_text():
    b = MatrixBoard()
    s = b.member('=HYPERLINK("http://x")', "+SUM(A1)")
    b.sign_off(s)
    book = _book(matrix_workbook(b.team, team_matrix(b.team.pk, TODAY)))
    sheet = book["Skill matrix"]
    names = [row[0].value for row in sheet.iter_rows(min_row=4, max_row=4)]
    assert names == ['=HYPERLINK("http://x") +SUM(A1)']
    assert sheet.cell(row=4, column=1).data_type == "s"


def test_board_workbook_has_summary_coverage_projection_and_a_sheet_a_team():
    b = MatrixBoard()
    b.populate()
    b.fund(b.band6, "5.00")
    teams = list(Team.objects.filter(service=b.service).order_by("name"))
    book = _book(service_workbook(b.service, teams, TODAY))
    assert book.sheetnames[:3] == ["Summary", "Coverage", "Projection"]
    assert "MSK North" in book.sheetnames and "MSK South" in book.sheetnames
    summary = _rows(book["Summary"])
    header, north = summary[0], next(r for r in summary if r[0] == "MSK North")
    assert north[header.index("Headcount")] == 6
    assert north[header.index("Vacancies (WTE)")] == 1.2
    assert north[header.index("WTE Band 6")] == 3.8
    assert summary[-1][0] == "All teams"
    projection = _rows(book["Projection"])
    assert len(projection) == 25  # a header and 24 months
    assert len(book["Projection"]._charts) == 1
    assert projection[1][1] == 2.8  # competent WTE today
    coverage = _rows(book["Coverage"])
    assert coverage[1][:2] == ("MSK North", "C1 Knee injection")


def test_the_command_writes_the_workbook_and_says_what_is_in_it(tmp_path, capsys):
    b = MatrixBoard()
    b.populate()
    out = tmp_path / "matrix.xlsx"
    call_command("export_skill_matrix", b.team.code.lower(), output=out)
    said = capsys.readouterr().out
    assert f"Wrote the skill matrix of MSK North ({b.team.code}) to {out}" in said
    assert "6 people, 2 competencies, 6 sign-offs held" in said
    assert _book(out.read_bytes())["Skill matrix"]["A4"].value == "Gwen Hughes"
    with pytest.raises(CommandError, match="No team has the code 'NOPE'"):
        call_command("export_skill_matrix", "NOPE", output=out)
    with pytest.raises(CommandError, match="is a folder"):
        call_command("export_skill_matrix", b.team.code, output=tmp_path)


def test_the_pages_workbooks_download_and_a_large_one_runs_in_the_background(client, monkeypatch):
    from exports import skillmix_tasks

    b = MatrixBoard()
    b.populate()
    lead = staff_with_login(first_name="Siân", last_name="Service", band="8b")
    b.service.lead = lead
    b.service.save()
    client.force_login(b.lead.user)
    matrix = client.get(reverse("skillmix:matrix_workbook", args=[b.team.pk]), {"band": "5"})
    assert matrix["Content-Disposition"].endswith('.xlsx"')
    assert [r[0] for r in _rows(_book(matrix.content)["Skill matrix"])[3:5]] == [
        "Gwen Hughes",
        "Kim Lloyd",
    ]
    client.force_login(lead.user)
    url = reverse("skillmix:service_workbook", args=[b.service.pk])
    small = client.get(url)
    assert "Summary" in _book(small.content).sheetnames
    monkeypatch.setattr(skillmix_tasks, "AT_ONCE_TEAMS", 1)  # two teams: too many at once
    page = client.get(url)
    assert b"built in the background" in page.content
    started = client.post(url)
    assert started.status_code == 302
    job_page = client.get(started["Location"])
    assert b"The workbook is ready." in job_page.content
    status = client.get(started["Location"], {"format": "json"}).json()
    assert status["ready"] and status["done"] == status["total"] == 4
    download = client.get(started["Location"], {"download": "1"})
    assert "MSK North" in _book(download.content).sheetnames
    # someone else (the team lead) cannot open the service lead's job
    client.force_login(b.lead.user)
    assert client.get(started["Location"]).status_code == 404
