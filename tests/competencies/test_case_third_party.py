"""CASE packages written by other tools come back as they came, across frameworks too.

``tests/fixtures/case-third-party.json`` is a package in the shape CASE servers such as OpenSALT
publish: no platform extension, children without sequenceNumber (ordered by listEnumeration or
by their codes), markdown tables and blank lines in fullStatement, items without a
humanCodingScheme, and associations to items of other frameworks (crosswalks) by identifier and
URI.
"""

import copy
import json
import uuid
from pathlib import Path

import pytest

from cms.url_converters import encode_code
from competencies.frameworks.selectors import related_links
from competencies.frameworks.services import start_new_version
from competencies.interchange import markdown
from competencies.interchange.case import (
    EXTENSION,
    export_case_package,
    import_case_package,
    natural_key,
    parse_case_package,
)
from competencies.interchange.moodle import export_moodle_csv, parse_moodle_csv
from competencies.interchange.tree import framework_to_data, save_framework
from competencies.models import Competency, Framework
from competencies.models.frameworks import CompetencyAssociation
from ksf.imports.tabular import ImportFailed

FIXTURE = Path(__file__).parent.parent / "fixtures" / "case-third-party.json"
BASE = "https://ksf.example.nhs.uk"

# What the platform adds to another tool's CFItem: its own extension (the ID number, code,
# description format and rules), beside any extensions the item had. Nothing else is added,
# and every field that came in comes back with the same value.
ADDED_ITEM_FIELDS = {"extensions"}
ADDED_EXTENSIONS = {EXTENSION}
# Another tool's CFAssociations come back exactly as they came: nothing added, nothing changed.
ADDED_ASSOCIATION_FIELDS: set[str] = set()
# The CFDocument says what the platform knows now: its status here (a draft until published),
# its last change here and the CASE version it writes; it adds its extension.
CHANGED_DOCUMENT_FIELDS = {"adoptionStatus", "lastChangeDateTime"}
ADDED_DOCUMENT_FIELDS = {"caseVersion", "extensions"}


def package() -> dict:
    return json.loads(FIXTURE.read_bytes())


def dump(p: dict) -> bytes:
    return json.dumps(p).encode()


def by_id(entries: list[dict]) -> dict[str, dict]:
    return {e["identifier"]: e for e in entries}


def by_code(p: dict) -> dict[str, dict]:
    return {i["humanCodingScheme"]: i for i in p["CFItems"] if "humanCodingScheme" in i}


def outside(p: dict, kind: str) -> list[dict]:
    codes = {i["identifier"] for i in p["CFItems"]}
    return [
        a
        for a in p["CFAssociations"]
        if a["associationType"] == kind
        and not (
            a["originNodeURI"]["identifier"] in codes
            and a["destinationNodeURI"]["identifier"] in codes
        )
    ]


@pytest.fixture
def received() -> dict:
    return package()


@pytest.fixture
def imported(db, received) -> Framework:
    return import_case_package(dump(received), filename="third-party.json", user=None)


def publish(framework: Framework) -> Framework:
    framework.get_latest_revision().publish(user=None, skip_permission_checks=True)
    framework.refresh_from_db()
    return framework


def page_url(competency: Competency) -> str:
    return (
        f"/frameworks/{encode_code(competency.framework.idnumber)}/"
        f"{encode_code(competency.idnumber)}/"
    )


# -------------------------------------------------------------------------------- round trip


def test_a_third_party_package_comes_back_as_it_came(received, imported):
    exported = export_case_package(imported, base_url=BASE)

    items_in, items_out = by_id(received["CFItems"]), by_id(exported["CFItems"])
    assert items_out.keys() == items_in.keys()
    for identifier, came in items_in.items():
        went = items_out[identifier]
        assert set(went) - set(came) <= ADDED_ITEM_FIELDS, came.get("humanCodingScheme")
        for key, value in came.items():
            if key == "extensions":
                assert {k: v for k, v in went[key].items() if k not in ADDED_EXTENSIONS} == value
            else:
                assert went[key] == value, (came.get("humanCodingScheme"), key)
        assert set(went.get("extensions", {})) - set(came.get("extensions", {})) <= ADDED_EXTENSIONS

    associations_in = by_id(received["CFAssociations"])
    associations_out = by_id(exported["CFAssociations"])
    assert associations_out.keys() == associations_in.keys()  # every association, no more
    for identifier, came in associations_in.items():
        went = associations_out[identifier]
        assert set(went) - set(came) <= ADDED_ASSOCIATION_FIELDS
        assert {k: went[k] for k in came} == came, came["associationType"]

    doc_in, doc_out = received["CFDocument"], exported["CFDocument"]
    assert set(doc_out) - set(doc_in) <= ADDED_DOCUMENT_FIELDS
    for key, value in doc_in.items():
        if key not in CHANGED_DOCUMENT_FIELDS:
            assert doc_out[key] == value, key
    for kind, entries in received["CFDefinitions"].items():
        kept = by_id(exported["CFDefinitions"][kind])
        assert all(kept[e["identifier"]] == e for e in entries), kind


