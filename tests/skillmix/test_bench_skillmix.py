"""The skill-mix benchmark runs end to end when small and prints its comparisons.

Its figures are not asserted (a benchmark, not a timed test); the run must get through the
build, every page (each answering 200), the what-if and the workbook.
"""

import io
import re

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_a_small_run_prints_every_figure_and_the_comparisons():
    out = io.StringIO()
    call_command("bench_skillmix", staff=400, competencies=24, contacts=6000, here=True, stdout=out)
    text = out.getvalue()
    for label in (
        "team skill matrix, team of 10",
        "team skill matrix, team of 200",
        "service view, 50 teams",
        "projection page, team of 200",
        "what-if page, team of 200",
        "service board workbook, 50 teams",
    ):
        assert re.search(rf"{re.escape(label)}\s+\d+ ms\s+\d+ queries", text), label
    assert re.search(r"queries, matrix 10 vs 200 people: (\d+) vs \1 \(same\)", text)
    assert re.search(r"queries, service view 2 vs 50 teams: (\d+) vs \1 \(same\)", text)
    assert "slowest page:" in text.splitlines()[-2]


def test_too_small_a_board_is_refused():
    with pytest.raises(CommandError, match="at least 60"):
        call_command("bench_skillmix", staff=10, here=True, stdout=io.StringIO())
