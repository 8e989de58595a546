"""The CPD log: the rules on an entry, who may read and write it, the list and its chart."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from competencies.models import CPDEntry, Evidence
from competencies.portfolio import selectors as portfolio_selectors
from competencies.portfolio import services as portfolio_services
from ksf import dates
from ksf.models import KSFDimension
from tests.conftest import login

PDF = b"%PDF-1.4\n% a tiny certificate\n"
Type = CPDEntry.ActivityType


@pytest.fixture
def published(world):
    """The world's framework, published, so its competencies can be chosen."""
    world.framework.get_latest_revision().publish(user=None, skip_permission_checks=True)
    world.framework.refresh_from_db()
    return world.framework


def make_entry(person, *, days_ago=10, hours="1.5", kind=Type.FORMAL, title="Study day", **extra):
    return CPDEntry.objects.create(
        staff=person,
        date=dates.today() - datetime.timedelta(days=days_ago),
        title=title,
        activity_type=kind,
        hours=Decimal(hours),
        description=extra.pop("description", "What I did."),
        **extra,
    )


def data(**overrides) -> portfolio_services.CPDInput:
    values = {
        "date": dates.today(),
        "title": "Journal club on tendinopathy",
        "activity_type": Type.PROFESSIONAL,
        "hours": Decimal("1.5"),
        "description": "Presented a paper.",
    }
    values.update(overrides)
    return portfolio_services.CPDInput(**values)


def form_data(**overrides) -> dict:
    values = {
        "date": dates.today().isoformat(),
        "title": "Shoulder injection update",
        "activity_type": Type.FORMAL,
        "hours": "3.5",
        "description": "A half-day update course.",
        "learning": "New landmarks for the subacromial approach.",
        "practice_change": "I now scan before injecting.",
        "service_user_benefit": "Fewer repeat injections.",
    }
    values.update(overrides)
    return values


def url(name: str, person, *args) -> str:
    return reverse(f"cpd:{name}", args=[person.staff_number, *args])


# Services -------------------------------------------------------------------------------


def test_a_future_date_is_refused_and_nothing_is_saved(world):
    tomorrow = dates.today() + datetime.timedelta(days=1)
    upload = SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        portfolio_services.create_entry(
            world.clinician, data(date=tomorrow, new_file=upload), user=None
        )
    assert refused.value.message_dict["date"] == [
        "The date cannot be in the future: record the activity once it has happened."
    ]
    assert not CPDEntry.objects.exists()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("hours", "accepted"),
    [("0.2", False), ("0.25", True), ("500", True), ("500.25", False), ("0", False)],
)
def test_hours_from_a_quarter_to_five_hundred(world, hours, accepted):
    if accepted:
        entry = portfolio_services.create_entry(
            world.clinician, data(hours=Decimal(hours)), user=None
        )
        assert entry.hours == Decimal(hours)
    else:
        with pytest.raises(ValidationError) as refused:
            portfolio_services.create_entry(world.clinician, data(hours=Decimal(hours)), user=None)
        assert "between 0.25 (15 minutes) and 500" in refused.value.message_dict["hours"][0]
        assert not CPDEntry.objects.exists()


def test_a_refused_new_file_saves_neither_the_entry_nor_the_file(world):
    program = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError) as refused:
        portfolio_services.create_entry(world.clinician, data(new_file=program), user=None)
    assert "'notes.pdf' is not a real PDF file" in refused.value.message_dict["new_file"][0]
    assert not CPDEntry.objects.exists()
    assert not Evidence.objects.exists()


def test_draft_competencies_and_other_peoples_evidence_are_refused(world):
    draft_item = world.framework.competencies.get(idnumber="C1")  # the framework is a draft
    theirs = Evidence.objects.create(owner=world.stranger, title="Theirs", url="https://x.org")
    with pytest.raises(ValidationError) as refused:
        portfolio_services.create_entry(
            world.clinician, data(competencies=[draft_item], evidence=[theirs]), user=None
        )
    assert set(refused.value.message_dict) == {"competencies", "evidence"}
    assert not CPDEntry.objects.exists()


