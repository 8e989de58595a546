"""One rule for reading frameworks in the admin: drafts for their editors and reviewers."""

import pytest
from django.urls import reverse
from wagtail.models import Workflow

from ksf.roles import Role
from tests.competencies.portfolio_fixtures import published_framework
from tests.competencies.test_authoring import small_framework
from tests.factories import UserFactory

SNIPPETS = "wagtailsnippets_competencies_framework"


@pytest.fixture
def people(db):
    return (
        UserFactory(username="author", roles=[Role.EDUCATOR]),
        UserFactory(username="colleague", roles=[Role.EDUCATOR]),
    )


def test_the_list_shows_published_frameworks_and_ones_own_drafts_only(client, people):
    author, colleague = people
    small_framework(user=author, idnumber="AUTHORS-DRAFT")
    small_framework(user=colleague, idnumber="COLLEAGUES-DRAFT")
    published_framework(idnumber="PUBLISHED-FW")
    client.force_login(author)
    frameworks = client.get(reverse(f"{SNIPPETS}:list_results")).context["object_list"]
    assert {f.idnumber for f in frameworks} == {"AUTHORS-DRAFT", "PUBLISHED-FW"}


def test_a_colleagues_draft_is_refused_until_it_is_submitted_for_review(client, people):
    author, colleague = people
    draft = small_framework(user=colleague, idnumber="COLLEAGUES-DRAFT")
    client.force_login(author)
    inspect = reverse(f"{SNIPPETS}:inspect", args=[draft.pk])
    assert client.get(inspect).status_code in (302, 403)
    choosers = "wagtailsnippetchoosers_competencies_framework"
    chooser = client.get(reverse(f"{choosers}:choose_results")).content.decode()
    assert reverse(f"{choosers}:chosen", args=[draft.pk]) not in chooser

    # Submitted for review, it is for the reviewers (the Educators) to read.
    Workflow.objects.get(name="Framework review").start(draft, colleague)
    page = client.get(inspect)
    assert page.status_code == 200
    assert "Small framework" in page.content.decode()


def test_a_published_framework_is_readable_by_every_educator(client, people):
    author, _ = people
    framework = published_framework(idnumber="PUBLISHED-FW")
    client.force_login(author)
    assert client.get(reverse(f"{SNIPPETS}:inspect", args=[framework.pk])).status_code == 200
    export = client.get(reverse("competencies_export", args=[framework.pk, "moodle"]))
    assert export.status_code == 200
    choosers = "wagtailsnippetchoosers_competencies_framework"
    chooser = client.get(reverse(f"{choosers}:choose_results")).content.decode()
    assert reverse(f"{choosers}:chosen", args=[framework.pk]) in chooser


def test_the_frameworks_list_heads_its_status_column_status(client, people):
    author, _ = people
    small_framework(user=author, idnumber="AUTHORS-DRAFT")
    client.force_login(author)
    listing = client.get(reverse(f"{SNIPPETS}:list")).content.decode()
    assert ">Status<" in listing.replace("\n", "").replace(" ", "")
    assert "Get status display" not in listing
    export = client.get(reverse(f"{SNIPPETS}:list"), {"export": "csv"})
    assert b"Status" in b"".join(export.streaming_content).splitlines()[0]