def test_the_round_trip_is_stable_when_imported_again(received, imported):
    first = export_case_package(imported, base_url=BASE)
    imported.delete()
    again = import_case_package(dump(first), filename="again.json", user=None)
    second = export_case_package(again, base_url=BASE)
    for key in ("CFItems", "CFAssociations"):
        assert by_id(second[key]) == by_id(first[key])


def test_children_without_sequence_numbers_follow_list_enumeration_then_codes(imported):
    def children(code: str) -> list[str]:
        parent = imported.competencies.get(code=code)
        return [c.code or c.short_name for c in parent.children.order_by("sort_order")]

    top = imported.competencies.filter(parent=None).order_by("sort_order")
    assert [c.code for c in top] == ["1", "2", "3"]  # listed 3, 1, 2 in the file
    assert children("1") == [f"1.{n}" for n in range(1, 13)]  # not 1.1, 1.10, 1.11, 1.12, 1.2
    # listEnumeration 1, 2, 3, 10 (not the codes' order, not 1, 10, 2, 3); one has no code.
    assert children("2") == ["2.SI", "Play-based intervention", "2.HW", "2.EQ"]
    # sequenceNumbers 10, 20, 30 still order when present.
    assert [c.short_name for c in imported.competencies.get(code="3").children.all()] == [
        "Reflects on practice with a supervisor each month.",
        "Uses <b>clinical</b> judgement & records the reasons. Asks for a second opinion when "
        "unsure.",
        "CPD record",
    ]


def test_natural_order_of_codes():
    codes = ["1.10", "1.2", "1", "1.1", "B", "a", "1.02", "1.1.b", "10", "9" * 5000]
    assert sorted(codes, key=natural_key) == [
        "1",
        "1.1",
        "1.1.b",
        "1.2",
        "1.02",
        "1.10",
        "10",
        "9" * 5000,
        "a",
        "B",
    ]


def test_statements_are_kept_byte_for_byte(received, imported):
    came = by_code(received)
    for code in ("2.SI.a", "2.SI.b", "2.EQ.a"):
        competency = imported.competencies.get(code=code)
        assert competency.description == came[code]["fullStatement"]
        assert competency.description_format == Competency.DescriptionFormat.MARKDOWN
    assert "\r\n" in imported.competencies.get(code="2.EQ.a").description
    assert imported.competencies.get(code="2.SI.b").description.endswith("strategy.\n")
    went = by_code(export_case_package(imported, base_url=BASE))
    assert all(went[c]["fullStatement"] == came[c]["fullStatement"] for c in came)


def test_items_without_a_code_are_exported_without_one(received, imported):
    uncoded = {i["identifier"] for i in received["CFItems"] if "humanCodingScheme" not in i}
    assert len(uncoded) == 4
    for identifier in uncoded:
        competency = imported.competencies.get(identifier=identifier)
        assert competency.code == ""
        assert competency.idnumber == identifier  # the platform needs one; it is no code
    exported = by_id(export_case_package(imported, base_url=BASE)["CFItems"])
    assert all("humanCodingScheme" not in exported[i] for i in uncoded)


# -------------------------------------------------------------------------------- edits


