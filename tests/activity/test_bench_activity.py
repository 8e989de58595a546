"""The activity benchmark runs end to end when small, and ends with its three figures.

The figures themselves are not asserted (a benchmark, not a timed test): the run must get
through the build, the import against a plain COPY, the recompute against pandas and one more
day's import, on the test database's own engine.
"""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from competencies.models import ActivityImportRun, Contact, Flag

pytestmark = pytest.mark.django_db


def test_a_small_run_ends_with_the_three_figures():
    out = io.StringIO()
    call_command(
        "bench_activity",
        contacts=4000,
        staff=90,
        competencies=40,
        extract=1500,
        day=150,
        here=True,
        stdout=out,
    )
    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(
        r"import vs copy: \d+\.\d\dx   \(import of a 1,000,000-row file, validated and upserted, "
        r"against a plain COPY of the same file into a keyed table, same run\)",
        lines[-3],
    ), lines[-3]
    assert re.fullmatch(
        r"flags vs pandas: \d+\.\d\dx  \(full recompute of flags 1 and 2 at scale M, persisted, "
        r"against a plain pandas script computing the same two flags from the same extract, "
        r"same run\)",
        lines[-2],
    ), lines[-2]
    assert re.fullmatch(
        r"one more day: \d+\.\d\d s  \(importing one more day of contacts and re-flagging\)",
        lines[-1],
    ), lines[-1]
    # The importer really imported both files, and the recompute persisted flags.
    runs = ActivityImportRun.objects.order_by("pk")
    assert [r.status for r in runs] == ["done", "done"]
    assert [r.added for r in runs] == [1500, 150]
    assert Contact.objects.count() == 4000 + 150
    assert Flag.objects.filter(kind=Flag.Kind.UNVERIFIED_PRACTICE).exists()


def test_history_only_measures_one_more_day():
    out = io.StringIO()
    call_command(
        "bench_activity", history=2000, staff=45, competencies=20, day=100, here=True, stdout=out
    )
    lines = out.getvalue().strip().splitlines()
    assert lines[-3].startswith("import vs copy: n/ax")
    assert lines[-2].startswith("flags vs pandas: n/ax")
    assert re.match(r"one more day: \d+\.\d\d s", lines[-1])
    assert Contact.objects.count() == 2100


def test_a_scale_below_one_is_refused():
    with pytest.raises(CommandError, match="--staff must be at least 1"):
        call_command("bench_activity", staff=0, here=True, stdout=io.StringIO())
    assert not Contact.objects.exists()
