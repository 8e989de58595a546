"""A map line with no competency: everyday work whose code is known but needs no competency."""

import datetime

import pytest

from competencies.activity.flags import practice
from competencies.activity.flags.recompute import recompute_all
from competencies.activity.importer import import_file
from competencies.models import ActivityRequirement, Contact, Flag, PracticeDay
from tests.activity.test_import import board, row, write  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyday(board):  # noqa: F811 - the fixture from test_import
    ActivityRequirement.objects.create(
        procedure_scheme="local",
        procedure_code="ROUTINE-REVIEW",
        label="Routine review",
        competency=None,
        valid_from=datetime.date(2020, 1, 1),
    )
    return board


def test_an_extract_with_an_everyday_code_imports_and_raises_no_flag(everyday, tmp_path):
    _team, person, source = everyday
    path = write(
        tmp_path,
        row("E1", procedure_code="ROUTINE-REVIEW", procedure_scheme="local"),
        row("E2", procedure_code="ROUTINE-REVIEW", procedure_scheme="local", contact_date=""),
    )
    run = import_file(path, source, flag=False)
    # the only problem is the missing date: the code itself is known
    assert run.status == "failed"
    assert all("map" not in p["message"] for p in run.problems if p.get("message"))

    path = write(
        tmp_path,
        row("E1", procedure_code="ROUTINE-REVIEW", procedure_scheme="local"),
        row("E2", procedure_code="ROUTINE-REVIEW", procedure_scheme="local"),
        name="good.csv",
    )
    run = import_file(path, source, flag=True)  # the import's own re-flag runs too
    assert run.status == "done", run.problems
    assert run.added == 2
    assert Contact.objects.filter(procedure_code="ROUTINE-REVIEW").count() == 2
    # nobody holds anything, yet the everyday work needs nothing: no practice, no flag
    assert not PracticeDay.objects.exists()
    recompute_all()
    assert not Flag.objects.filter(staff=person).exists()
    assert not Flag.objects.filter(competency__isnull=True, kind="unverified").exists()
    practice.rebuild()
    assert not PracticeDay.objects.exists()


def test_the_same_person_is_flagged_for_mapped_work_but_not_for_everyday_work(everyday, tmp_path):
    _team, person, source = everyday
    path = write(
        tmp_path,
        row("E1", procedure_code="ROUTINE-REVIEW", procedure_scheme="local"),
        row("M1"),  # the shoulder scan needs C1, which nobody holds
    )
    run = import_file(path, source, flag=True)
    assert run.status == "done", run.problems
    (flag,) = Flag.objects.filter(kind=Flag.Kind.UNVERIFIED_PRACTICE)
    assert flag.staff == person and flag.contact_count == 1
    assert recompute_all()[Flag.Kind.UNVERIFIED_PRACTICE] == 1