def test_an_edited_item_gets_the_platforms_own_values(received, imported):
    came = by_code(received)["1.3"]
    competency = imported.competencies.get(code="1.3")
    competency.short_name = "Chooses standardised assessments"
    competency.save()
    went = by_code(export_case_package(imported, base_url=BASE))["1.3"]
    assert went["abbreviatedStatement"] == "Chooses standardised assessments"
    assert went["lastChangeDateTime"] != came["lastChangeDateTime"]
    assert went["uri"] == came["uri"]  # still the same item
    assert "listEnumeration" not in went  # it had none, and its place is the same
    # Its place is unchanged, so its isChildOf is the one that came.
    child = next(
        a
        for a in export_case_package(imported, base_url=BASE)["CFAssociations"]
        if a["associationType"] == "isChildOf"
        and a["originNodeURI"]["identifier"] == came["identifier"]
    )
    assert child == next(
        a
        for a in received["CFAssociations"]
        if a["associationType"] == "isChildOf"
        and a["originNodeURI"]["identifier"] == came["identifier"]
    )


def test_a_moved_item_gets_a_new_place(received, imported):
    came = by_code(received)["2.HW"]
    competency = imported.competencies.get(code="2.HW")
    competency.parent = imported.competencies.get(code="1")
    competency.sort_order = 99
    competency.depth = 2
    competency.save()
    exported = export_case_package(imported, base_url=BASE)
    went = by_code(exported)["2.HW"]
    assert went["listEnumeration"] == "13"
    assert went["CFItemType"] == "Standard"  # the platform's name for its new level
    assert went["CFItemTypeURI"]["identifier"] != came["CFItemTypeURI"]["identifier"]
    child = [
        a
        for a in exported["CFAssociations"]
        if a["associationType"] == "isChildOf"
        and a["originNodeURI"]["identifier"] == came["identifier"]
    ]
    assert len(child) == 1
    assert child[0]["destinationNodeURI"]["identifier"] == by_code(received)["1"]["identifier"]
    assert child[0]["sequenceNumber"] == 13
    assert child[0]["identifier"] not in by_id(received["CFAssociations"])


def test_a_new_version_keeps_the_associations(received, imported):
    publish(imported)
    draft = start_new_version(imported, version="2025.1", user=None)
    exported = export_case_package(draft, base_url=BASE)
    came = by_id(received["CFAssociations"])
    went = by_id(exported["CFAssociations"])
    top = {
        a["identifier"]
        for a in received["CFAssociations"]
        if a["destinationNodeURI"]["identifier"] == received["CFDocument"]["identifier"]
    }
    assert len(top) == 3
    # Only the top-level isChildOf change: they now point at the new version's document.
    assert set(came) - set(went) == top
    for identifier in set(came) - top:
        assert went[identifier]["CFDocumentURI"]["identifier"] == str(draft.identifier)
        assert went[identifier]["destinationNodeURI"] == came[identifier]["destinationNodeURI"]
    assert exported["CFDocument"]["uri"] != received["CFDocument"]["uri"]  # another document


# -------------------------------------------------------------------------------- across frameworks


def hcpc_package(received: dict) -> dict:
    """The framework the crosswalk points at, arriving later from its own CASE server."""
    target = outside(received, "isRelatedTo")[0]["destinationNodeURI"]
    doc = str(uuid.uuid4())
    stamp = "2024-01-10T12:00:00Z"
    link = {"title": "HCPC standards", "identifier": doc, "uri": f"https://hcpc.example/{doc}"}
    return {
        "CFDocument": {
            "identifier": doc,
            "uri": link["uri"],
            "creator": "HCPC",
            "title": "HCPC standards of proficiency: occupational therapists",
            "lastChangeDateTime": stamp,
        },
        "CFItems": [
            {
                "identifier": target["identifier"],
                "uri": target["uri"],
                "fullStatement": "Be able to select and use standardised assessment",
                "humanCodingScheme": "13.5",
                "lastChangeDateTime": stamp,
                "CFDocumentURI": link,
            }
        ],
        "CFAssociations": [
            {
                "identifier": str(uuid.uuid4()),
                "associationType": "isChildOf",
                "uri": "https://hcpc.example/a1",
                "originNodeURI": {"identifier": target["identifier"], "title": "", "uri": ""},
                "destinationNodeURI": link,
                "lastChangeDateTime": stamp,
            }
        ],
    }


def test_associations_to_other_frameworks_are_kept(received, imported):
    rows = CompetencyAssociation.objects.filter(competency__framework=imported)
    kept = {str(r.identifier): r for r in rows}
    for a in outside(received, "isRelatedTo") + outside(received, "exactMatchOf"):
        row = kept[a["identifier"]]
        inside_is_origin = row.outgoing
        far = a["destinationNodeURI"] if inside_is_origin else a["originNodeURI"]
        assert str(row.target_identifier) == far["identifier"]
        assert (row.target_title, row.target_uri) == (far["title"], far["uri"])
        assert row.association_type == a["associationType"]
        assert row.other is None


