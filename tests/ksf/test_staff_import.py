import io

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from ksf.imports.staff import import_staff
from ksf.imports.tabular import ImportFailed
from ksf.models import Post, PostAssignment, StaffMember
from tests.factories import ServiceFactory, StaffMemberFactory, TeamFactory

HEADER = (
    "staff_number,first_name,last_name,email,post_title,band,team,wte,"
    "line_manager_staff_number,start_date\n"
)


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode("utf-8")


@pytest.fixture
def teams(db):
    service = ServiceFactory(name="MSK physiotherapy")
    return {
        "north": TeamFactory(service=service, code="MSK-N", name="MSK North"),
        "south": TeamFactory(service=service, code="MSK-S", name="MSK South"),
    }


GOOD = csv(
    "100,Mona,Manager,mona@example.nhs.uk,Clinical lead physiotherapist,7,MSK-N,1.0,,2020-01-06",
    "101,Cara,Clinician,cara@example.nhs.uk,Physiotherapist,5,MSK-N,0.8,100,01/09/2024",
    "102,Dev,Davies,,Physiotherapist,Band 5,msk north,1,100,2023-03-01",
)


def test_import_creates_people_posts_assignments_and_logins(teams):
    result = import_staff(GOOD, "esr.csv")
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert result.posts_created == 2
    assert result.logins_created == 2  # Dev has no email
    cara = StaffMember.objects.get(staff_number="101")
    assignment = cara.assignments.get()
    assert str(assignment.wte) == "0.80"
    assert assignment.line_manager.staff_number == "100"
    assert assignment.team == teams["north"]
    assert cara.user.username == "cara@example.nhs.uk"
    assert not cara.user.has_usable_password()
    # Her manager can now see her record through the object permission.
    assert StaffMember.objects.get(staff_number="100").user.has_perm(
        "ksf.view_portfolio_staffmember", cara
    )


def test_reimporting_the_same_file_changes_nothing(teams):
    import_staff(GOOD, "esr.csv")
    logs = ModelLogEntry.objects.count()
    result = import_staff(GOOD, "esr.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert ModelLogEntry.objects.count() == logs
    assert PostAssignment.objects.count() == 3


def test_changed_row_updates_person_and_moves_team(teams):
    import_staff(GOOD, "esr.csv")
    changed = csv(
        "100,Mona,Manager,mona@example.nhs.uk,Clinical lead physiotherapist,7,MSK-N,1.0,,2020-01-06",
        "101,Cara,Clinician-Jones,cara@example.nhs.uk,Physiotherapist,5,MSK-S,0.8,100,2025-06-01",
        "102,Dev,Davies,,Physiotherapist,5,MSK-N,1,100,2023-03-01",
    )
    result = import_staff(changed, "esr-june.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    cara = StaffMember.objects.get(staff_number="101")
    assert cara.last_name == "Clinician-Jones"
    old, new = cara.assignments.order_by("start_date")
    assert str(old.end_date) == "2025-05-31"
    assert new.team.code == "MSK-S"
    change = ModelLogEntry.objects.for_instance(cara).get(action="ksf.change")
    assert change.data["changes"]["last name"] == ["Clinician", "Clinician-Jones"]


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("200,A,B,a@x.nhs.uk,Physio,5,NOPE,1,,2024-01-01", "team", "Unknown team 'NOPE'"),
        ("200,A,B,a@x.nhs.uk,Physio,5,MSK-N,1.5,,2024-01-01", "wte", "out of range"),
        ("200,A,B,a@x.nhs.uk,Physio,5,MSK-N,0,,2024-01-01", "wte", "out of range"),
        ("200,A,B,a@x.nhs.uk,Physio,5,MSK-N,abc,,2024-01-01", "wte", "not a number"),
        ("200,A,B,a@x.nhs.uk,Physio,5,MSK-N,1,,31/02/2024", "start_date", "not a date"),
        (
            "200,A,B,a@x.nhs.uk,Physio,12,MSK-N,1,,2024-01-01",
            "band",
            "not an Agenda for Change band",
        ),
        (
            "200,A,B,a@x.nhs.uk,Physio,5,MSK-N,1,999,2024-01-01",
            "line_manager_staff_number",
            "not found",
        ),
        ("200,A,B,not-an-email,Physio,5,MSK-N,1,,2024-01-01", "email", "not an email address"),
        (
            "200,A,B,a@x.nhs.uk,Physio,5,MSK-N,1,200,2024-01-01",
            "line_manager_staff_number",
            "own line manager",
        ),
    ],
)
def test_bad_rows_are_reported_with_row_and_column_and_nothing_is_written(
    teams, row, column, fragment
):
    data = csv("100,Mona,Manager,mona@example.nhs.uk,Lead,7,MSK-N,1.0,,2020-01-06", row)
    with pytest.raises(ImportFailed) as caught:
        import_staff(data, "bad.csv")
    errors = caught.value.errors
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert fragment in errors[0].message
    assert StaffMember.objects.count() == 0
    assert Post.objects.count() == 0


