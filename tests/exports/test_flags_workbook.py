"""The flags workbook: what a team lead or service lead downloads from the flag pages."""

import datetime
import io

import openpyxl
from django.urls import reverse

from competencies.models import Flag
from tests.activity import flag_samples as s
from tests.conftest import login
from tests.exports.factories import FORMULA_LIKE
from tests.factories import TeamFactory


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def book(client, url, **params) -> openpyxl.Workbook:
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment;" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_team_workbook_lists_the_flags_with_reasons_figures_and_counts(client, world):
    sample = s.sample(world)
    login(client, world.manager.user)
    wb = book(client, reverse("flags:team_workbook", args=[world.team.pk]))
    assert wb.sheetnames == ["Flags", "Counts by team"]
    flags = rows(wb["Flags"])
    assert len(flags) == 2
    cara = next(r for r in flags if r["Person"] == "Cara Clinician")
    assert cara["Kind"] == "Practice without a valid sign-off"
    assert cara["Team"] == "MSK North"
    assert cara["Service"] == "MSK physiotherapy"
    assert cara["Staff number"] == world.clinician.staff_number
    assert cara["Competency"] == str(sample.competency)
    assert cara["Reason"].startswith("Cara Clinician did 3 contacts of ultrasound-guided")
    assert "minutes: 90" in cara["Figures"]
    assert cara["Contacts"] == 3
    assert isinstance(cara["First seen"], datetime.datetime)  # a real date
    assert cara["First seen"].date() == sample.cara_flag.first_seen
    assert cara["Status"] == "Open"
    team_row = next(r for r in flags if r["Kind"] == "Capacity gap")
    assert team_row["Person"] is None  # a team flag names nobody
    (counts,) = rows(wb["Counts by team"])
    assert counts["Team"] == "MSK North"
    assert counts["Practice without a valid sign-off"] == 1
    assert counts["Capacity gap"] == 1
    assert counts["Outcome outlier"] == 0
    assert counts["All flags"] == 2 and counts["Open"] == 2


def test_service_workbook_counts_by_team_and_keeps_formula_like_text_as_text(client, world):
    sample = s.sample(world)
    for i, text in enumerate(FORMULA_LIKE):
        team = TeamFactory(service=world.team.service, name=text)
        s.flag(
            team=team,
            competency=sample.competency,
            kind=Flag.Kind.SINGLE_POINT,
            status=Flag.Status.RESOLVED if i % 2 else Flag.Status.OPEN,
        )
    login(client, world.users["service_lead"])
    wb = book(client, reverse("flags:workbook"))
    names = [r["Team"] for r in rows(wb["Flags"])]
    for text in FORMULA_LIKE:
        assert text in names
    for cells in wb["Flags"].iter_rows(min_row=2):
        for cell in cells:
            assert cell.data_type != "f"
    counts = {r["Team"]: r for r in rows(wb["Counts by team"])}
    assert "Acute OT" not in counts  # another service's team
    assert counts["MSK North"]["All flags"] == 2
    assert counts[FORMULA_LIKE[1]]["Single point of failure"] == 1
    assert counts[FORMULA_LIKE[1]]["Open"] == 0
    # Filters on the page apply to the download too.
    wb = book(client, reverse("flags:workbook"), kind="unverified")
    assert [r["Person"] for r in rows(wb["Flags"])] == ["Cara Clinician"]
