"""The staff import as an administrator meets it: upload, the run's page, the template, the
command line. The test settings run background tasks at once (ImmediateBackend); one test uses
the database task backend to see a run wait for its worker."""

import csv as csv_module
import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from ksf.imports.services import execute_staff_import, start_staff_import
from ksf.imports.staff import import_staff
from ksf.models import PostAssignment, StaffImportRun, StaffMember
from tests.factories import UserFactory

HEADER = (
    "staff_number,first_name,last_name,email,post_title,band,team,wte,"
    "line_manager_staff_number,start_date\n"
)


def good_file(world) -> bytes:
    return (
        HEADER + f"900,Nia,Newell,nia@example.nhs.uk,Physiotherapist,5,{world.team.code},1,"
        f"{world.manager.staff_number},2025-01-01\n"
        f"901,Owain,Owen,owain@example.nhs.uk,Physiotherapist,5,{world.team.code},0.8,900,"
        "2025-02-01\n"
    ).encode()


def upload(client, content: bytes, *, logins: bool = False, name: str = "esr.csv"):
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    if logins:
        data["create_logins"] = "on"
    return client.post(reverse("ksf_staff_import"), data)


def test_create_logins_is_not_ticked_until_chosen(world, client):
    client.force_login(world.user("administrator"))
    page = client.get(reverse("ksf_staff_import")).content.decode()
    assert 'name="create_logins"' in page
    checkbox = page[page.index('name="create_logins"') - 200 : page.index('name="create_logins"')]
    assert "checked" not in checkbox
    # Left unticked, the people are imported without logins.
    response = upload(client, good_file(world))
    run = StaffImportRun.objects.get()
    assert response["Location"] == reverse("ksf_staff_import_run", args=[run.pk])
    assert run.create_logins is False
    assert not StaffMember.objects.filter(staff_number__in=["900", "901"], user__isnull=False)


def test_an_upload_becomes_a_run_whose_page_shows_the_result(world, client):
    admin = world.user("administrator")
    client.force_login(admin)
    response = upload(client, good_file(world), logins=True)
    run = StaffImportRun.objects.get()
    assert (run.status, run.started_by, run.filename) == ("done", admin, "esr.csv")
    assert (run.rows_total, run.rows_checked, run.rows_to_write, run.rows_written) == (2, 2, 2, 2)
    assert bytes(run.upload) == b""  # the file is not kept once read
    page = client.get(response["Location"]).content.decode()
    assert "Import complete" in page
    assert "2 rows: 2 people added, 0 updated, 0 unchanged; 0 new posts; 2 new logins." in page
    assert 'type="file"' in page  # the next file can be uploaded from here
    assert "staff-import-progress.js" not in page  # finished: nothing to follow
    # The people, their line management and the audit trail are there.
    owain = StaffMember.objects.get(staff_number="901")
    assert owain.assignments.get().line_manager.staff_number == "900"
    assert ModelLogEntry.objects.for_instance(owain).get().user == admin
    assert ModelLogEntry.objects.for_instance(run).get().action == "ksf.staff_import"
    # Reloading shows the same; the import page lists the run.
    assert "Import complete" in client.get(response["Location"]).content.decode()
    listing = client.get(reverse("ksf_staff_import")).content.decode()
    assert "Recent imports" in listing and response["Location"] in listing
    status = client.get(reverse("ksf_staff_import_run_status", args=[run.pk])).json()
    assert status["finished"] is True and status["percent"] == 100
    history = client.get("/admin/reports/site-history/").content.decode()
    assert "Imported esr.csv: 2 people added, 0 updated, 0 unchanged" in history


def test_a_file_with_problems_shows_every_problem_and_writes_nothing(world, client):
    client.force_login(world.user("administrator"))
    before = (StaffMember.objects.count(), PostAssignment.objects.count())
    logs = ModelLogEntry.objects.count()
    bad = (
        HEADER + "902,A,B,,Physiotherapist,5,NOWHERE,1.5,55555,2025-01-01\n"
        f"903,C,D,,Physiotherapist,5,{world.team.code},1,,2025-13-01\n"
    ).encode()
    response = upload(client, bad, name="esr-bad.csv")
    run = StaffImportRun.objects.get()
    assert run.status == "failed" and run.problem_count == 4
    page = client.get(response["Location"]).content.decode()
    assert "4 problems in esr-bad.csv. Nothing was imported." in page
    assert "Unknown team &#x27;NOWHERE&#x27;" in page
    assert "Line manager 55555 was not found" in page
    assert "out of range" in page
    assert (StaffMember.objects.count(), PostAssignment.objects.count()) == before
    assert ModelLogEntry.objects.count() == logs
    assert 'type="file"' in page