def test_duplicate_staff_number_names_both_rows(teams):
    data = csv(
        "100,Mona,Manager,,Lead,7,MSK-N,1.0,,2020-01-06",
        "100,Mo,Manager,,Lead,7,MSK-N,1.0,,2020-01-06",
    )
    with pytest.raises(ImportFailed) as caught:
        import_staff(data, "dup.csv")
    (error,) = caught.value.errors
    assert (error.row, error.column) == (3, "staff_number")
    assert "first on row 2" in error.message


def test_circular_line_management_is_refused(teams):
    data = csv(
        "100,A,One,,Lead,7,MSK-N,1,102,2020-01-06",
        "101,B,Two,,Lead,7,MSK-N,1,100,2020-01-06",
        "102,C,Three,,Lead,7,MSK-N,1,101,2020-01-06",
    )
    with pytest.raises(ImportFailed) as caught:
        import_staff(data, "loop.csv")
    assert sorted(e.row for e in caught.value.errors) == [2, 3, 4]
    assert all("Circular line management" in e.message for e in caught.value.errors)
    assert StaffMember.objects.count() == 0


def test_cycle_through_people_already_in_the_system_is_refused(teams):
    import_staff(GOOD, "esr.csv")
    # Mona (100) would now report to Cara (101), who reports to Mona.
    data = csv("100,Mona,Manager,,Clinical lead physiotherapist,7,MSK-N,1,101,2020-01-06")
    with pytest.raises(ImportFailed) as caught:
        import_staff(data, "loop.csv")
    assert "Circular" in caught.value.errors[0].message


def test_every_problem_is_reported_at_once(teams):
    data = csv(
        "300,A,B,,Physio,5,NOPE,1,,2024-01-01",
        "301,C,D,,Physio,5,MSK-N,7,,yesterday",
    )
    with pytest.raises(ImportFailed) as caught:
        import_staff(data, "many.csv")
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "team"),
        (3, "wte"),
        (3, "start_date"),
    ]


def test_missing_columns_and_wrong_type_and_empty_files(teams):
    with pytest.raises(ImportFailed) as caught:
        import_staff(b"staff_number,first_name\n1,A\n", "short.csv")
    assert {e.column for e in caught.value.errors} >= {"last_name", "team", "wte"}
    with pytest.raises(ImportFailed, match="Unsupported file type"):
        import_staff(b"%PDF-1.4", "staff.pdf")
    with pytest.raises(ImportFailed, match="empty"):
        import_staff(b"", "empty.csv")
    with pytest.raises(ImportFailed, match="no rows"):
        import_staff(HEADER.encode(), "header-only.csv")


def test_oversize_files_are_refused(teams, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFailed, match="limit"):
        import_staff(GOOD, "big.csv")


def test_cp1252_and_bom_and_esr_style_headers_are_understood(teams):
    header = (
        "Assignment Number,Forename,Surname,Email Address,Job Title,Pay Band,Team Code,FTE,"
        "Line Manager,Assignment Start Date\n"
    )
    body = "400,Siân,Prosser,sian@example.nhs.uk,Physiotherapist,5,MSK-N,1,,2022-02-02\n"
    import_staff((header + body).encode("cp1252"), "ansi.csv")
    assert StaffMember.objects.get(staff_number="400").first_name == "Siân"
    import_staff(b"\xef\xbb\xbf" + (header + body.replace("400", "401")).encode("utf-8"), "bom.csv")
    assert StaffMember.objects.filter(staff_number="401").exists()


