from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from ksf.models import StaffMember
from tests.conftest import login


def upload(client, content: bytes, name: str = "esr.csv"):
    """Upload and follow to the run's page, where the result is shown (the import runs as a
    background task; the test settings run it at once)."""
    return client.post(
        reverse("ksf_staff_import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "create_logins": "on"},
        follow=True,
    )


def test_admin_upload_imports_and_reports_a_summary(world, client):
    login(client, world.user("administrator"))
    data = (
        "staff_number,first_name,last_name,email,post_title,band,team,wte,line_manager_staff_number,start_date\n"
        f"900,Nia,Newell,nia@example.nhs.uk,Physiotherapist,5,{world.team.code},1,{world.manager.staff_number},2025-01-01\n"
    ).encode()
    response = upload(client, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 people added" in page
    nia = StaffMember.objects.get(staff_number="900")
    assert world.manager.user.has_perm("ksf.view_portfolio_staffmember", nia)
    entry = ModelLogEntry.objects.for_instance(nia).get(action="wagtail.create")
    assert entry.user == world.user("administrator")


def test_admin_upload_lists_every_problem_and_writes_nothing(world, client):
    login(client, world.user("administrator"))
    before = StaffMember.objects.count()
    data = (
        b"staff_number,first_name,last_name,email,post_title,band,team,wte,line_manager_staff_number,start_date\n"
        b"901,A,B,,Physio,5,NOWHERE,1,,2025-01-01\n"
        b"902,C,D,,Physio,5,NOWHERE,2,,2025-13-01\n"
    )
    page = upload(client, data).content.decode()
    assert "4 problems in esr.csv. Nothing was imported." in page
    assert "Unknown team &#x27;NOWHERE&#x27;" in page
    assert StaffMember.objects.count() == before


def test_html_in_a_file_is_shown_as_text(world, client):
    login(client, world.user("administrator"))
    data = (
        b"staff_number,first_name,last_name,email,post_title,band,team,wte,line_manager_staff_number,start_date\n"
        b"903,A,B,,Physio,5,<script>alert(1)</script>,1,,2025-01-01\n"
    )
    page = upload(client, data).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_template_download_has_the_expected_header(world, client):
    login(client, world.user("administrator"))
    response = client.get(reverse("ksf_staff_import_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0].startswith("staff_number,first_name,last_name")


def test_person_changes_in_the_admin_are_audited_with_the_difference(world, client):
    login(client, world.user("administrator"))
    person = world.clinician
    response = client.post(
        reverse("ksf_staff:edit", args=[person.pk]),
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "staff_number": person.staff_number,
            "email": person.email,
            "profession": person.profession,
            "band": "6",
            "hcpc_number": "PH123456",
            "hcpc_renewal_date": "2027-01-31",
            "user": person.user_id,
        },
    )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.for_instance(person).get(action="ksf.change")
    assert entry.data["changes"]["pay band"] == ["Band 5", "Band 6"]
    assert entry.user == world.user("administrator")
    history = client.get(reverse("ksf_staff:history", args=[person.pk])).content.decode()
    assert "pay band: Band 5 → Band 6" in history


def test_deleting_an_assignment_is_logged_and_revokes_access(world, client):
    login(client, world.user("administrator"))
    assignment = world.clinician.assignments.get()
    response = client.post(reverse("ksf_assignment:delete", args=[assignment.pk]))
    assert response.status_code == 302
    assert ModelLogEntry.objects.filter(
        action="wagtail.delete", object_id=str(assignment.pk)
    ).exists()
    assert not world.manager.user.has_perm("ksf.view_portfolio_staffmember", world.clinician)