def test_outside_items_are_links_until_their_framework_is_published_here(
    client, received, imported
):
    publish(imported)
    source = imported.competencies.get(code="1.3")
    far = outside(received, "isRelatedTo")[0]["destinationNodeURI"]
    body = client.get(page_url(source)).content.decode()
    assert f'<a href="{far["uri"]}" rel="external noreferrer">{far["title"]}</a>' in body

    # The framework holding that item arrives: as a draft it changes nothing ...
    hcpc = import_case_package(dump(hcpc_package(received)), filename="hcpc.json", user=None)
    assert far["uri"] in client.get(page_url(source)).content.decode()
    # ... published, the association leads to it on this site, both ways.
    publish(hcpc)
    target = hcpc.competencies.get()
    body = client.get(page_url(source)).content.decode()
    assert far["uri"] not in body
    assert f'href="{page_url(target)}"' in body
    back = client.get(page_url(target)).content.decode()
    assert f'href="{page_url(source)}"' in back
    (link,) = related_links(target)
    assert link.competency == source

    # And the export still says what came in.
    exported = by_id(export_case_package(imported, base_url=BASE)["CFAssociations"])
    for a in outside(received, "isRelatedTo") + outside(received, "exactMatchOf"):
        assert exported[a["identifier"]] == a


def test_related_links_of_each_kind(received, imported):
    publish(imported)
    links = {link.title: link for link in related_links(imported.competencies.get(code="2.HW"))}
    assert links["4.1 Handwriting intervention"].association_type == "exactMatchOf"
    assert links["4.1 Handwriting intervention"].uri.startswith("https://case.example-rcot.org/")
    assert links["4.1 Handwriting intervention"].outgoing is False
    precedes = links["Sensory integration"]
    assert (precedes.association_type, precedes.outgoing) == ("precedes", False)
    assert precedes.competency == imported.competencies.get(code="2.SI")


def test_page_shows_kinds_in_words_and_no_unsafe_link(client, received, imported):
    package = copy.deepcopy(received)
    x = next(a for a in package["CFAssociations"] if a in outside(package, "exactMatchOf"))
    x["destinationNodeURI"]["uri"] = "javascript:alert(1)"
    imported.delete()
    framework = publish(import_case_package(dump(package), filename="p.json", user=None))
    body = client.get(page_url(framework.competencies.get(code="1.8"))).content.decode()
    assert "javascript:" not in body
    assert "2.3 Safeguarding children and young people" in body
    assert "exact match" in body
    hw = client.get(page_url(framework.competencies.get(code="2.SI"))).content.decode()
    assert "comes after this" in hw


# -------------------------------------------------------------------------------- showing markdown


def test_markdown_statements_render_as_paragraphs_breaks_and_tables(client, imported):
    publish(imported)
    table = client.get(page_url(imported.competencies.get(code="2.SI.a"))).content.decode()
    assert "<p>Grades sensory activities to the child&#x27;s responses.</p>" in table or (
        "<p>Grades sensory activities to the child's responses.</p>" in table
    )
    assert '<th scope="col" class="nhsuk-table__header">Typical adjustment</th>' in table
    assert '<td class="nhsuk-table__cell">Seeks movement, crashes into things</td>' in table
    lines = client.get(page_url(imported.competencies.get(code="2.SI.b"))).content.decode()
    assert "at home,<br>\nat school,<br>\nand in clinic.</p>" in lines
    markup = next(c for c in imported.competencies.all() if "<b>" in c.description)
    body = client.get(page_url(markup)).content.decode().split("</h1>", 1)[1]
    assert (
        "<p>Uses &lt;b&gt;clinical&lt;/b&gt; judgement &amp; records the reasons.<br>\n"
        "Asks for a second opinion when unsure.</p>"
    ) in body


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("One\ntwo\n\n\nThree", "<p>One<br>\ntwo</p>\n<p>Three</p>"),
        ("a\r\nb", "<p>a<br>\nb</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("[x](javascript:alert(1)) **b**", "<p>[x](javascript:alert(1)) **b**</p>"),
        ("a | b", "<p>a | b</p>"),  # a pipe alone is no table
        ("", ""),
    ],
)
def test_markdown_subset(text, html):
    assert markdown.render(text) == html


