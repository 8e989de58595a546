"""The team skill matrix: what each cell says, how rows and columns are grouped, coverage,
filters, and a page whose query count does not grow with the team."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.activity.flags.practice import rebuild
from fellowships.skillmix.matrix import Filters, Status, team_matrix
from tests.activity.flags_world import TODAY
from tests.skillmix.matrix_world import MatrixBoard

pytestmark = pytest.mark.django_db


def _cells(matrix) -> dict[str, dict[str, Status]]:
    return {
        row.name: {
            col.idnumber: cell.status for col, cell in zip(matrix.columns, row.cells, strict=True)
        }
        for row in matrix.rows
    }


def test_each_cell_says_the_status_level_expiry_and_practice():
    b = MatrixBoard()
    people = b.populate()
    m = team_matrix(b.team.pk, TODAY)
    c1 = _cells(m)
    assert {name: cells["C1"] for name, cells in c1.items()} == {
        "Ffion Parry": Status.CURRENT,
        "Gwen Hughes": Status.BELOW,
        "Huw Jones": Status.EXPIRED,
        "Iwan Morgan": Status.EXPIRING,
        "Jac Evans": Status.NOT_PRACTISED,
        "Kim Lloyd": Status.NOT_HELD,
    }
    # C2 has no demand in the team: held and in date is current, practised or not
    assert c1["Ffion Parry"]["C2"] is Status.CURRENT
    ffion = next(r for r in m.rows if r.staff_id == people["ffion"].pk)
    cell = ffion.cells[[c.idnumber for c in m.columns].index("C1")]
    assert cell.level == "Competent" and cell.expires_on is not None
    assert cell.practised_on is not None
    assert [s.letter for s in Status] == ["C", "P", "E", "X", "L", "-"]


def test_rows_are_grouped_by_band_and_columns_by_framework():
    b = MatrixBoard()
    b.populate()
    m = team_matrix(b.team.pk, TODAY)
    assert [g.label for g in m.bands] == ["Band 5", "Band 6"]
    assert [r.name for r in m.bands[0].rows] == ["Gwen Hughes", "Kim Lloyd"]
    assert [g.name for g in m.frameworks] == [b.framework.title]
    assert [c.idnumber for c in m.frameworks[0].columns] == ["C1", "C2"]


def test_coverage_is_competent_wte_against_demand():
    b = MatrixBoard()
    b.populate()
    m = team_matrix(b.team.pk, TODAY)
    line = next(x for x in m.coverage if x.column.idnumber == "C1")
    # Ffion 0.80 and Iwan 1.00 and Jac 1.00 are competent; Huw expired, Gwen below the level
    assert line.competent_wte == Decimal("2.80")
    # 61 contacts of 30 minutes over 52 weeks, against 37.5 h x 60 x 0.6 a week
    assert line.demand_wte == Decimal(61 * 30) / 52 / Decimal(1350)
    assert line.below is False and line.has_demand


def test_filters_narrow_rows_and_columns():
    b = MatrixBoard()
    b.populate()
    m = team_matrix(b.team.pk, TODAY, Filters(band="5", competency_id=b.c1.pk))
    assert [r.name for r in m.rows] == ["Gwen Hughes", "Kim Lloyd"]
    assert [c.idnumber for c in m.columns] == ["C1"]
    assert [x.column.idnumber for x in m.coverage] == ["C1"]
    none = team_matrix(b.team.pk, TODAY, Filters(framework="No such framework"))
    assert none.columns == [] and none.coverage == []


def test_the_page_shows_letters_words_and_a_labelled_scrollable_region(client):
    b = MatrixBoard()
    b.populate()
    client.force_login(b.lead.user)
    response = client.get(reverse("skillmix:matrix", args=[b.team.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="region" aria-labelledby="matrix-caption"' in html and 'tabindex="0"' in html
    assert "Skill matrix of MSK North: 6 people" in html
    assert 'scope="colgroup"' in html and 'scope="rowgroup"' in html
    for word in ("Current", "Expired", "Expiring soon", "Not practised", "Below the level needed"):
        assert f'<span class="nhsuk-u-visually-hidden">{word}</span>' in html
    assert "Coverage per competency, MSK North" in html
    assert reverse("skillmix:matrix_workbook", args=[b.team.pk]) in html


def test_filtering_the_page_and_a_bad_filter_value(client):
    b = MatrixBoard()
    b.populate()
    client.force_login(b.lead.user)
    url = reverse("skillmix:matrix", args=[b.team.pk])
    narrowed = client.get(url, {"band": "5"}).content.decode()
    assert "Gwen Hughes" in narrowed and "Ffion Parry" not in narrowed
    bad = client.get(url, {"band": "99", "competency": "abc", "framework": "<x>"})
    assert bad.status_code == 200
    assert "Ffion Parry" in bad.content.decode()  # ignored: the whole matrix


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_page_queries_do_not_grow_with_the_team(client):
    b = MatrixBoard()
    for i in range(3):
        s = b.member(f"Small{i}", "Team", team=b.team_b)
        b.sign_off(s)
        b.contacts(s, [-3])
    rebuild()
    b.team_b.lead = b.lead
    b.team_b.save()
    client.force_login(b.lead.user)
    url = reverse("skillmix:matrix", args=[b.team_b.pk])
    client.get(url)  # warm the caches (settings, site)
    small = _count(client, url)
    for i in range(27):
        s = b.member(f"Big{i}", "Team", team=b.team_b, post=b.band5 if i % 2 else b.band6)
        b.sign_off(s, competency=b.c2 if i % 3 else b.c1)
        b.contacts(s, [-4, -2])
    rebuild()
    big = _count(client, url)
    assert "Big26 Team" in client.get(url).content.decode()
    assert big == small
