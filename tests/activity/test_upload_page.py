"""The activity upload pages: choose, preview, confirm, follow the run; and who may."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies.activity.services import upload_dir
from competencies.models import (
    ActivityImportRun,
    ActivityRequirement,
    ActivitySource,
    Competency,
    Contact,
)
from ksf import dates
from ksf.roles import Role, roles_for
from tests.factories import StaffMemberFactory, TeamFactory, UserFactory

HEADER = "Activity Ref,Seen On,Clinician,Team,Mins,Outcome,procedure_code,patient_key,Notes"


def day(offset: int = 10) -> str:
    return (dates.today() - datetime.timedelta(days=offset)).isoformat()


@pytest.fixture
def board(world):
    """The world's board, a source with its own headings, and the analyst."""
    TeamFactory(code="MSKN")
    StaffMemberFactory(staff_number="1001")
    competency = Competency.objects.get(framework=world.framework, idnumber="C1")
    ActivityRequirement.objects.create(
        procedure_code="241497006",
        label="Ultrasound scan of shoulder",
        competency=competency,
        valid_from=datetime.date(2020, 1, 1),
    )
    source = ActivitySource.objects.create(
        name="Therapy Manager",
        code="tm",
        column_mapping={
            "source_id": "Activity Ref",
            "contact_date": "Seen On",
            "staff_number": "Clinician",
            "team_code": "Team",
            "duration_minutes": "Mins",
            "attendance": "Outcome",
        },
        attendance_values={"ATT": "attended"},
    )
    analyst = UserFactory(username="analyst", roles=[Role.ANALYST])
    return world, source, analyst


def extract(rows: int = 12, **overrides: str) -> bytes:
    lines = [HEADER]
    for n in range(1, rows + 1):
        values = [f"R{n}", day(), "1001", "MSKN", "30", "ATT", "241497006", f"P{n}", "ok"]
        lines.append(",".join(values))
    return ("\n".join(lines) + "\n").encode()


def upload(client, source, data: bytes, name: str = "activity.csv"):
    return client.post(
        reverse("activity:upload"),
        {"source": source.pk, "file": SimpleUploadedFile(name, data, "text/csv")},
    )


def test_the_analyst_role_has_its_group_and_label(board):
    _, _, analyst = board
    assert roles_for(analyst) == [Role.ANALYST]
    assert Role.ANALYST.label == "Workforce analyst"