def test_markdown_tables():
    rendered = markdown.render("Before\n| A | B \\| C |\n|---|---|\n| 1 |\n| 2 | 3 | 4 |\nAfter")
    assert rendered.startswith("<p>Before</p>\n<table")
    assert '<th scope="col" class="nhsuk-table__header">B | C</th>' in rendered
    assert rendered.count("<tr") == 3
    assert '<td class="nhsuk-table__cell"></td>' in rendered  # a short row is padded
    assert ">4<" not in rendered  # a long row is cut to the header
    assert rendered.endswith("</table>\n<p>After</p>")


# -------------------------------------------------------------------------------- other formats


def test_moodle_keeps_markdown_descriptions(imported):
    csv = export_moodle_csv(framework_to_data(imported))
    data = parse_moodle_csv(csv, "export.csv")
    data.idnumber, data.version = "COPY", "1"
    copy_ = save_framework(data, filename="export.csv", user=None)
    table = copy_.competencies.get(idnumber="2.SI.a")
    assert table.description_format == Competency.DescriptionFormat.MARKDOWN
    assert table.description == imported.competencies.get(code="2.SI.a").description


@pytest.mark.urls("tests.competencies.case_urls")
def test_the_api_serves_kept_associations(client, received, imported):
    publish(imported)
    for a in outside(received, "exactMatchOf"):
        response = client.get(f"/ims/case/v1p1/CFAssociations/{a['identifier']}")
        assert response.status_code == 200
        assert response.json() == a


# -------------------------------------------------------------------------------- bad input


def _outside_uri_not_text(p, settings):
    a = outside(p, "isRelatedTo")[0]
    a["destinationNodeURI"]["uri"] = 42
    return f"$.CFAssociations[{p['CFAssociations'].index(a)}].destinationNodeURI.uri"


def _outside_title_too_long(p, settings):
    settings.IMPORT_MAX_CELL_CHARS = 20
    a = outside(p, "exactMatchOf")[0]
    return f"$.CFAssociations[{p['CFAssociations'].index(a)}].destinationNodeURI.title"


def _nul_in_a_kept_field(p, settings):
    p["CFItems"][4]["notes"] = "bad\x00note"
    return "$.CFItems[4].notes"


def _duplicate_association_identifier(p, settings):
    p["CFAssociations"][5]["identifier"] = p["CFAssociations"][2]["identifier"]
    return "$.CFAssociations[5].identifier"


def _nul_in_an_association(p, settings):
    p["CFAssociations"][7]["originNodeURI"]["title"] = "x\x00"
    return "$.CFAssociations[7]"


def _bad_description_format(p, settings):
    p["CFItems"][0]["extensions"] = {EXTENSION: {"descriptionFormat": "rtf"}}
    return f"$.CFItems[0].extensions.{EXTENSION}.descriptionFormat"


def _unpaired_surrogate(p, settings):
    p["CFItems"][6]["fullStatement"] = "Half a character: \ud800"
    return "$.CFItems[6].fullStatement"


@pytest.mark.parametrize(
    "mutate",
    [
        _unpaired_surrogate,
        _outside_uri_not_text,
        _outside_title_too_long,
        _nul_in_a_kept_field,
        _duplicate_association_identifier,
        _nul_in_an_association,
        _bad_description_format,
    ],
)
def test_bad_third_party_input_is_refused_by_json_path_and_writes_nothing(
    db, received, mutate, settings
):
    path = mutate(received, settings)
    with pytest.raises(ImportFailed) as failed:
        import_case_package(dump(received), filename="bad.json", user=None)
    assert path in [e.column for e in failed.value.errors], failed.value.errors
    assert not Framework.objects.exists()
    assert not CompetencyAssociation.objects.exists()


def test_parsing_writes_nothing(db, received):
    data = parse_case_package(dump(received), "third-party.json")
    assert len(data.competencies) == 25 and len(data.associations) == 6
    assert not Framework.objects.exists()


def test_related_links_take_a_fixed_number_of_queries(
    received, imported, django_assert_max_num_queries
):
    publish(imported)
    competency = Competency.objects.get(framework=imported, code="2.HW")
    with django_assert_max_num_queries(5):
        assert len(related_links(competency)) == 2
