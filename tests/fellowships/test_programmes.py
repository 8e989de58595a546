"""Fellowship programmes: authored in the admin, shipped as templates, read on the public site."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.frameworks.shipped import load_shipped_frameworks
from fellowships.models import Milestone, Programme
from fellowships.programmes import services
from fellowships.programmes.describe import describe_entry, describe_milestone
from fellowships.programmes.shipped import load_shipped_programmes, publish_shipped_programmes
from ksf.roles import Role
from tests.competencies.portfolio_fixtures import published_framework
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_fellowships_programme"
MILESTONE_FIELDS = [
    "stage",
    "title",
    "kind",
    "credits",
    "pass_mark",
    "target_entries",
    "target_hours",
    "supervision",
    "category",
    "categories",
    "min_per_category",
    "appraised_percent",
    "assessment_type",
    "min_count",
    "competency",
    "level",
]


@pytest.fixture
def educator(client):
    user = UserFactory(roles=[Role.EDUCATOR])
    client.force_login(user)
    return user


def programme(code="POCUS", version="1.0", *, live=False, milestones=(), **values) -> Programme:
    fields = {
        "title": f"Programme {code}",
        "kind": Programme.Kind.SONOGRAPHY,
        "target_months": 12,
        "declaration": "I declare them competent.",
        **values,
    }
    item = Programme.objects.create(code=code, version=version, live=False, **fields)
    for order, m in enumerate(milestones):
        Milestone.objects.create(programme=item, sort_order=order, **m)
    item.save_revision()
    if live:
        services.publish(item)
    return Programme.objects.get(pk=item.pk)


def logbook(**values) -> dict:
    return {"stage": "Module 2", "title": "Scans", "kind": Milestone.Kind.LOGBOOK, **values}


def form_data(milestones=(), **values) -> dict:
    data = {
        "title": "MSK ultrasound",
        "code": "MSK-US",
        "version": "1.0",
        "kind": Programme.Kind.SONOGRAPHY,
        "summary": "A template.",
        "partner": "University of Somewhere",
        "target_months": "12",
        "min_band": "6",
        "professions": ["physiotherapist", "podiatrist"],
        "min_years_qualified": "3",
        "prerequisite": "",
        "entry_notes": "",
        "cost": "1800",
        "funding_note": "",
        "supervisor_capacity": "4",
        "final_signoff_role": "mentor",
        "declaration": "I declare them competent.",
        "milestones-TOTAL_FORMS": str(len(milestones)),
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        **values,
    }
    for i, m in enumerate(milestones):
        row = {name: "" for name in MILESTONE_FIELDS} | {"stage": "Stage 1", "title": "M"} | m
        for name, value in row.items():
            data[f"milestones-{i}-{name}"] = value
        data[f"milestones-{i}-ORDER"] = str(i + 1)
        data[f"milestones-{i}-DELETE"] = ""
        data[f"milestones-{i}-id"] = ""
    return data


def milestone_errors(response) -> dict:
    form = response.context["form"]
    return {
        name: [str(e) for e in errors]
        for name, errors in form.formsets["milestones"].forms[0].errors.items()
    }


# --- The admin ------------------------------------------------------------------------------


def test_educator_lists_programmes_with_status_and_enrolments(client, educator):
    programme("POCUS", live=True)
    programme("NMP", title="Prescribing")
    response = client.get(reverse(f"{NS}:list"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Programme POCUS", "Prescribing", "Published", "Draft", "Enrolments", "Status"):
        assert text in html


def test_educator_creates_a_programme_with_milestones(client, educator):
    data = form_data(
        [
            logbook(
                target_entries="250",
                categories="Shoulder\nKnee",
                min_per_category="20",
                appraised_percent="10",
                supervision="supervised",
            ),
            {"kind": "assessment", "assessment_type": "dops", "min_count": "2"},
            {"kind": "final", "title": "Final"},
        ]
    )
    response = client.post(reverse(f"{NS}:add"), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    created = Programme.objects.get(code="MSK-US")
    assert not created.live
    assert created.professions == ["physiotherapist", "podiatrist"]
    scans = created.milestones.get(kind="logbook")
    assert (scans.target_entries, scans.categories, scans.min_per_category) == (
        250,
        ["Shoulder", "Knee"],
        20,
    )
    assert created.milestones.count() == 3


def test_the_add_and_edit_pages_show_the_panels_and_the_milestone_help(client, educator):
    published_framework(idnumber="INJ")
    add = client.get(reverse(f"{NS}:add"))
    assert add.status_code == 200
    html = add.content.decode()
    for text in (
        "Entry criteria",
        "Cost and funding",
        "Supervision and sign-off",
        "Logbook target: entries or hours",
        'name="professions"',
        "Physiotherapist",
        "Injection therapy: Knee injection",  # published competencies to choose from
    ):
        assert text in html, text
    draft = programme("MSK-US", milestones=[logbook(target_entries=5)])
    edit = client.get(reverse(f"{NS}:edit", args=[draft.pk]))
    assert edit.status_code == 200
    assert reverse(f"{NS}:new_version", args=[draft.pk]) in edit.content.decode()
    assert "Published versions never change. Use" not in edit.content.decode()


def test_educator_publishes_a_programme(client, educator):
    response = client.post(
        reverse(f"{NS}:add"),
        form_data([{"kind": "final", "title": "Final"}], **{"action-publish": "action-publish"}),
    )
    assert response.status_code == 302
    published = Programme.objects.get(code="MSK-US")
    assert published.live and published.milestones.count() == 1
    assert client.get("/fellowships/MSK-US/").status_code == 200


def test_educator_edits_a_draft(client, educator):
    draft = programme("MSK-US")
    data = form_data(title="Renamed", code="MSK-US")
    response = client.post(reverse(f"{NS}:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Renamed"


@pytest.mark.parametrize(
    ("milestone", "field", "message"),
    [
        (logbook(), "target_entries", "needs a number of entries or of hours"),
        (
            {"kind": "assessment", "min_count": "2"},
            "assessment_type",
            "Choose the type of workplace-based assessment",
        ),
        (
            {"kind": "assessment", "assessment_type": "dops"},
            "min_count",
            "how many satisfactory assessments",
        ),
        ({"kind": "competency"}, "competency", "Choose the competency to be signed off"),
        (
            logbook(target_entries="250", min_per_category="20"),
            "categories",
            "A minimum per category needs the categories",
        ),
    ],
)
def test_bad_milestones_are_refused_with_the_field_message(
    client, educator, milestone, field, message
):
    response = client.post(reverse(f"{NS}:add"), form_data([milestone]))
    assert response.status_code == 200
    errors = milestone_errors(response)
    assert any(message in e for e in errors.get(field, [])), errors
    assert not Programme.objects.filter(code="MSK-US").exists()


def test_a_level_from_another_frameworks_scale_is_refused(client, educator):
    mine = published_framework(idnumber="INJ")
    other = published_framework(idnumber="OTHER")
    competency = mine.competencies.get(idnumber="C1")
    level = other.scale_values.get(name="Competent")
    response = client.post(
        reverse(f"{NS}:add"),
        form_data([{"kind": "competency", "competency": competency.pk, "level": level.pk}]),
    )
    assert response.status_code == 200
    assert any("scale of Injection therapy" in e for e in milestone_errors(response)["level"])
    good = mine.scale_values.get(name="Competent")
    response = client.post(
        reverse(f"{NS}:add"),
        form_data([{"kind": "competency", "competency": competency.pk, "level": good.pk}]),
    )
    assert response.status_code == 302


def test_a_live_programme_is_refused_for_edit_with_start_a_new_version(client, educator):
    live = programme("MSK-US", live=True)
    page = client.get(reverse(f"{NS}:edit", args=[live.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Start a new version" in html
    assert reverse(f"{NS}:new_version", args=[live.pk]) in html
    response = client.post(reverse(f"{NS}:edit", args=[live.pk]), form_data(title="Changed"))
    assert response.status_code == 302
    assert any(
        "Published versions never change" in str(m) for m in get_messages(response.wsgi_request)
    )
    live.refresh_from_db()
    assert live.title == "Programme MSK-US"


def test_start_new_version_copies_fields_and_milestones(client, educator):
    live = programme(
        "MSK-US",
        live=True,
        professions=["physiotherapist"],
        milestones=[
            logbook(target_entries=250, categories=["Shoulder"], min_per_category=20),
            {"stage": "End", "title": "Final", "kind": Milestone.Kind.FINAL},
        ],
    )
    response = client.post(reverse(f"{NS}:new_version", args=[live.pk]), {"version": "2.0"})
    new = Programme.objects.get(code="MSK-US", version="2.0")
    assert response.status_code == 302
    assert response["Location"] == reverse(f"{NS}:edit", args=[new.pk])
    assert not new.live and new.is_editable
    assert new.previous_version == live
    assert new.professions == ["physiotherapist"]
    assert list(new.milestones.values_list("title", "target_entries", "categories")) == [
        ("Scans", 250, ["Shoulder"]),
        ("Final", None, []),
    ]
    assert live.milestones.count() == 2  # the published version keeps its own
    # the same version twice is refused with the field message
    again = client.post(reverse(f"{NS}:new_version", args=[live.pk]), {"version": "2.0"})
    assert again.status_code == 200
    assert "Version 2.0 already exists." in again.content.decode()
    # publishing the draft keeps its milestones
    services.publish(new)
    assert new.milestones.count() == 2


def test_retire_a_published_programme(client, educator):
    live = programme("MSK-US", live=True)
    assert client.get(reverse(f"{NS}:retire", args=[live.pk])).status_code == 200
    response = client.post(reverse(f"{NS}:retire", args=[live.pk]))
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.retired and live.get_status_display() == "Retired"
    draft = programme("DRAFT")
    client.post(reverse(f"{NS}:retire", args=[draft.pk]))
    draft.refresh_from_db()
    assert not draft.retired


def test_clinicians_cannot_reach_the_programme_admin(client):
    client.force_login(UserFactory(roles=[Role.CLINICIAN]))
    assert client.get(reverse(f"{NS}:list")).status_code in (302, 403)


# --- Shipped templates ----------------------------------------------------------------------


def test_shipped_templates_load_once_as_drafts_with_the_reference_figures():
    load_shipped_frameworks()
    first = load_shipped_programmes()
    again = load_shipped_programmes()
    assert [p.pk for p in first] == [p.pk for p in again]
    assert Programme.objects.count() == 4
    by_code = {p.code: p for p in first}
    assert set(by_code) == {"MSK-POCUS", "NMP", "MSK-FCP", "SPORTS-EX"}
    for item in first:
        assert not item.live
        assert "not a national rule" in item.summary
        assert item.milestones.filter(kind=Milestone.Kind.FINAL).count() == 1

    pocus = by_code["MSK-POCUS"]
    scans = pocus.milestones.get(kind=Milestone.Kind.LOGBOOK)
    assert (scans.target_entries, scans.min_per_category, scans.appraised_percent) == (250, 20, 10)
    assert scans.supervision == Milestone.Supervision.SUPERVISED
    assert scans.categories == [
        "Shoulder",
        "Elbow",
        "Wrist and hand",
        "Hip",
        "Knee",
        "Ankle and foot",
    ]
    dops = pocus.milestones.get(kind=Milestone.Kind.ASSESSMENT)
    assert (dops.assessment_type, dops.min_count) == ("dops", 2)
    assert pocus.milestones.filter(kind=Milestone.Kind.MODULE, title__contains="OSCE").exists()
    signoffs = pocus.milestones.filter(kind=Milestone.Kind.COMPETENCY)
    assert signoffs.count() == 7
    assert all(m.level.framework_id == m.competency.framework_id for m in signoffs)
    assert pocus.final_signoff_role == "mentor"

    nmp = by_code["NMP"]
    assert nmp.milestones.filter(kind="module", credits=40).exists()
    assert nmp.milestones.filter(kind="module", pass_mark=100).exists()
    hours = nmp.milestones.get(kind="logbook")
    assert hours.target_hours == Decimal("90") and hours.supervision == "supervised"
    rps = nmp.milestones.filter(
        kind="competency", competency__framework__idnumber="RPS-PRESCRIBING"
    )
    assert rps.count() == 10
    assert nmp.final_signoff_role == "dpp"

    fcp = by_code["MSK-FCP"]
    assert fcp.supervisor_capacity == 4 and fcp.final_signoff_role == "roadmap"
    assert set(
        fcp.milestones.filter(kind="assessment").values_list("assessment_type", flat=True)
    ) == {
        "cot",
        "cbd",
        "msf",
    }
    assert fcp.milestones.filter(stage__startswith="Stage 1").exists()

    sports = by_code["SPORTS-EX"]
    assert {
        m.stage: m.target_hours for m in sports.milestones.filter(target_hours__isnull=False)
    } == {"Bronze": 100, "Silver": 300, "Gold": 500}
    silver = sports.milestones.get(stage="Silver", target_hours__isnull=False)
    assert silver.supervision == "independent"


def test_shipped_templates_without_the_frameworks_leave_out_the_signoffs():
    pocus = {p.code: p for p in load_shipped_programmes()}["MSK-POCUS"]
    assert not pocus.milestones.filter(kind=Milestone.Kind.COMPETENCY).exists()
    assert pocus.milestones.filter(kind=Milestone.Kind.LOGBOOK).exists()


def test_publish_shipped_programmes_publishes_each_once():
    published = publish_shipped_programmes()
    assert all(p.live for p in published)
    assert len(publish_shipped_programmes()) == 4
    assert Programme.objects.count() == 4


# --- Plain English --------------------------------------------------------------------------


def test_milestones_described_in_plain_english():
    item = programme("X", final_signoff_role="dpp")
    cases = [
        (
            logbook(
                target_entries=250,
                supervision="supervised",
                categories=["Shoulder", "Knee"],
                min_per_category=20,
                appraised_percent=10,
            ),
            "250 supervised entries, at least 20 in each of: Shoulder, Knee; 10% quality-appraised",
        ),
        (
            logbook(target_hours=Decimal("90.0"), supervision="supervised"),
            "90 hours of supervised practice",
        ),
        (logbook(target_hours=Decimal("100"), category="Shadowing"), "100 hours (Shadowing)"),
        (
            {"kind": "module", "credits": 40},
            "Academic module, 40 credits; assessed as pass or fail",
        ),
        ({"kind": "module", "pass_mark": 100}, "Academic module; pass mark 100%"),
        ({"kind": "assessment", "assessment_type": "dops", "min_count": 2}, "2 satisfactory DOPS"),
        ({"kind": "final"}, "Final declaration signed by the designated prescribing practitioner"),
    ]
    for values, expected in cases:
        milestone = Milestone(programme=item, **({"stage": "S", "title": "T"} | values))
        assert describe_milestone(milestone) == expected


def test_entry_criteria_in_plain_english():
    framework = published_framework(idnumber="INJ")
    item = programme(
        "X",
        min_band="6",
        professions=["podiatrist", "physiotherapist"],
        min_years_qualified=3,
        prerequisite=framework.competencies.get(idnumber="C1"),
    )
    assert describe_entry(item) == [
        "Band 6 or above",
        "Physiotherapists or podiatrists",
        "At least 3 years qualified",
        "Holds Knee injection (verified)",
    ]


# --- The public site ------------------------------------------------------------------------


def test_public_pages_list_the_current_published_programmes_in_plain_english(client):
    load_shipped_frameworks()
    publish_shipped_programmes()
    programme("DRAFT-ONLY", title="Unfinished draft")
    retired = programme("OLD", title="Retired one", live=True)
    services.retire(retired)
    pocus = Programme.objects.get(code="MSK-POCUS")
    services.start_new_version(pocus, "2.0")  # a draft of the next version: not shown

    index = client.get("/fellowships/")
    assert index.status_code == 200
    html = index.content.decode()
    assert html.count("/fellowships/MSK-POCUS/") == 1
    for text in ("Non-medical independent prescribing", "12 months", "MSK point-of-care"):
        assert text in html
    assert "Unfinished draft" not in html and "Retired one" not in html

    page = client.get("/fellowships/MSK-POCUS/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Band 6 or above",
        "Physiotherapists or podiatrists",
        "250 supervised entries, at least 20 in each of: Shoulder, Elbow, Wrist and hand, Hip, "
        "Knee, Ankle and foot; 10% quality-appraised",
        "2 satisfactory DOPS",
        "Module 2: supervised scanning",
        "The final declaration is signed by the mentor.",
        "Each full-time supervisor supports up to 4 fellows.",
        f"/portal/fellowships/apply/{pocus.pk}/",
        "not a national rule",
    ):
        assert text in html, text
    nmp = client.get("/fellowships/NMP/").content.decode()
    assert "90 hours of supervised practice" in nmp
    assert "Academic module; pass mark 100%" in nmp


def test_public_page_shows_the_prerequisite_and_cost(client):
    framework = published_framework(idnumber="INJ")
    programme(
        "PAID",
        live=True,
        cost=Decimal("1800"),
        funding_note="Funded by the service.",
        min_years_qualified=3,
        prerequisite=framework.competencies.get(idnumber="C1"),
    )
    html = client.get("/fellowships/PAID/").content.decode()
    for text in (
        "£1,800",
        "Funded by the service.",
        "At least 3 years qualified",
        "Holds Knee injection (verified)",
    ):
        assert text in html, text
    assert "£1,800" in client.get("/fellowships/").content.decode()


def test_signed_in_people_read_the_public_pages_too(client):
    programme("OPEN", live=True)
    client.force_login(UserFactory(roles=[Role.CLINICIAN]))
    assert client.get("/fellowships/").status_code == 200
    assert client.get("/fellowships/OPEN/").status_code == 200


def test_drafts_and_retired_programmes_are_not_found(client):
    programme("DRAFT")
    retired = programme("OLD", live=True)
    services.retire(retired)
    assert client.get("/fellowships/DRAFT/").status_code == 404
    assert client.get("/fellowships/OLD/").status_code == 404
    assert client.get("/fellowships/NOPE/").status_code == 404


def test_a_new_published_version_replaces_the_old_on_the_site(client):
    first = programme("MSK-US", live=True)
    second = services.start_new_version(first, "2.0")
    Programme.objects.filter(pk=second.pk).update(title="Second edition")
    second.refresh_from_db()
    second.save_revision()
    services.publish(second)
    html = client.get("/fellowships/MSK-US/").content.decode()
    assert "Second edition" in html
    assert f"/portal/fellowships/apply/{second.pk}/" in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_programmes_or_milestones(client):
    framework = published_framework(idnumber="INJ")
    competency = framework.competencies.get(idnumber="C1")
    level = framework.scale_values.get(name="Competent")

    def milestones(n):
        return [
            {
                "stage": f"S{i}",
                "title": f"C{i}",
                "kind": "competency",
                "competency": competency,
                "level": level,
            }
            for i in range(n)
        ] + [logbook(target_entries=10) for _ in range(n)]

    programme("A", live=True, milestones=milestones(1), prerequisite=competency)
    client.get("/fellowships/")  # warm the site and page caches
    one_index = _queries(client, "/fellowships/")
    one_page = _queries(client, "/fellowships/A/")
    for code in ("B", "C", "D"):
        programme(code, live=True, milestones=milestones(1))
    programme("E", live=True, milestones=milestones(6), prerequisite=competency)
    assert _queries(client, "/fellowships/") == one_index
    assert _queries(client, "/fellowships/E/") == one_page
