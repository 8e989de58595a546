"""Descriptions in the admin: imported HTML is edited as rich text, never shown as tags."""

import html
import json
import re

import pytest
from django.urls import reverse

from competencies.admin_forms import DescriptionEditor
from competencies.models import Competency
from ksf.roles import Role
from tests.conftest import educator_framework
from tests.factories import UserFactory

IMPORTED = "<p>Assess the knee<br></p><p>Then the <b>hip</b></p>"


@pytest.fixture
def owner(db):
    return UserFactory(roles=[Role.EDUCATOR])


@pytest.fixture
def framework(owner):
    fw = educator_framework(owner)
    Competency.objects.filter(framework=fw, idnumber="C1").update(description=IMPORTED)
    return fw


def contentstate(page: str) -> dict:
    """The editor's content, as the page hands it to the rich text editor."""
    found = re.search(r'name="description" value="([^"]*)" data-draftail-input', page)
    assert found, "no rich text editor on the page"
    return json.loads(html.unescape(found.group(1)))


def test_an_imported_description_opens_in_the_rich_text_editor_not_as_tags(
    client, owner, framework
):
    node = Competency.objects.get(framework=framework, idnumber="C1")
    client.force_login(owner)
    url = reverse("competencies_tree", args=[framework.pk])
    page = client.get(url, {"edit": node.pk}).content.decode()
    assert "&lt;p&gt;Assess" not in page and "&lt;br&gt;" not in page
    blocks = [b["text"] for b in contentstate(page)["blocks"]]
    assert blocks == ["Assess the knee\n", "Then the hip"]


def test_saving_unchanged_keeps_the_imported_html_byte_for_byte(client, owner, framework):
    node = Competency.objects.get(framework=framework, idnumber="C1")
    client.force_login(owner)
    url = reverse("competencies_tree", args=[framework.pk])
    state = DescriptionEditor().format_value(IMPORTED)  # what the editor posts back untouched
    response = client.post(
        url,
        {
            "action": "save",
            "node": node.pk,
            "idnumber": "C1",
            "short_name": "Injection therapy",
            "code": "C1",
            "parent": node.parent_id,
            "description": state,
        },
    )
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.description == IMPORTED


def test_an_edited_description_is_stored_as_the_editor_writes_it(client, owner, framework):
    node = Competency.objects.get(framework=framework, idnumber="C1")
    client.force_login(owner)
    state = json.loads(DescriptionEditor().format_value(IMPORTED))
    state["blocks"][1]["text"] = "Then the ankle"
    state["blocks"][1]["inlineStyleRanges"] = []
    client.post(
        reverse("competencies_tree", args=[framework.pk]),
        {
            "action": "save",
            "node": node.pk,
            "idnumber": "C1",
            "short_name": "Injection therapy",
            "parent": node.parent_id,
            "description": json.dumps(state),
        },
    )
    node.refresh_from_db()
    assert "Then the ankle" in node.description and "<br/>" in node.description


def test_unreadable_editor_content_is_refused_and_nothing_changes(client, owner, framework):
    node = Competency.objects.get(framework=framework, idnumber="C1")
    client.force_login(owner)
    response = client.post(
        reverse("competencies_tree", args=[framework.pk]),
        {
            "action": "save",
            "node": node.pk,
            "idnumber": "C1",
            "short_name": "Renamed",
            "parent": node.parent_id,
            "description": json.dumps({"blocks": "not a list"}),
        },
    )
    assert response.status_code == 200
    assert "The description could not be read" in response.content.decode()
    node.refresh_from_db()
    assert (node.short_name, node.description) == ("Injection therapy", IMPORTED)


def test_a_markdown_statement_is_edited_as_the_text_it_is(client, owner, framework):
    statement = "| Level | Meaning |\n|---|---|\n| 1 | Aware |\n\nLine one\nline two"
    Competency.objects.filter(framework=framework, idnumber="C2").update(
        description=statement, description_format=Competency.DescriptionFormat.MARKDOWN
    )
    node = Competency.objects.get(framework=framework, idnumber="C2")
    client.force_login(owner)
    page = client.get(
        reverse("competencies_tree", args=[framework.pk]), {"edit": node.pk}
    ).content.decode()
    assert "| Level | Meaning |" in page and "<textarea" in page


def test_the_framework_form_edits_its_description_as_rich_text(client, owner, framework):
    framework.description = "<p>About<br></p>"
    framework.save()
    framework.save_revision(user=owner)  # the editor opens the latest revision
    client.force_login(owner)
    page = client.get(
        reverse("wagtailsnippets_competencies_framework:edit", args=[framework.pk])
    ).content.decode()
    assert "&lt;p&gt;About" not in page
    assert any(b["text"].startswith("About") for b in contentstate(page)["blocks"])