def test_create_update_delete_are_audited(world, published):
    user = world.user("clinician")
    c1 = published.competencies.get(idnumber="C1")
    entry = portfolio_services.create_entry(world.clinician, data(competencies=[c1]), user=user)
    assert ModelLogEntry.objects.for_instance(entry).filter(action="wagtail.create").exists()
    portfolio_services.update_entry(entry, data(hours=Decimal("2"), competencies=[]), user=user)
    change = ModelLogEntry.objects.for_instance(entry).get(action="ksf.change")
    assert change.user == user
    assert change.data["changes"]["hours"] == ["1.50", "2"]
    assert change.data["changes"]["competencies"][1] == "—"
    pk = entry.pk
    portfolio_services.delete_entry(entry, user=user)
    assert not CPDEntry.objects.filter(pk=pk).exists()
    assert ModelLogEntry.objects.filter(object_id=str(pk), action="wagtail.delete").exists()


def test_a_link_is_stored_as_evidence_and_attached(world):
    entry = portfolio_services.create_entry(
        world.clinician,
        data(new_link="https://elearning.example.org/cert/42", new_evidence_title="eLfH"),
        user=world.user("clinician"),
    )
    (evidence,) = entry.evidence.all()
    assert (evidence.title, evidence.owner, evidence.url) == (
        "eLfH",
        world.clinician,
        "https://elearning.example.org/cert/42",
    )


def test_hours_by_type_sums_per_quarter_in_the_database(world):
    year = dates.today().year - 1
    for day, hours, kind in [
        (datetime.date(year, 1, 5), "2", Type.FORMAL),
        (datetime.date(year, 3, 31), "1.25", Type.FORMAL),
        (datetime.date(year, 2, 1), "1", Type.SELF_DIRECTED),
        (datetime.date(year, 4, 1), "6", Type.FORMAL),
    ]:
        CPDEntry.objects.create(
            staff=world.clinician,
            date=day,
            title="x",
            activity_type=kind,
            hours=Decimal(hours),
            description="x",
        )
    make_entry(world.stranger, hours="99")  # someone else's hours never count
    rows = portfolio_selectors.hours_by_type(
        world.clinician, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    )
    assert [(r["period"], r["activity_type"], r["hours"]) for r in rows] == [
        (datetime.date(year, 1, 1), "formal", Decimal("3.25")),
        (datetime.date(year, 1, 1), "self_directed", Decimal("1")),
        (datetime.date(year, 4, 1), "formal", Decimal("6")),
    ]
    months = portfolio_selectors.hours_by_type(world.clinician, None, None, period="month")
    assert sum(r["hours"] for r in months) == Decimal("10.25")
    assert len(months) == 4


def test_cpd_for_narrows_by_type_words_and_links(world):
    dimension = KSFDimension.objects.get(code="C2")
    a = make_entry(world.clinician, title="Supervision", kind=Type.WORK_BASED)
    a.dimensions.add(dimension)
    make_entry(
        world.clinician, title="Reading", kind=Type.SELF_DIRECTED, learning="gait retraining"
    )
    person = world.clinician
    assert [
        e.title
        for e in portfolio_selectors.cpd_for(
            person, portfolio_selectors.CPDFilters(activity_type="work_based")
        )
    ] == ["Supervision"]
    assert [
        e.title
        for e in portfolio_selectors.cpd_for(person, portfolio_selectors.CPDFilters(text="GAIT"))
    ] == ["Reading"]
    assert [
        e.title
        for e in portfolio_selectors.cpd_for(
            person, portfolio_selectors.CPDFilters(dimension=dimension.pk)
        )
    ] == ["Supervision"]


def test_the_audit_window_is_two_years(world):
    assert portfolio_selectors.audit_window_start(datetime.date(2026, 5, 10)) == datetime.date(
        2024, 5, 10
    )
    assert portfolio_selectors.audit_window_start(datetime.date(2028, 2, 29)) == datetime.date(
        2026, 2, 28
    )


# Pages ----------------------------------------------------------------------------------


