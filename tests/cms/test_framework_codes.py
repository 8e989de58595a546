"""Codes are data: the public framework pages work whatever characters a code holds."""

import re

import pytest

from competencies.interchange.tree import (
    CompetencyData,
    FrameworkData,
    ScaleValueData,
    save_framework,
)


@pytest.fixture
def slashed(db):
    data = FrameworkData(
        idnumber="RPS/2021",
        title="Slashed framework",
        scale=[ScaleValueData("No", False, False), ScaleValueData("Yes", True, True)],
        taxonomy=["domain", "competency"],
        competencies=[
            CompetencyData("DOM/1", "Domain one"),
            CompetencyData("DOM/1.1~a", "Assess the person", parent_idnumber="DOM/1"),
        ],
    )
    framework = save_framework(data, filename="test", user=None)
    framework.get_latest_revision().publish(user=None, skip_permission_checks=True)
    return framework


def test_framework_and_competency_pages_open_for_codes_with_slashes(client, slashed):
    index = client.get("/frameworks/")
    assert index.status_code == 200
    assert "/frameworks/RPS_2F2021/" in index.content.decode()
    page = client.get("/frameworks/RPS_2F2021/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Assess the person" in body
    assert "/frameworks/RPS_2F2021/DOM_2F1_2E1_7Ea/" in body
    detail = client.get("/frameworks/RPS_2F2021/DOM_2F1_2E1_7Ea/")
    assert detail.status_code == 200
    assert "Assess the person" in detail.content.decode()


def test_every_code_round_trips_through_its_url():
    from cms.url_converters import decode_code, encode_code

    for code in ["MSK-3", "DOM/1", "1.2.3", "a_b", "_2F", "Gofal ŵyr", "%", "?#&", ""]:
        encoded = encode_code(code)
        assert re.fullmatch(r"[A-Za-z0-9_-]*", encoded)
        assert decode_code(encoded) == code


@pytest.mark.parametrize("query", ["Assess", "DOM/1", "<script>", "\x00", "x" * 5000, "%", "~2F"])
def test_search_never_fails(client, slashed, query):
    response = client.get("/frameworks/", {"q": query})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]