def test_preview_shows_the_first_ten_rows_as_the_platform_reads_them(client, board):
    _world, source, analyst = board
    client.force_login(analyst)
    response = upload(client, source, extract(12))
    assert response.status_code == 302 and response["Location"] == reverse("activity:preview")
    page = client.get(reverse("activity:preview"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Check activity.csv before importing" in text
    assert "From Therapy Manager" in text
    for shown in ("source_id", "contact_date", "staff_number", "from “Activity Ref”"):
        assert shown in text
    assert "R10" in text and "R11" not in text  # the first ten rows only
    assert "P1<" not in text  # patient keys are not shown back
    assert "Notes" in text  # a heading the platform does not read
    assert "Import this file" in text
    assert not ActivityImportRun.objects.exists()  # nothing imported before confirming


def test_a_missing_required_column_is_shown_and_cannot_be_confirmed(client, board):
    _world, source, analyst = board
    client.force_login(analyst)
    data = extract(2).replace(b",Mins,", b",Minutes spent,")
    upload(client, source, data)
    text = client.get(reverse("activity:preview")).content.decode()
    assert "A required column is missing" in text and "duration_minutes" in text
    assert "Import this file" not in text


def test_confirming_imports_and_the_run_page_and_its_status_show_the_result(client, board):
    _world, source, analyst = board
    client.force_login(analyst)
    upload(client, source, extract(3))
    response = client.post(reverse("activity:preview"), {"confirm": "1"})
    run = ActivityImportRun.objects.get()
    assert response["Location"] == reverse("activity:run", args=[run.pk])
    assert run.started_by == analyst and run.status == ActivityImportRun.Status.DONE
    assert Contact.objects.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "Import complete" in page
    assert "<strong>3</strong> added" in page
    status = client.get(reverse("activity:run_status", args=[run.pk])).json()
    assert status["finished"] is True and status["status"] == "done"
    assert (status["added"], status["changed"], status["unchanged"]) == (3, 0, 0)
    assert status["percent"] == 100
    assert status["texts"]["percent"] == "100% done"
    listing = client.get(reverse("activity:upload")).content.decode()
    assert "activity.csv" in listing and "3 added, 0 changed, 0 unchanged" in listing


def test_a_run_in_progress_reports_its_progress_as_json(client, board):
    _world, source, analyst = board
    run = ActivityImportRun.objects.create(
        source=source,
        filename="big.csv",
        started_by=analyst,
        status=ActivityImportRun.Status.RUNNING,
        phase=ActivityImportRun.Phase.CHECKING,
        rows_read=50_000,
        rows_valid=49_990,
        percent=40,
        seconds_left=125,
    )
    client.force_login(analyst)
    status = client.get(reverse("activity:run_status", args=[run.pk])).json()
    assert status["finished"] is False and status["percent"] == 40
    assert status["rows_read"] == 50_000 and status["rows_valid"] == 49_990
    assert status["texts"]["rows"] == "50,000 rows read, 49,990 valid"
    assert status["texts"]["left"] == "About 2 minutes left."
    assert status["texts"]["phase"] == "Checking the rows"
    page = client.get(reverse("activity:run", args=[run.pk])).content.decode()
    assert 'data-import-status-url="' in page and "40% done" in page  # survives a reload


def test_a_failed_run_lists_problems_by_row_and_column_and_counts_the_rest(client, board):
    _world, source, analyst = board
    run = ActivityImportRun.objects.create(
        source=source,
        filename="bad.csv",
        started_by=analyst,
        status=ActivityImportRun.Status.FAILED,
        problems=[
            {"row": n, "column": "Clinician", "message": f"Unknown staff number {n}."}
            for n in range(2, 202)
        ],
        problem_count=250,
    )
    client.force_login(analyst)
    page = client.get(reverse("activity:run", args=[run.pk])).content.decode()
    assert "Not imported: problems in the file" in page
    assert "Unknown staff number 201." in page
    assert "… and 50 more problems, not listed." in page


def test_a_refused_run_says_why(client, board):
    _world, source, analyst = board
    run = ActivityImportRun.objects.create(
        source=source,
        filename="nhs.csv",
        started_by=analyst,
        status=ActivityImportRun.Status.REFUSED,
        problems=[{"row": None, "column": "Notes", "message": "holds NHS numbers."}],
        problem_count=1,
    )
    client.force_login(analyst)
    page = client.get(reverse("activity:run", args=[run.pk])).content.decode()
    assert "Refused: the file identifies patients" in page
    assert "was refused because it identifies patients" in page
    assert "Column “Notes”: holds NHS numbers." in page


def test_a_file_of_the_wrong_type_is_refused_on_the_form_and_not_kept(client, board):
    _world, source, analyst = board
    client.force_login(analyst)
    before = set(upload_dir().iterdir())
    response = upload(client, source, b"%PDF-1.4", name="activity.pdf")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unsupported file type" in page
    assert "Your file activity.pdf was not kept: choose a different file." in page
    assert set(upload_dir().iterdir()) == before


def test_starting_again_discards_the_stored_file(client, board):
    _world, source, analyst = board
    client.force_login(analyst)
    before = set(upload_dir().iterdir())
    upload(client, source, extract(2))
    assert len(set(upload_dir().iterdir()) - before) == 1
    response = client.post(reverse("activity:preview"), {"cancel": "1"})
    assert response["Location"] == reverse("activity:upload")
    assert set(upload_dir().iterdir()) == before
    assert not ActivityImportRun.objects.exists()


def test_clinicians_are_refused_and_runs_are_private_to_their_starter(client, board):
    world, source, analyst = board
    client.force_login(world.clinician.user)
    assert client.get(reverse("activity:upload")).status_code == 403
    assert upload(client, source, extract(2)).status_code == 403
    run = ActivityImportRun.objects.create(
        source=source, filename="a.csv", started_by=analyst, status="done"
    )
    assert client.get(reverse("activity:run", args=[run.pk])).status_code == 403
    client.force_login(world.user("service_lead"))  # may upload, but did not start this one
    assert client.get(reverse("activity:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("activity:run_status", args=[run.pk])).status_code == 404
    client.force_login(world.user("administrator"))
    assert client.get(reverse("activity:run", args=[run.pk])).status_code == 200


def test_the_analyst_reaches_the_sources_and_reads_the_map_in_the_admin(client, board):
    _world, _source, analyst = board
    client.force_login(analyst)
    assert client.get(reverse("competencies_activity_source:index")).status_code == 200
    assert client.get(reverse("competencies_activity_source:add")).status_code == 200
    assert client.get(reverse("competencies_activity_map:index")).status_code == 200
    assert (
        client.get(reverse("competencies_activity_map:download", args=["csv"])).status_code == 200
    )
    # Reading the map is not keeping it: adding or uploading lines is for educators and leads.
    for name in ("add", "upload"):  # the admin sends them back to its home page
        response = client.get(reverse(f"competencies_activity_map:{name}"))
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_the_dashboard_links_to_the_upload_for_those_who_may(client, board):
    world, _source, analyst = board
    for user in (analyst, world.user("service_lead"), world.user("administrator")):
        client.force_login(user)
        assert reverse("activity:upload") in client.get("/").content.decode()
    client.force_login(world.clinician.user)
    assert reverse("activity:upload") not in client.get("/").content.decode()


def test_the_run_pages_take_a_fixed_number_of_queries(client, board, django_assert_max_num_queries):
    _world, source, analyst = board
    for n in range(30):
        ActivityImportRun.objects.create(
            source=source, filename=f"f{n}.csv", started_by=analyst, status="done"
        )
    client.force_login(analyst)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("activity:upload")).status_code == 200


def test_uploads_never_confirmed_are_removed_a_day_later(client, board):
    import os
    import time

    _world, source, analyst = board
    stale = upload_dir() / ("ab" * 16 + ".csv")
    stale.write_bytes(b"old")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (day_ago, day_ago))
    client.force_login(analyst)
    upload(client, source, extract(2))
    assert not stale.exists()