def test_owner_adds_an_activity_with_a_file_and_sees_it_listed(world, client):
    login(client, world.user("clinician"))
    upload = SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url("add", world.clinician),
        form_data(new_file=upload, dimensions=[KSFDimension.objects.get(code="C2").pk]),
    )
    entry = CPDEntry.objects.get(staff=world.clinician)
    assert response.status_code == 302
    assert response["Location"] == url("detail", world.clinician, entry.pk)
    (evidence,) = entry.evidence.all()
    assert evidence.original_name == "certificate.pdf"
    page = client.get(url("list", world.clinician)).content.decode()
    assert "Shoulder injection update" in page
    assert re.search(r"<strong>3.5</strong> hours", page)
    detail = client.get(url("detail", world.clinician, entry.pk)).content.decode()
    assert reverse("cpd:evidence_file", args=[evidence.pk]) in detail
    assert "C2 Communication" in detail or "C2 " in detail
    download = client.get(reverse("cpd:evidence_file", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_form_says_what_is_wrong_and_saves_nothing(world, client):
    login(client, world.user("clinician"))
    tomorrow = (dates.today() + datetime.timedelta(days=1)).isoformat()
    page = client.post(
        url("add", world.clinician), form_data(date=tomorrow, hours="0.1", title="")
    ).content.decode()
    assert "There is a problem" in page
    assert "The date cannot be in the future: record the activity once it has happened." in page
    assert "Hours must be between 0.25 (15 minutes) and 500" in page
    assert "Enter a title for the activity." in page
    assert not CPDEntry.objects.exists()


def test_the_form_refuses_a_renamed_program_and_names_it(world, client):
    login(client, world.user("clinician"))
    program = SimpleUploadedFile("scan.exe", b"MZ\x90\x00")
    page = client.post(url("add", world.clinician), form_data(new_file=program)).content.decode()
    assert "&#x27;scan.exe&#x27; is not an allowed type: use PDF, Word" in page
    assert not CPDEntry.objects.exists() and not Evidence.objects.exists()


def test_typed_script_is_shown_as_text(world, client):
    make_entry(world.clinician, title="<script>alert(1)</script>", description="<b>bold</b>")
    entry = CPDEntry.objects.get()
    login(client, world.user("clinician"))
    for page_url in (url("list", world.clinician), url("detail", world.clinician, entry.pk)):
        page = client.get(page_url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_the_line_manager_reads_but_cannot_change(world, client):
    entry = make_entry(world.clinician, title="Supervision log")
    login(client, world.user("manager"))
    page = client.get(url("list", world.clinician)).content.decode()
    assert "Supervision log" in page
    assert "Add a CPD activity" not in page
    detail = client.get(url("detail", world.clinician, entry.pk)).content.decode()
    assert "Supervision log" in detail and "Edit this activity" not in detail
    assert client.get(url("edit", world.clinician, entry.pk)).status_code == 404
    assert client.post(url("edit", world.clinician, entry.pk), form_data()).status_code == 404
    assert client.post(url("delete", world.clinician, entry.pk)).status_code == 404
    assert client.post(url("add", world.clinician), form_data()).status_code == 404
    entry.refresh_from_db()
    assert entry.title == "Supervision log"
    assert CPDEntry.objects.count() == 1


def test_a_stranger_gets_not_found(world, client):
    entry = make_entry(world.clinician)
    evidence = Evidence(owner=world.clinician, title="Cert", original_name="c.pdf")
    evidence.file.save("c.pdf", SimpleUploadedFile("c.pdf", PDF), save=True)
    login(client, world.stranger.user)
    assert client.get(url("list", world.clinician)).status_code == 404
    assert client.get(url("detail", world.clinician, entry.pk)).status_code == 404
    assert client.get(reverse("cpd:evidence_file", args=[evidence.pk])).status_code == 404


def test_delete_asks_first_and_only_a_post_deletes(world, client):
    entry = make_entry(world.clinician, title="Old course")
    login(client, world.user("clinician"))
    page = client.get(url("delete", world.clinician, entry.pk)).content.decode()
    assert "Delete 'Old course'?" in page and 'method="post"' in page
    assert CPDEntry.objects.filter(pk=entry.pk).exists()
    response = client.post(url("delete", world.clinician, entry.pk))
    assert response["Location"] == url("list", world.clinician)
    assert not CPDEntry.objects.filter(pk=entry.pk).exists()


def test_owner_edits_an_entry(world, client, published):
    entry = make_entry(world.clinician, title="Course")
    c1 = published.competencies.get(idnumber="C1")
    login(client, world.user("clinician"))
    form = client.get(url("edit", world.clinician, entry.pk)).content.decode()
    assert 'value="Course"' in form
    response = client.post(
        url("edit", world.clinician, entry.pk),
        form_data(title="Course (updated)", hours="4", competencies=[c1.pk]),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.hours) == ("Course (updated)", Decimal("4"))
    assert list(entry.competencies.all()) == [c1]


def test_the_chooser_offers_published_competencies_required_ones_first(world, client, published):
    from tests.conftest import educator_framework

    draft = educator_framework(world.user("educator"), idnumber="DRAFT-FW")
    login(client, world.user("clinician"))
    page = client.get(url("add", world.clinician)).content.decode()
    select = page[page.index('name="competencies"') : page.index("</select>")]
    required_group = select.index('label="Required by your current posts"')
    c1 = published.competencies.get(idnumber="C1")
    c2 = published.competencies.get(idnumber="C2")
    assert required_group < select.index(f'value="{c1.pk}"') < select.index(f'value="{c2.pk}"')
    assert f'value="{draft.competencies.get(idnumber="C2").pk}"' not in select


def test_the_list_defaults_to_two_years_and_filters_narrow_it(world, client):
    make_entry(world.clinician, title="Recent course", days_ago=20, hours="2")
    make_entry(world.clinician, title="Recent reading", days_ago=40, kind=Type.SELF_DIRECTED)
    make_entry(world.clinician, title="Ancient course", days_ago=365 * 3, hours="7")
    login(client, world.user("clinician"))
    page = client.get(url("list", world.clinician)).content.decode()
    assert "Recent course" in page and "Recent reading" in page
    assert "Ancient course" not in page
    assert "Showing the last two years" in page and 'href="?all=1"' in page
    assert re.search(r"<strong>2</strong> activities", page)
    everything = client.get(url("list", world.clinician), {"all": "1"}).content.decode()
    assert "Ancient course" in everything
    assert re.search(r"<strong>10.5</strong> hours", everything)
    by_type = client.get(url("list", world.clinician), {"type": "self_directed"}).content.decode()
    assert "Recent reading" in by_type and "Recent course" not in by_type
    words = client.get(url("list", world.clinician), {"q": "course", "all": "1"}).content.decode()
    assert "Recent course" in words and "Ancient course" in words
    assert "Recent reading" not in words
    old = (dates.today() - datetime.timedelta(days=365 * 2 + 30)).isoformat()
    dated = client.get(url("list", world.clinician), {"end": old}).content.decode()
    assert "Ancient course" in dated and "Recent course" not in dated


def test_a_bad_filter_is_explained_and_ignored(world, client):
    make_entry(world.clinician, title="Recent course")
    login(client, world.user("clinician"))
    page = client.get(
        url("list", world.clinician), {"start": "2025-05-01", "end": "2025-01-01"}
    ).content.decode()
    assert "The &#x27;to&#x27; date is before the &#x27;from&#x27; date." in page


def test_the_chart_shows_the_same_hours_as_the_list(world, client):
    make_entry(world.clinician, days_ago=5, hours="2.5", kind=Type.FORMAL)
    make_entry(world.clinician, days_ago=100, hours="1", kind=Type.WORK_BASED)
    make_entry(world.clinician, days_ago=300, hours="3.25", kind=Type.OTHER)
    make_entry(world.clinician, days_ago=301, hours="0.75", kind=Type.OTHER)
    login(client, world.user("clinician"))
    page = client.get(url("list", world.clinician)).content.decode()
    assert '<svg class="cpd-chart__svg" role="img" aria-labelledby="cpd-chart-title' in page
    assert "Show the figures as a table" in page
    assert 'data-total-hours="7.5"' in page
    # Every bar segment's figure, added up, is the total of the entries shown.
    segments = re.findall(r"<title>[^<]*, ([\d.]+) hours?</title>", page)
    assert sum(Decimal(s) for s in segments) == Decimal("7.5")
    assert "(horizontal lines): 4 hours" in page
    # The table's rows add up to the same.
    table = page[page.index('<table class="nhsuk-table cpd-figures">') :]
    body = table[table.index("<tbody") : table.index("</tbody>")]
    row_totals = re.findall(r"<strong>([\d.]+)</strong></td></tr>", body)
    assert sum(Decimal(t) for t in row_totals) == Decimal("7.5")


def test_an_empty_log_explains_cpd(world, client):
    login(client, world.user("clinician"))
    page = client.get(url("list", world.clinician)).content.decode()
    assert "No CPD recorded yet" in page
    assert "Continuing professional development (CPD)" in page
    assert f'href="{url("add", world.clinician)}">Add a CPD activity</a>' in page
    assert "cpd-chart__svg" not in page


def test_the_list_filters_by_linked_competency_and_dimension(world, client, published):
    c1 = published.competencies.get(idnumber="C1")
    linked = make_entry(world.clinician, title="Injection audit")
    linked.competencies.add(c1)
    linked.dimensions.add(KSFDimension.objects.get(code="C3"))
    make_entry(world.clinician, title="Unlinked reading")
    login(client, world.user("clinician"))
    for query in ({"competency": c1.pk}, {"dimension": KSFDimension.objects.get(code="C3").pk}):
        page = client.get(url("list", world.clinician), query).content.decode()
        assert "Injection audit" in page and "Unlinked reading" not in page
        assert re.search(r"<strong>1</strong> activity", page)