def test_a_file_too_large_is_refused_before_it_is_stored(world, client, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(world.user("administrator"))
    response = upload(client, good_file(world))
    assert response.status_code == 200
    assert "the limit is 0 KB" in response.content.decode()
    assert not StaffImportRun.objects.exists()


def test_a_queued_run_waits_for_the_worker_and_its_page_follows_it(world, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(world.user("administrator"))
    response = upload(client, good_file(world))
    run = StaffImportRun.objects.get()
    assert run.status == "queued" and run.task_id
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the background worker to start the import." in page
    assert "staff-import-progress.js" in page  # the page follows the run
    assert 'type="file"' not in page
    status = client.get(reverse("ksf_staff_import_run_status", args=[run.pk])).json()
    assert (status["status"], status["finished"], status["percent"]) == ("queued", False, 0)
    assert not StaffMember.objects.filter(staff_number="900").exists()

    # The worker runs the task; a page reload then shows the result.
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.task_path == "ksf.tasks.run_staff_import"
    task.task.call(*task.task_result.args, **task.task_result.kwargs)
    assert "2 people added" in client.get(response["Location"]).content.decode()
    # Running the same task again (a retry) changes nothing.
    assert execute_staff_import(run.pk).run.status == "done"
    assert StaffMember.objects.filter(staff_number__in=["900", "901"]).count() == 2


def importer(username: str) -> User:
    """Someone who may add staff (and so import) without being an administrator."""
    user = UserFactory(username=username)
    user.user_permissions.add(
        Permission.objects.get(codename="add_staffmember"),
        Permission.objects.get(codename="access_admin"),
    )
    return user


def test_a_run_is_for_its_starter_and_administrators(world, client):
    starter, other = importer("importer"), importer("other-importer")
    run = start_staff_import(good_file(world), "esr.csv", user=starter, create_logins=False)
    url = reverse("ksf_staff_import_run", args=[run.pk])
    client.force_login(starter)
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("ksf_staff_import")).content.decode()
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.get(reverse("ksf_staff_import_run_status", args=[run.pk])).status_code == 404
    assert url not in client.get(reverse("ksf_staff_import")).content.decode()
    client.force_login(world.user("administrator"))
    assert client.get(url).status_code == 200
    # Someone who may no longer import does not see even their own run.
    starter.user_permissions.clear()
    client.force_login(starter)
    assert client.get(url).status_code != 200


def test_the_template_imports_as_it_is_into_the_demo_board(db, client):
    call_command("seed_demo")
    client.force_login(User.objects.get(username="admin"))
    response = client.get(reverse("ksf_staff_import_template"))
    assert response["Content-Type"].startswith("text/csv")
    content = response.content
    rows = list(csv_module.DictReader(io.StringIO(content.decode())))
    assert len(rows) == 2
    assert not StaffMember.objects.filter(staff_number__in=[r["staff_number"] for r in rows])
    result = import_staff(content, "staff-import-template.csv", create_logins=False)
    assert (result.created, result.updated, result.posts_created) == (2, 0, 0)
    first, second = (StaffMember.objects.get(staff_number=r["staff_number"]) for r in rows)
    assert first.assignments.get().line_manager == first.assignments.get().team.lead
    assert second.assignments.get().line_manager == first
    # Downloaded again, it still imports as it is (its staff numbers are still free).
    again = client.get(reverse("ksf_staff_import_template")).content
    assert import_staff(again, "again.csv", create_logins=False).created == 2


def test_the_template_without_any_teams_is_still_a_template(world, client):
    from ksf.models import Team

    Team.objects.update(lead=None)
    client.force_login(world.user("administrator"))
    lines = client.get(reverse("ksf_staff_import_template")).content.decode().splitlines()
    assert lines[0].startswith("staff_number,first_name,last_name")
    assert len(lines) == 3 and world.team.code in lines[1]


def test_the_command_shows_progress_on_stderr_and_records_the_run(world, tmp_path, capsys):
    path = tmp_path / "esr.csv"
    path.write_bytes(good_file(world))
    call_command("import_staff", str(path))
    out, err = capsys.readouterr()
    assert "2 rows: 2 people added" in out
    assert "2/2 rows checked" in err and "100%" in err
    assert "2/2 changed rows written" in err
    run = StaffImportRun.objects.get()
    assert (run.source, run.status, run.started_by) == ("command", "done", None)


@pytest.mark.django_db(transaction=True)
def test_progress_is_saved_on_the_run_while_it_runs(client):
    """Outside any transaction (as on the worker) the rows checked are saved before the
    import's own transaction starts, so the run's page can show them."""
    from tests.factories import ServiceFactory, TeamFactory

    team = TeamFactory(service=ServiceFactory(), code="MSK-N")
    rows = "".join(
        f"{n},A{n},B{n},,Physiotherapist,5,{team.code},1,,2024-01-01\n" for n in range(500, 900)
    )
    run = start_staff_import(
        (HEADER + rows).encode(), "esr.csv", user=None, create_logins=False, enqueue=False
    )
    seen = []

    def watch(progress):
        saved = StaffImportRun.objects.get(pk=run.pk)
        seen.append((progress.phase, saved.status, saved.rows_checked, saved.rows_total))

    outcome = execute_staff_import(run.pk, watchers=[watch])
    assert outcome.result.created == 400
    assert ("writing", "running", 400, 400) in seen
    run.refresh_from_db()
    assert (run.status, run.rows_written, run.rows_to_write) == ("done", 400, 400)
