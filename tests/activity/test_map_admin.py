"""The map and the sources in the Wagtail admin: the map's rules speak on its form, the list
filters and uploads, and a source's column mapping is one box per platform column."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies.models import ActivityRequirement, ActivitySource
from tests.competencies.portfolio_fixtures import published_framework

MAP = "competencies_activity_map"
SOURCES = "competencies_activity_source"


def form(competency, **overrides) -> dict:
    data = {
        "label": "Ultrasound-guided shoulder injection",
        "procedure_scheme": "snomed",
        "procedure_code": "241497006",
        "activity_type": "",
        "competency": competency.pk,
        "level": "",
        "valid_from": "2024-01-01",
        "valid_to": "",
        "lapse_months": "",
    }
    data.update(overrides)
    return data


def test_the_map_form_shows_the_rules_messages_and_saves_nothing(client, world):
    framework = published_framework("INJ")
    competency = framework.competencies.get(idnumber="C2")
    client.force_login(world.user("service_lead"))
    response = client.post(reverse(f"{MAP}:add"), form(competency))
    assert response.status_code == 302
    assert ActivityRequirement.objects.count() == 1
    response = client.post(reverse(f"{MAP}:add"), form(competency, valid_from="2024-06-01"))
    assert response.status_code == 200
    assert "Another line already maps this work to Shoulder injection" in response.content.decode()
    response = client.post(
        reverse(f"{MAP}:add"),
        form(competency, procedure_code="", valid_from="2023-01-01", valid_to="2022-01-01"),
    )
    text = response.content.decode()
    assert "Give a procedure code, an activity type or both" in text
    assert "The end date (2022-01-01) is before the start date (2023-01-01)." in text
    # The draft framework's competencies are not offered at all.
    draft_competency = world.framework.competencies.get(idnumber="C1")
    response = client.post(reverse(f"{MAP}:add"), form(draft_competency, procedure_code="X1"))
    assert "Select a valid choice" in response.content.decode()
    assert ActivityRequirement.objects.count() == 1


def test_the_map_list_filters_by_in_force_and_uploads_in_bulk(client, world, today):
    framework = published_framework("INJ")
    competency = framework.competencies.get(idnumber="C2")
    ActivityRequirement.objects.create(
        label="Old rule",
        procedure_code="1",
        competency=competency,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2021, 1, 1),
    )
    ActivityRequirement.objects.create(
        label="Current rule", procedure_code="2", competency=competency, valid_from=today
    )
    client.force_login(world.user("educator"))
    listing = client.get(reverse(f"{MAP}:index"), {"in_force": "yes"}).content.decode()
    assert "Current rule" in listing and "Old rule" not in listing
    assert "Bulk upload" in listing
    listing = client.get(reverse(f"{MAP}:index"), {"in_force": "no"}).content.decode()
    assert "Old rule" in listing and "Current rule" not in listing
    searched = client.get(reverse(f"{MAP}:index"), {"q": "Current"}).content.decode()
    assert "Current rule" in searched and "Old rule" not in searched
    exported = client.get(reverse(f"{MAP}:index"), {"export": "csv"})
    assert exported.status_code == 200 and b"Current rule" in b"".join(exported)

    bad = (
        "procedure_scheme,procedure_code,activity_type,label,framework,competency,level,"
        "valid_from,valid_to,lapse_months\nsnomed,3,,New rule,INJ,C2,Wizard,2024-01-01,,\n"
    )
    response = client.post(
        reverse(f"{MAP}:upload"), {"file": SimpleUploadedFile("map.csv", bad.encode())}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "&#x27;Wizard&#x27; is not on the scale of Injection therapy" in text
    assert not ActivityRequirement.objects.filter(label="New rule").exists()
    good = bad.replace("Wizard", "Expert")
    response = client.post(
        reverse(f"{MAP}:upload"), {"file": SimpleUploadedFile("map.csv", good.encode())}
    )
    assert response.status_code == 302
    assert ActivityRequirement.objects.get(label="New rule").level.name == "Expert"


def test_a_sources_column_mapping_is_one_box_per_column(client, world):
    client.force_login(world.user("service_lead"))
    page = client.get(reverse(f"{SOURCES}:add")).content.decode()
    assert 'name="column_source_id"' in page and 'name="column_outcome_after"' in page
    response = client.post(
        reverse(f"{SOURCES}:add"),
        {
            "name": "Therapy Manager",
            "code": "tm",
            "description": "",
            "date_format": "dmy",
            "column_source_id": "Activity Ref",
            "column_staff_number": "Clinician",
            "attendance_text": "ATT = attended\nDNA = did_not_attend",
        },
    )
    assert response.status_code == 302
    source = ActivitySource.objects.get(code="tm")
    assert source.column_mapping == {"source_id": "Activity Ref", "staff_number": "Clinician"}
    assert source.attendance_values == {"ATT": "attended", "DNA": "did_not_attend"}
    page = client.get(reverse(f"{SOURCES}:edit", args=[source.pk])).content.decode()
    assert 'value="Activity Ref"' in page and "DNA = did_not_attend" in page

    response = client.post(
        reverse(f"{SOURCES}:edit", args=[source.pk]),
        {
            "name": "Therapy Manager",
            "code": "tm",
            "date_format": "dmy",
            "column_source_id": "Ref",
            "column_staff_number": "ref",
            "attendance_text": "ATT = came",
        },
    )
    text = response.content.decode()
    assert "&#x27;ref&#x27; is already given for source_id." in text or (
        "'ref' is already given for source_id." in text
    )
    assert "Line 1 (&#x27;ATT = came&#x27;)" in text or "Line 1 ('ATT = came')" in text
    source.refresh_from_db()
    assert source.column_mapping["source_id"] == "Activity Ref"


def test_the_migrated_database_grants_the_map_and_the_sources(db):
    from django.contrib.auth.models import Group

    def held(group: str) -> set[str]:
        return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))

    assert {"add_activityrequirement", "change_activityrequirement"} <= held("Educators")
    assert "delete_activityrequirement" not in held("Educators")
    assert {"access_admin", "change_activityrequirement", "change_activitysource"} <= held(
        "Service leads"
    )
    assert {"access_admin", "view_activityrequirement", "change_activitysource"} <= held(
        "Workforce analysts"
    )
    assert "change_activityrequirement" not in held("Workforce analysts")
    assert {"delete_activityrequirement", "delete_activitysource"} <= held("Administrators")
