"""The fellowship logbook: entries, bulk upload, sign-off, returns, assessments and the queue."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from nhs_number import calculate_checksum

from fellowships.logbook import services
from fellowships.models import Assessment, Enrolment, LogbookEntry, Pause
from ksf import dates
from ksf.models import Notification
from tests.factories import PASSWORD
from tests.fellowships import factories as f

pytestmark = pytest.mark.django_db

NHS_NUMBER = "943476591" + str(calculate_checksum("943476591"))


def entry_input(**overrides) -> services.EntryInput:
    values = {
        "date": dates.today(),
        "category": "Shoulder",
        "minutes": 30,
        "supervised": True,
        "case_reference": "US-014",
        "findings": "Normal supraspinatus.",
        "reflection": "Better probe handling.",
    }
    values.update(overrides)
    return services.EntryInput(**values)


@pytest.fixture
def enrolment():
    return f.enrolment()


@pytest.fixture
def fellow(enrolment):
    return enrolment.staff.user


@pytest.fixture
def mentor(enrolment):
    return enrolment.supervisors.get().supervisor.user


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Adding entries -----------------------------------------------------------------------


def test_fellow_adds_a_draft_and_it_is_audited(enrolment, fellow):
    entry = services.add_entry(enrolment, entry_input(category="shoulder"), user=fellow)
    assert entry.status == LogbookEntry.Status.DRAFT
    assert entry.category == "Shoulder"  # the programme's spelling
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(object_id=str(entry.pk), action="wagtail.create").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"date": dates.today() + datetime.timedelta(days=1)}, "date", "future"),
        ({"date": dates.today() - datetime.timedelta(days=400)}, "date", "before this enrolment"),
        ({"minutes": 0}, "minutes", "more than 0"),
        ({"minutes": 24 * 60 + 1}, "minutes", "24 hours"),
        ({"category": "Elbow"}, "category", "Shoulder, Knee, Hip"),
        ({"case_reference": NHS_NUMBER}, "case_reference", "NHS number"),
        ({"case_reference": "John Smith"}, "case_reference", "name"),
        ({"case_reference": "12/04/1961"}, "case_reference", "date of birth"),
        ({"case_reference": "CF10 3AT"}, "case_reference", "postcode"),
    ],
)
def test_bad_input_is_refused_with_its_message_and_nothing_is_written(
    enrolment, fellow, overrides, field, words
):
    with pytest.raises(ValidationError) as caught:
        services.add_entry(enrolment, entry_input(**overrides), user=fellow)
    assert field in caught.value.message_dict
    assert words in " ".join(caught.value.message_dict[field])
    assert not LogbookEntry.objects.exists()


def test_a_patient_identifier_message_says_why_and_that_nothing_was_saved(enrolment, fellow):
    with pytest.raises(ValidationError) as caught:
        services.add_entry(enrolment, entry_input(case_reference=NHS_NUMBER), user=fellow)
    text = " ".join(caught.value.message_dict["case_reference"])
    assert "NHS number" in text and "Nothing was saved" in text


def test_a_ten_digit_number_failing_the_check_is_a_fine_reference(enrolment, fellow):
    wrong = NHS_NUMBER[:-1] + str((int(NHS_NUMBER[-1]) + 1) % 10)
    entry = services.add_entry(enrolment, entry_input(case_reference=wrong), user=fellow)
    assert entry.case_reference == wrong


def test_any_category_when_the_programme_lists_none(fellow):
    open_enrolment = f.enrolment(fellow=fellow.staff_member, on=f.programme(categories=[]))
    entry = services.add_entry(open_enrolment, entry_input(category="Elbow"), user=fellow)
    assert entry.category == "Elbow"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Enrolment.Status.PAUSED, "paused"),
        (Enrolment.Status.WITHDRAWN, "withdrawn"),
        (Enrolment.Status.COMPLETED, "completed"),
        (Enrolment.Status.APPROVED, "not started"),
    ],
)
def test_nothing_is_logged_unless_the_enrolment_is_active(status, words):
    enrolment = f.enrolment(status=status)
    with pytest.raises(ValidationError) as caught:
        services.add_entry(enrolment, entry_input(), user=enrolment.staff.user)
    assert words in messages_of(caught.value)
    assert not LogbookEntry.objects.exists()


def test_an_open_pause_stops_logging_too(enrolment, fellow):
    Pause.objects.create(enrolment=enrolment, starts_on=dates.today(), reason="Leave")
    with pytest.raises(ValidationError, match="paused"):
        services.add_entry(enrolment, entry_input(), user=fellow)


def test_only_the_fellow_logs(enrolment, mentor):
    with pytest.raises(PermissionDenied):
        services.add_entry(enrolment, entry_input(), user=mentor)
    assert not LogbookEntry.objects.exists()


def test_edit_and_delete_only_while_draft_or_returned(enrolment, fellow):
    draft = f.entry(enrolment)
    services.update_entry(draft, entry_input(minutes=45), user=fellow)
    draft.refresh_from_db()
    assert draft.minutes == 45
    signed = f.entry(enrolment, status=LogbookEntry.Status.SIGNED)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.update_entry(signed, entry_input(minutes=50), user=fellow)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.delete_entry(signed, user=fellow)
    services.delete_entry(draft, user=fellow)
    assert list(LogbookEntry.objects.values_list("pk", flat=True)) == [signed.pk]


def test_submit_one_or_all(enrolment, fellow, mentor):
    one, two, _three = (f.entry(enrolment) for _ in range(3))
    assert services.submit_entries(enrolment, user=fellow, ids=[one.pk]) == 1
    one.refresh_from_db()
    assert one.status == LogbookEntry.Status.SUBMITTED and one.submitted_at is not None
    with pytest.raises(ValidationError, match="already submitted"):
        services.submit_entries(enrolment, user=fellow, ids=[one.pk, two.pk])
    assert services.submit_entries(enrolment, user=fellow) == 2
    assert set(LogbookEntry.objects.values_list("status", flat=True)) == {"submitted"}
    assert Notification.objects.filter(recipient=mentor).exists()


# --- Bulk upload ---------------------------------------------------------------------------

HEADER = "date,category,supervised,minutes,case reference,findings,reflection\n"


def test_bulk_upload_adds_every_row_as_drafts(enrolment, fellow):
    today = dates.today()
    body = HEADER + (
        f"{today.isoformat()},Shoulder,yes,30,US-1,Normal,Fine\n"
        f"{today.strftime('%d/%m/%Y')},knee,no,1:15,US-2,,\n"
    )
    result = services.bulk_add(enrolment, body.encode(), "cases.csv", user=fellow)
    assert result.created == 2
    rows = list(
        LogbookEntry.objects.order_by("minutes").values_list("category", "minutes", "supervised")
    )
    assert rows == [("Shoulder", 30, True), ("Knee", 75, False)]


def test_bulk_upload_with_one_bad_row_writes_nothing_and_names_row_and_column(enrolment, fellow):
    today = dates.today().isoformat()
    body = HEADER + (
        f"{today},Shoulder,yes,30,US-1,,\n"
        f"{today},Shoulder,yes,30,{NHS_NUMBER},,\n"
        f"{today},Elbow,maybe,0,US-3,,\n"
    )
    from ksf.imports.tabular import ImportFailed

    with pytest.raises(ImportFailed) as caught:
        services.bulk_add(enrolment, body.encode(), "cases.csv", user=fellow)
    problems = {(e.row, e.column) for e in caught.value.errors}
    assert problems == {
        (3, "case reference"),
        (4, "category"),
        (4, "supervised"),
        (4, "minutes"),
    }
    assert "NHS number" in str(caught.value)
    assert not LogbookEntry.objects.exists()


def test_bulk_upload_limits(enrolment, fellow, settings):
    from ksf.imports.tabular import ImportFailed

    today = dates.today().isoformat()
    too_many = HEADER + f"{today},Shoulder,yes,30,,,\n" * 2001
    with pytest.raises(ImportFailed, match="limit is 2,000"):
        services.bulk_add(enrolment, too_many.encode(), "cases.csv", user=fellow)
    huge = HEADER + "x" * (2 * 1024 * 1024)
    with pytest.raises(ImportFailed, match="limit is 2048 KB"):
        services.bulk_add(enrolment, huge.encode(), "cases.csv", user=fellow)
    with pytest.raises(ImportFailed, match="missing from the header"):
        services.bulk_add(enrolment, b"date,category\n2025-01-01,Knee\n", "c.csv", user=fellow)
    assert not LogbookEntry.objects.exists()


def test_upload_page_pasted_rows_and_template(client, enrolment, fellow):
    login(client, fellow)
    template = client.get(reverse("logbook:template", args=[enrolment.pk]))
    assert template["Content-Type"].startswith("text/csv")
    # The template uploads as it is.
    response = client.post(
        reverse("logbook:upload", args=[enrolment.pk]), {"pasted": template.content.decode()}
    )
    assert response.status_code == 302
    assert LogbookEntry.objects.count() == 2
    today = dates.today().isoformat()
    response = client.post(
        reverse("logbook:upload", args=[enrolment.pk]),
        {"pasted": HEADER + f"{today},Elbow,yes,30,,,\n"},
    )
    assert response.status_code == 200
    assert "row 2, column &#x27;category&#x27;" in response.content.decode()
    assert LogbookEntry.objects.count() == 2


# --- Sign-off and returns ------------------------------------------------------------------


def test_supervisor_signs_one(enrolment, mentor):
    entry = f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED)
    assert services.sign_off([entry], user=mentor, appraised=[entry.pk]) == 1
    entry.refresh_from_db()
    assert entry.status == LogbookEntry.Status.SIGNED
    assert entry.appraised and entry.reviewed_by.user == mentor and entry.reviewed_at


def test_supervisor_signs_many_through_the_queue(client, enrolment, mentor):
    entries = [f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED) for _ in range(3)]
    login(client, mentor)
    response = client.post(
        reverse("logbook:sign"),
        {"entry": [e.pk for e in entries], "appraised": [entries[0].pk]},
    )
    assert response.status_code == 302
    assert list(LogbookEntry.objects.order_by("pk").values_list("status", "appraised")) == [
        ("signed", True),
        ("signed", False),
        ("signed", False),
    ]


def test_signed_or_returned_entries_are_not_signed_again(enrolment, mentor):
    signed = f.entry(enrolment, status=LogbookEntry.Status.SIGNED)
    waiting = f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="no longer waiting"):
        services.sign_off([waiting, signed], user=mentor)
    waiting.refresh_from_db()
    assert waiting.status == LogbookEntry.Status.SUBMITTED  # all or nothing
    returned = f.entry(enrolment, status=LogbookEntry.Status.RETURNED)
    with pytest.raises(ValidationError, match="no longer waiting"):
        services.sign_off([returned], user=mentor)


def test_return_needs_feedback_and_the_fellow_sees_it(client, enrolment, fellow, mentor):
    entry = f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        services.return_entry(entry, user=mentor, feedback="  ")
    assert "feedback" in caught.value.message_dict
    entry.refresh_from_db()
    assert entry.status == LogbookEntry.Status.SUBMITTED

    login(client, mentor)
    response = client.post(
        reverse("logbook:return", args=[entry.pk]), {"feedback": "Add the dynamic views."}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == LogbookEntry.Status.RETURNED
    note = Notification.objects.get(recipient=fellow, topic=services.returned_topic(entry.pk))
    assert note.done_at is None

    client.logout()
    login(client, fellow)
    page = client.get(reverse("logbook:list", args=[enrolment.pk])).content.decode()
    assert "Add the dynamic views." in page
    # Resubmitting settles the notification.
    services.update_entry(entry, entry_input(), user=fellow, submit=True)
    note.refresh_from_db()
    assert note.done_at is not None


def test_the_fellow_cannot_sign_their_own(enrolment, fellow):
    entry = f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED)
    # Even assigned as their own supervisor, they may not.
    f.assign(enrolment, enrolment.staff)
    with pytest.raises(PermissionDenied, match="own"):
        services.sign_off([entry], user=fellow)
    entry.refresh_from_db()
    assert entry.status == LogbookEntry.Status.SUBMITTED


def test_another_supervisor_gets_404(client, enrolment):
    other = f.supervisor(first_name="Owen", last_name="Other")
    f.enrolment(mentor=other)  # supervises someone else
    entry = f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED)
    login(client, other.user)
    assert client.get(reverse("logbook:list", args=[enrolment.pk])).status_code == 404
    assert client.get(reverse("logbook:return", args=[entry.pk])).status_code == 404
    assert client.post(reverse("logbook:sign"), {"entry": [entry.pk]}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.sign_off([entry], user=other.user)
    entry.refresh_from_db()
    assert entry.status == LogbookEntry.Status.SUBMITTED


def test_an_ended_supervision_no_longer_signs(enrolment, mentor):
    entry = f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED)
    enrolment.supervisors.update(ends_on=dates.today() - datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.sign_off([entry], user=mentor)


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Enrolment.Status.PAUSED, "paused"),
        (Enrolment.Status.WITHDRAWN, "withdrawn"),
        (Enrolment.Status.COMPLETED, "completed"),
    ],
)
def test_paused_withdrawn_or_completed_enrolments_refuse_sign_off(enrolment, mentor, status, words):
    entry = f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status)
    with pytest.raises(ValidationError, match=words):
        services.sign_off([entry], user=mentor)
    with pytest.raises(ValidationError, match=words):
        services.return_entry(entry, user=mentor, feedback="More views.")
    entry.refresh_from_db()
    assert entry.status == LogbookEntry.Status.SUBMITTED


def test_an_open_pause_refuses_sign_off(enrolment, mentor):
    entry = f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED)
    Pause.objects.create(enrolment=enrolment, starts_on=dates.today(), reason="Illness")
    with pytest.raises(ValidationError, match="paused"):
        services.sign_off([entry], user=mentor)


# --- The queue -----------------------------------------------------------------------------


def _fellows_for(mentor_staff, count: int) -> None:
    for n in range(count):
        e = f.enrolment(mentor=mentor_staff)
        for days in (3, 1):
            f.entry(e, status=LogbookEntry.Status.SUBMITTED, days_ago=days + n)
        f.entry(e)  # a draft: not in the queue


def test_queue_groups_by_fellow_oldest_first(client, enrolment, mentor):
    mentor_staff = enrolment.supervisors.get().supervisor
    f.entry(enrolment, status=LogbookEntry.Status.SUBMITTED, days_ago=10)
    _fellows_for(mentor_staff, 2)
    from fellowships.logbook import selectors

    groups = selectors.queue(mentor)
    assert groups[0].enrolment == enrolment
    assert [len(g.entries) for g in groups] == [1, 2, 2]
    for group in groups:
        stamps = [e.submitted_at for e in group.entries]
        assert stamps == sorted(stamps)


def test_queue_queries_do_not_grow_with_fellows(client, enrolment, mentor):
    mentor_staff = enrolment.supervisors.get().supervisor
    _fellows_for(mentor_staff, 2)
    login(client, mentor)
    url = reverse("logbook:queue")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fellows_for(mentor_staff, 6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="entry"') == 16
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Pages ---------------------------------------------------------------------------------


def test_quick_entry_has_sensible_defaults(client, enrolment, fellow):
    f.entry(enrolment, category="Knee", minutes=40)
    login(client, fellow)
    form = client.get(reverse("logbook:add", args=[enrolment.pk])).context["form"]
    assert form.initial["date"] == dates.today()
    assert form.initial["category"] == "Knee"
    assert form.initial["minutes"] == "40"
    assert form.initial["supervised"] is True


def test_quick_entry_refuses_an_identifier_on_the_page(client, enrolment, fellow):
    login(client, fellow)
    response = client.post(
        reverse("logbook:add", args=[enrolment.pk]),
        {
            "date": dates.today().isoformat(),
            "category": "Shoulder",
            "supervised": "on",
            "minutes": "0:30",
            "case_reference": "Mrs Jones",
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert "name" in " ".join(response.context["form"].errors["case_reference"])
    assert not LogbookEntry.objects.exists()


def test_logbook_filters_and_counts(client, enrolment, fellow):
    f.entry(enrolment, category="Knee")
    f.entry(enrolment, category="Shoulder", status=LogbookEntry.Status.SIGNED)
    login(client, fellow)
    response = client.get(reverse("logbook:list", args=[enrolment.pk]), {"category": "Knee"})
    assert [e.category for e in response.context["entries"]] == ["Knee"]
    counts = {c.category: c.total for c in response.context["counts"].categories}
    assert counts == {"Shoulder": 1, "Knee": 1, "Hip": 0}


# --- Workplace-based assessments -----------------------------------------------------------


def test_assessment_requested_recorded_and_reflected(enrolment, fellow, mentor):
    mentor_staff = enrolment.supervisors.get().supervisor
    assessment = services.request_assessment(
        enrolment,
        user=fellow,
        kind="dops",
        focus="Guided shoulder injection",
        assessor=mentor_staff,
    )
    with pytest.raises(ValidationError) as caught:
        services.record_assessment(
            assessment,
            services.AssessmentRecord(
                date=dates.today(),
                case_reference=NHS_NUMBER,
                domains={"technique": "meets"},
                outcome="satisfactory",
                feedback="Good.",
            ),
            user=mentor,
        )
    assert "case_reference" in caught.value.message_dict
    services.record_assessment(
        assessment,
        services.AssessmentRecord(
            date=dates.today(),
            case_reference="INJ-3",
            domains={"technique": "meets", "communication": "above"},
            outcome="satisfactory",
            feedback="Safe, well explained.",
        ),
        user=mentor,
    )
    services.add_reflection(assessment, user=fellow, reflection="Slow down the set-up.")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RECORDED
    assert assessment.domains == {"technique": "meets", "communication": "above"}
    assert assessment.reflection == "Slow down the set-up."


def test_an_assessment_is_asked_of_a_current_supervisor_only(enrolment, fellow):
    stranger = f.supervisor()
    with pytest.raises(ValidationError) as caught:
        services.request_assessment(
            enrolment, user=fellow, kind="dops", focus="Knee", assessor=stranger
        )
    assert "assessor" in caught.value.message_dict
    assert not Assessment.objects.exists()


def test_only_the_assessor_records(enrolment, fellow):
    mentor_staff = enrolment.supervisors.get().supervisor
    assessment = services.request_assessment(
        enrolment, user=fellow, kind="cbd", focus="Hip pain", assessor=mentor_staff
    )
    second = f.supervisor()
    f.assign(enrolment, second)
    record = services.AssessmentRecord(
        dates.today(), "", {"reasoning": "meets"}, "not_yet", "More."
    )
    with pytest.raises(PermissionDenied):
        services.record_assessment(assessment, record, user=second.user)
    with pytest.raises(PermissionDenied):
        services.record_assessment(assessment, record, user=fellow)
