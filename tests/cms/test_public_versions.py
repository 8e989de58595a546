"""Framework versions on the public site: one entry per framework, every published version
readable at its own address, superseded and retired versions saying so."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competencies.frameworks.services import delete_competency, start_new_version
from competencies.interchange.tree import (
    CompetencyData,
    FrameworkData,
    ScaleValueData,
    save_framework,
)
from competencies.models import Competency, Framework

V1_PUBLISHED = datetime.datetime(2025, 6, 2, 12, 0, tzinfo=datetime.UTC)
V2_PUBLISHED = datetime.datetime(2026, 3, 3, 12, 0, tzinfo=datetime.UTC)


def publish(framework: Framework, when: datetime.datetime | None = None) -> Framework:
    framework.get_latest_revision().publish(user=None, skip_permission_checks=True)
    if when is not None:
        Framework.objects.filter(pk=framework.pk).update(
            first_published_at=when, last_published_at=when
        )
    return Framework.objects.get(pk=framework.pk)


def first_version(idnumber: str = "MSK-CORE", title: str = "MSK core capabilities") -> Framework:
    data = FrameworkData(
        idnumber=idnumber,
        title=title,
        version="1.0",
        scale=[ScaleValueData("No", False, False), ScaleValueData("Yes", True, True)],
        taxonomy=["domain", "capability"],
        competencies=[
            CompetencyData("D1", "Assessment"),
            CompetencyData("C1", "Takes a history of the problem", parent_idnumber="D1"),
            CompetencyData("C2", "Orders plain radiographs", parent_idnumber="D1"),
        ],
    )
    return save_framework(data, filename="test", user=None)


def with_versions(idnumber: str = "MSK-CORE", title: str = "MSK core capabilities"):
    """1.0 published, then 2.0 started from it (without C2) and published: both are live."""
    v1 = publish(first_version(idnumber, title), V1_PUBLISHED)
    draft = start_new_version(v1, version="2.0", user=None)
    delete_competency(Competency.objects.get(framework=draft, idnumber="C2"), user=None)
    v2 = publish(draft, V2_PUBLISHED)
    return v1, v2


@pytest.fixture
def versions(db):
    return with_versions()


def text(response) -> str:
    return response.content.decode()


def main(response) -> str:
    return text(response).split("<main", 1)[1]


def test_the_index_lists_a_framework_once_at_its_current_version(client, versions):
    body = main(client.get("/frameworks/"))
    assert body.count("MSK core capabilities") == 1
    assert "version 2.0" in body
    assert "version 1.0" not in body
    assert body.count('href="/frameworks/MSK-CORE/"') == 1


def test_search_finds_each_competency_once_at_its_current_address(client, versions):
    body = main(client.get("/frameworks/", {"q": "history"}))
    assert "1 competency match" in body
    assert body.count("Takes a history of the problem") == 1
    assert 'href="/frameworks/MSK-CORE/C1/"' in body
    # Only in 1.0, which is superseded: not offered as a current competency.
    assert "1 competency match" not in main(client.get("/frameworks/", {"q": "radiographs"}))


def test_the_current_version_lists_the_earlier_ones(client, versions):
    response = client.get("/frameworks/MSK-CORE/")
    assert response.status_code == 200
    body = main(response)
    assert "version 2.0" in body
    assert "Superseded version" not in body
    assert "Earlier versions" in body
    assert 'href="/frameworks/MSK-CORE/v/1_2E0/"' in body
    assert "published 2 June 2025" in body
    assert 'href="/frameworks/MSK-CORE/C1/"' in body


def test_a_superseded_version_is_readable_at_its_own_address_and_says_so(client, versions):
    response = client.get("/frameworks/MSK-CORE/v/1_2E0/")
    assert response.status_code == 200
    body = main(response)
    assert "version 1.0" in body
    assert "This is version 1.0, replaced by version 2.0 on 3 March 2026." in body
    assert 'href="/frameworks/MSK-CORE/"' in body  # the current version
    assert "Go to the current version (2.0)" in body
    # Its tree is its own, and leads to its own competencies.
    assert "Orders plain radiographs" in body
    assert 'href="/frameworks/MSK-CORE/v/1_2E0/C2/"' in body
    assert 'href="/frameworks/MSK-CORE/C1/"' not in body
    assert "Earlier versions" not in body


def test_a_superseded_competency_says_so_and_leads_to_the_current_one(client, versions):
    response = client.get("/frameworks/MSK-CORE/v/1_2E0/C1/")
    assert response.status_code == 200
    body = main(response)
    assert "Takes a history of the problem" in body
    assert "This is version 1.0, replaced by version 2.0 on 3 March 2026." in body
    assert 'href="/frameworks/MSK-CORE/C1/"' in body
    assert "See this in the current version (2.0)" in body
    assert 'href="/frameworks/MSK-CORE/v/1_2E0/"' in text(response)  # breadcrumb: its version

    dropped = client.get("/frameworks/MSK-CORE/v/1_2E0/C2/")
    assert dropped.status_code == 200
    assert "This is not part of the current version." in main(dropped)
    assert client.get("/frameworks/MSK-CORE/C2/").status_code == 404


def test_the_current_version_has_its_own_address_too(client, versions):
    response = client.get("/frameworks/MSK-CORE/v/2_2E0/")
    assert response.status_code == 200
    body = main(response)
    assert "Superseded version" not in body
    assert 'href="/frameworks/MSK-CORE/v/2_2E0/C1/"' in body
    assert client.get("/frameworks/MSK-CORE/v/2_2E0/C1/").status_code == 200
    assert client.get("/frameworks/MSK-CORE/C1/").status_code == 200


def test_the_old_version_parameter_redirects_to_the_versions_address(client, versions):
    response = client.get("/frameworks/MSK-CORE/", {"version": "1.0"})
    assert response.status_code == 301
    assert response["Location"] == "/frameworks/MSK-CORE/v/1_2E0/"
    response = client.get("/frameworks/MSK-CORE/C1/", {"version": "1.0"})
    assert response.status_code == 301
    assert response["Location"] == "/frameworks/MSK-CORE/v/1_2E0/C1/"
    assert client.get("/frameworks/MSK-CORE/", {"version": "9.9"}).status_code == 404
    assert client.get("/frameworks/MSK-CORE/C2/", {"version": "2.0"}).status_code == 404
    assert client.get("/frameworks/MSK-CORE/", {"version": "1\x00"}).status_code == 404


@pytest.mark.parametrize(
    "address",
    [
        "/frameworks/MSK-CORE/v/3_2E0/",  # a draft
        "/frameworks/MSK-CORE/v/3_2E0/C1/",
        "/frameworks/MSK-CORE/v/9_2E9/",  # no such version
        "/frameworks/MSK-CORE/v/9_2E9/C1/",
        "/frameworks/MSK-CORE/v/1_2E0/NOPE/",
        "/frameworks/MSK-CORE/v/_00/",  # a NUL
        "/frameworks/MSK-CORE/v/_ZZ/",
        "/frameworks/NOPE/v/1_2E0/",
        "/frameworks/MSK-CORE/v/",
    ],
)
def test_drafts_and_unknown_versions_are_not_found(client, versions, address):
    _v1, v2 = versions
    start_new_version(v2, version="3.0", user=None)
    assert client.get(address).status_code == 404
    assert client.get("/frameworks/MSK-CORE/", {"version": "3.0"}).status_code == 404
    assert "3.0" not in main(client.get("/frameworks/MSK-CORE/"))


def test_a_framework_never_published_is_not_shown(client, db):
    first_version()
    assert "MSK core capabilities" not in main(client.get("/frameworks/"))
    assert client.get("/frameworks/MSK-CORE/").status_code == 404
    assert client.get("/frameworks/MSK-CORE/v/1_2E0/").status_code == 404


def test_a_retired_earlier_version_says_it_is_retired(client, versions):
    v1, _v2 = versions
    Framework.objects.filter(pk=v1.pk).update(retired=True)
    body = main(client.get("/frameworks/MSK-CORE/v/1_2E0/"))
    assert "Retired version" in body
    assert "This is version 1.0, replaced by version 2.0 on 3 March 2026." in body
    assert "This version is retired." in body
    current = main(client.get("/frameworks/MSK-CORE/"))
    assert "Retired" in current.split("Earlier versions", 1)[1]


def test_a_framework_whose_versions_are_all_retired_is_listed_once_as_retired(client, versions):
    Framework.objects.filter(idnumber="MSK-CORE").update(retired=True)
    index = main(client.get("/frameworks/"))
    assert index.count("MSK core capabilities") == 1
    assert "version 2.0" in index
    assert "Retired" in index
    page = main(client.get("/frameworks/MSK-CORE/"))
    assert "This framework is retired." in page
    assert "version 2.0" in page
    old = main(client.get("/frameworks/MSK-CORE/v/1_2E0/"))
    assert "This is version 1.0, replaced by version 2.0 on 3 March 2026." in old


def test_versions_with_any_characters_have_working_addresses(client, versions):
    _v1, v2 = versions
    odd = publish(start_new_version(v2, version="2025.1/b ŵ", user=None))
    Framework.objects.filter(pk=odd.pk).update(retired=True)  # 2.0 stays current
    current = main(client.get("/frameworks/MSK-CORE/"))
    address = "/frameworks/MSK-CORE/v/2025_2E1_2Fb_20_C5_B5/"
    assert f'href="{address}"' in current
    response = client.get(address)
    assert response.status_code == 200
    assert "This version is retired." in main(response)
    assert client.get(address + "C1/").status_code == 200
    redirect = client.get("/frameworks/MSK-CORE/", {"version": "2025.1/b ŵ"})
    assert redirect["Location"] == address


def _index_queries(client, query: str = "") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/frameworks/", {"q": query} if query else {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "history"])
def test_the_index_takes_as_many_queries_for_six_frameworks_as_for_two(client, db, query):
    for n in range(2):
        with_versions(f"FW-{n}", f"Framework number {n}")
    _index_queries(client, query)  # warm caches (site root, page tree)
    two = _index_queries(client, query)
    for n in range(2, 6):
        _v1, v2 = with_versions(f"FW-{n}", f"Framework number {n}")
        start_new_version(v2, version="3.0", user=None)  # drafts too
    six = _index_queries(client, query)
    assert six == two
    body = main(client.get("/frameworks/", {"q": query} if query else {}))
    listed = body.split("Published frameworks", 1)[1]
    for n in range(6):
        assert listed.count(f"Framework number {n}") == 1
    if query:
        assert "6 competencies match" in body  # one per framework, its current version