def test_xlsx_upload_with_real_dates(teams):
    frame = pd.DataFrame(
        [
            {
                "staff_number": "500",
                "first_name": "Xan",
                "last_name": "Lsx",
                "email": "",
                "post_title": "Physiotherapist",
                "band": 6,
                "team": "MSK-S",
                "wte": 0.6,
                "line_manager_staff_number": "",
                "start_date": pd.Timestamp("2021-04-05"),
            }
        ]
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    import_staff(buffer.getvalue(), "esr.xlsx")
    assignment = StaffMember.objects.get(staff_number="500").assignments.get()
    assert str(assignment.start_date) == "2021-04-05"
    assert assignment.post.band == "6"


def test_command_prints_summary_and_fails_with_row_errors(teams, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    call_command("import_staff", str(good))
    assert "3 people added" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv("9,A,B,,P,5,NOPE,1,,2024-01-01"))
    with pytest.raises(CommandError, match="row 2, column 'team'"):
        call_command("import_staff", str(bad))


def test_manager_found_among_existing_staff(teams):
    StaffMemberFactory(staff_number="777")
    import_staff(csv("600,A,B,,Physio,5,MSK-N,1,777,2024-01-01"), "x.csv")
    assert (
        StaffMember.objects.get(staff_number="600").assignments.get().line_manager.staff_number
        == "777"
    )


# --- Bulk writing: what is written, and what is not --------------------------------------------


def _audit_counts() -> dict[str, int]:
    return {
        action: ModelLogEntry.objects.filter(action=action).count()
        for action in ("wagtail.create", "ksf.change", "ksf.staff_import")
    }


def _board_state():
    from django.contrib.auth.models import User

    from ksf.models import StaffImportRun, StaffMemberUserObjectPermission

    return {
        "people": sorted(StaffMember.objects.values_list("staff_number", "last_name", "band")),
        "assignments": sorted(
            PostAssignment.objects.values_list(
                "pk", "staff__staff_number", "team__code", "wte", "end_date", "line_manager_id"
            )
        ),
        "users": User.objects.count(),
        "grants": StaffMemberUserObjectPermission.objects.count(),
        "runs": StaffImportRun.objects.count(),
        "log entries": ModelLogEntry.objects.count(),
    }


def test_a_new_board_is_written_with_managers_logins_and_one_audit_entry_per_record(teams):
    from ksf.models import StaffImportRun

    result = import_staff(GOOD, "esr.csv", create_logins=True)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    # Both reports are managed by Mona, who is named in the same file.
    mona = StaffMember.objects.get(staff_number="100")
    managed = PostAssignment.objects.filter(line_manager=mona)
    assert sorted(managed.values_list("staff__staff_number", flat=True)) == ["101", "102"]
    assert not PostAssignment.objects.get(staff=mona).line_manager
    # Logins for everyone with an email, in the Clinicians group, with no usable password.
    cara = StaffMember.objects.get(staff_number="101")
    assert cara.user.groups.filter(name="Clinicians").exists()
    assert StaffMember.objects.get(staff_number="102").user is None
    # One entry for the run, one per record created: 3 people, 2 posts, 3 assignments.
    assert _audit_counts() == {"wagtail.create": 8, "ksf.change": 0, "ksf.staff_import": 1}
    run = StaffImportRun.objects.get()
    entry = ModelLogEntry.objects.for_instance(run).get()
    assert entry.data["created"] == 3 and entry.data["file"] == "esr.csv"
    assert "3 people added" in entry.message
    assert ModelLogEntry.objects.for_instance(cara).get().action == "wagtail.create"
    assert ModelLogEntry.objects.for_instance(cara.assignments.get()).count() == 1
    # Mona sees her reports' records and, through the search index, the admin finds them.
    assert mona.user.has_perm("ksf.view_portfolio_staffmember", cara)
    from modelsearch.backends import get_search_backend

    found = get_search_backend().search("Clinician", StaffMember)
    assert [p.staff_number for p in found] == ["101"]
    # And the post's Usage in the admin lists the assignments that use it.
    from wagtail.models import ReferenceIndex

    post = cara.assignments.get().post
    using = ReferenceIndex.get_references_to(post).values_list("object_id", flat=True)
    assert sorted(using) == sorted(str(a.pk) for a in post.assignments.all())
    assert len(using) == 2


def test_logins_are_created_only_when_asked_for(teams):
    from django.contrib.auth.models import User

    users = User.objects.count()
    result = import_staff(GOOD, "esr.csv", create_logins=False)
    assert result.logins_created == 0
    assert User.objects.count() == users
    assert not StaffMember.objects.filter(user__isnull=False).exists()
    # Asked for later, the existing people get them, and the manager her reports' grants.
    again = import_staff(GOOD, "esr.csv", create_logins=True)
    assert (again.logins_created, again.unchanged) == (2, 3)
    mona = StaffMember.objects.get(staff_number="100")
    dev = StaffMember.objects.get(staff_number="102")  # no email: no login, record unchanged
    assert mona.user is not None and dev.user is None
    assert mona.user.has_perm("ksf.manage_portfolio_staffmember", dev)


def test_an_unchanged_reimport_writes_nothing_at_all(teams):
    import_staff(GOOD, "esr.csv", create_logins=True)
    before = _board_state()
    result = import_staff(GOOD, "esr-again.csv", create_logins=True)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert "0 people added, 0 updated, 3 unchanged" in result.summary()
    assert _board_state() == before


def test_a_corrected_file_changes_only_what_changed_and_says_how_many(teams):
    import_staff(GOOD, "esr.csv", create_logins=True)
    before = _audit_counts()
    corrected = csv(
        "100,Mona,Manager,mona@example.nhs.uk,Clinical lead physiotherapist,7,MSK-N,1.0,,2020-01-06",
        # Cara's surname is corrected; Dev's WTE is; a new starter joins.
        "101,Cara,Clinician-Jones,cara@example.nhs.uk,Physiotherapist,5,MSK-N,0.8,100,01/09/2024",
        "102,Dev,Davies,,Physiotherapist,Band 5,msk north,0.6,100,2023-03-01",
        "103,Nia,Newell,,Physiotherapist,5,MSK-N,1,100,2025-01-01",
    )
    result = import_staff(corrected, "esr-corrected.csv")
    assert (result.created, result.updated, result.unchanged) == (1, 2, 1)
    assert "4 rows: 1 people added, 2 updated, 1 unchanged" in result.summary()
    after = _audit_counts()
    # Cara's record and Dev's assignment changed; Nia and her assignment are new; one run.
    assert after["ksf.change"] - before["ksf.change"] == 2
    assert after["wagtail.create"] - before["wagtail.create"] == 2
    assert after["ksf.staff_import"] - before["ksf.staff_import"] == 1
    cara = StaffMember.objects.get(staff_number="101")
    change = ModelLogEntry.objects.for_instance(cara).get(action="ksf.change")
    assert change.data["changes"] == {"last name": ["Clinician", "Clinician-Jones"]}
    dev_assignment = PostAssignment.objects.get(staff__staff_number="102")
    change = ModelLogEntry.objects.for_instance(dev_assignment).get(action="ksf.change")
    assert change.data["changes"] == {"WTE": ["1.00", "0.60"]}
    assert "WTE: 1.00 → 0.60" in change.message
    # Mona's untouched rows have no new entries.
    mona = StaffMember.objects.get(staff_number="100")
    assert ModelLogEntry.objects.for_instance(mona).count() == 1


def test_a_new_line_manager_in_the_file_is_set_on_an_existing_assignment(teams):
    import_staff(GOOD, "esr.csv")
    moved = csv(
        "100,Mona,Manager,mona@example.nhs.uk,Clinical lead physiotherapist,7,MSK-N,1.0,,2020-01-06",
        "101,Cara,Clinician,cara@example.nhs.uk,Physiotherapist,5,MSK-N,0.8,104,01/09/2024",
        "102,Dev,Davies,,Physiotherapist,Band 5,msk north,1,100,2023-03-01",
        "104,Lee,Lead,,Clinical lead physiotherapist,7,MSK-N,1,100,2024-01-01",
    )
    result = import_staff(moved, "esr-new-lead.csv")
    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    cara = StaffMember.objects.get(staff_number="101").assignments.get()
    assert cara.line_manager.staff_number == "104"
    change = ModelLogEntry.objects.for_instance(cara).get(action="ksf.change")
    assert change.data["changes"]["line manager"] == ["Mona Manager", "Lee Lead"]


def test_an_unknown_manager_is_reported_with_the_rows_other_problems(teams):
    data = csv(
        "300,A,B,,Physio,5,NOPE,1.5,999,2024-01-01",
        "301,C,D,,Physio,5,MSK-N,1,998,2024-01-01",
        "302,E,F,not-an-email,Physio,5,MSK-N,1,303,tomorrow",
        "303,G,H,,Physio,5,MSK-N,1,,2024-01-01",
    )
    with pytest.raises(ImportFailed) as caught:
        import_staff(data, "many.csv")
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "team"),
        (2, "wte"),
        (2, "line_manager_staff_number"),
        (3, "line_manager_staff_number"),
        (4, "email"),
        (4, "start_date"),
    ]
    assert "Line manager 999 was not found" in caught.value.errors[2].message
    assert StaffMember.objects.count() == 0
    assert ModelLogEntry.objects.count() == 0


def test_a_bad_row_anywhere_means_nothing_is_written(teams):
    import_staff(GOOD, "esr.csv")
    before = _board_state()
    rows = [
        f"{n},Name{n},Person{n},p{n}@example.nhs.uk,Physiotherapist,5,MSK-S,1,100,2025-01-01"
        for n in range(200, 400)
    ]
    rows.append("400,Bad,Row,,Physiotherapist,5,MSK-S,2,100,2025-01-01")
    with pytest.raises(ImportFailed) as caught:
        import_staff(csv(*rows), "big.csv")
    assert [(e.row, e.column) for e in caught.value.errors] == [(202, "wte")]
    assert _board_state() == before


def test_progress_is_told_rows_checked_and_rows_written(teams):
    from ksf.imports.progress import Progress

    seen = []
    progress = Progress(
        watchers=[lambda p: seen.append((p.phase, p.rows_checked, p.rows_written, p.percent))]
    )
    import_staff(GOOD, "esr.csv", progress=progress)
    assert seen[0] == ("checking", 0, 0, 0)
    assert ("writing", 3, 0, 20) in seen  # checked, none written: writing weighs more
    assert seen[-1] == ("done", 3, 3, 100)
    assert progress.rows_to_write == 3
