"""The admin's own list exports cannot smuggle formulas or break the file."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ksf.models import StaffMember

HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3"]


@pytest.fixture
def hostile(world):
    StaffMember.objects.filter(pk=world.stranger.pk).update(first_name=HOSTILE[0])
    world.clinician.first_name = HOSTILE[1]
    world.clinician.last_name = "Null\x07Byte"  # PostgreSQL refuses NUL itself
    world.clinician.save()
    world.manager.first_name = HOSTILE[2]
    world.manager.save()
    return world


def test_csv_export_of_staff_neutralises_formula_text(client, hostile):
    client.force_login(hostile.user("administrator"))
    response = client.get(reverse("ksf_staff:index"), {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    for formula in HOSTILE[:3]:
        assert f"'{formula}" in text or f"\"'{formula}" in text.replace('""', '"')
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(("=", "+", "@")), cell
    assert "\x07" not in text


def test_xlsx_export_of_staff_opens_and_holds_text_not_formulas(client, hostile):
    client.force_login(hostile.user("administrator"))
    response = client.get(reverse("ksf_staff:index"), {"export": "xlsx"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == "NullByte" for c in cells)
