import copy
import dataclasses
import json
import uuid

import pytest

from competencies.interchange.case import (
    EXTENSION,
    association_identifier,
    export_case_package,
    import_case_package,
    parse_case_package,
)
from competencies.interchange.tree import (
    CompetencyData,
    FrameworkData,
    ScaleValueData,
    framework_to_data,
    save_framework,
)
from competencies.models import Competency, Framework
from ksf.imports.tabular import ImportFailed

BASE = "https://ksf.example.nhs.uk"
U = uuid.UUID


def comp(idnumber: str, parent: str = "", order: int = 1, **fields) -> CompetencyData:
    return CompetencyData(
        idnumber=idnumber,
        short_name=fields.pop("short_name", f"Competency {idnumber}"),
        parent_idnumber=parent,
        sort_order=order,
        **fields,
    )


@pytest.fixture
def other(db) -> Framework:
    """A second framework that the main one cross references."""
    data = FrameworkData(
        idnumber="HCPC-SOP",
        title="HCPC standards of proficiency",
        competencies=[comp("SOP-1", short_name="Practise safely"), comp("SOP-2", order=2)],
    )
    return save_framework(data, filename="other", user=None)


@pytest.fixture
def main(other) -> Framework:
    data = FrameworkData(
        idnumber="MSK-CORE",
        title="MSK physiotherapy core capabilities",
        description="<p>Capabilities for <strong>MSK</strong> first contact.</p>",
        publisher="NHS Example Trust",
        version="2.1",
        licence="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        source_url="https://example.nhs.uk/msk",
        taxonomy=["domain", "capability", "indicator"],
        scale=[
            ScaleValueData("Not yet"),
            ScaleValueData("With support", False, True),
            ScaleValueData("Independent", True),
        ],
        validity_months=36,
        competencies=[
            comp("D1", code="A", short_name="Assessment"),
            comp(
                "D1.1",
                "D1",
                1,
                code="A.1",
                description="<p>Takes a <em>history</em> &amp; screens red flags.</p>",
                rule_type="all",
                rule_outcome=3,
                cross_references=["D2.1"],
            ),
            comp("D1.1.a", "D1.1", 1, description="Plain text, no markup."),
            comp("D1.1.b", "D1.1", 2, code="A.1.b", cross_references=["D2.1.a"]),
            comp("D1.2", "D1", 2, short_name="Examination"),
            comp(
                "D2",
                "",
                2,
                code="B",
                short_name="Management",
                rule_type="points",
                rule_outcome=2,
                rule_config={"base": {"points": 2}, "competencies": []},
            ),
            comp("D2.1", "D2", 1, description="Competency D2.1"),
            comp("D2.1.a", "D2.1", 1),
        ],
    )
    framework = save_framework(data, filename="main", user=None)
    sop1 = Competency.objects.get(framework=other, idnumber="SOP-1")
    Competency.objects.get(framework=framework, idnumber="D1.2").cross_references.add(sop1)
    return framework


def export(framework: Framework) -> dict:
    return export_case_package(framework, base_url=BASE)


def dump(package: dict) -> bytes:
    return json.dumps(package).encode()


def comparable(data: FrameworkData) -> dict:
    out = dataclasses.asdict(data)
    for key in ("idnumber", "version", "identifier"):
        out.pop(key)
    out["external_references"] = sorted(out["external_references"])
    return out


def items_by_code(package: dict) -> dict[str, dict]:
    return {i["humanCodingScheme"]: i for i in package["CFItems"]}


# -------------------------------------------------------------------------------- export


def test_export_shape(main, other):
    package = export(main)
    doc = package["CFDocument"]
    assert doc["identifier"] == str(main.identifier)
    assert doc["uri"] == f"{BASE}/ims/case/v1p1/CFDocuments/{main.identifier}"
    assert doc["creator"] == "NHS Example Trust"
    assert doc["adoptionStatus"] == "Draft"
    assert doc["lastChangeDateTime"].endswith("Z")
    assert doc["licenseURI"]["uri"] == main.licence
    assert doc["description"] == "Capabilities for MSK first contact."
    ext = doc["extensions"][EXTENSION]
    assert ext["idnumber"] == "MSK-CORE"
    assert ext["validityMonths"] == 36
    assert [v["name"] for v in ext["scale"]] == ["Not yet", "With support", "Independent"]

    items = items_by_code(package)
    assert len(items) == 8
    history = items["A.1"]
    assert history["fullStatement"] == "Takes a history & screens red flags."
    assert history["abbreviatedStatement"] == "Competency D1.1"
    assert history["CFItemType"] == "capability"
    assert items["D1.1.a"]["CFItemType"] == "indicator"  # no code: the ID number
    assert items["D1.1.a"]["listEnumeration"] == "1"
    assert history["CFDocumentURI"]["identifier"] == str(main.identifier)
    assert {t["title"] for t in package["CFDefinitions"]["CFItemTypes"]} == {
        "domain",
        "capability",
        "indicator",
    }

    children = [a for a in package["CFAssociations"] if a["associationType"] == "isChildOf"]
    assert len(children) == 8
    top = [a for a in children if a["destinationNodeURI"]["identifier"] == str(main.identifier)]
    assert [(a["originNodeURI"]["title"], a["sequenceNumber"]) for a in top] == [
        ("Assessment", 1),
        ("Management", 2),
    ]
    related = [a for a in package["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    pairs = {
        frozenset((a["originNodeURI"]["identifier"], a["destinationNodeURI"]["identifier"]))
        for a in related
    }
    assert len(related) == len(pairs) == 3  # each pair once, not twice
    sop1 = Competency.objects.get(framework=other, idnumber="SOP-1")
    assert frozenset((items["D1.2"]["identifier"], str(sop1.identifier))) in pairs
    for a in package["CFAssociations"]:
        expected = association_identifier(
            a["associationType"],
            a["originNodeURI"]["identifier"],
            a["destinationNodeURI"]["identifier"],
        )
        assert a["identifier"] == str(expected)


def test_association_identifiers_are_stable_across_exports(main):
    first, second = export(main), export(main)
    assert [a["identifier"] for a in first["CFAssociations"]] == [
        a["identifier"] for a in second["CFAssociations"]
    ]
    assert first == second


# -------------------------------------------------------------------------------- round trips


def test_round_trip_under_a_new_idnumber_gives_the_same_tree(main):
    before = framework_to_data(main)
    data = parse_case_package(dump(export(main)), "main.json")
    data.idnumber, data.version, data.identifier = "MSK-COPY", "9", None
    copy_ = save_framework(data, filename="main.json", user=None)
    assert copy_.pk != main.pk
    assert comparable(framework_to_data(copy_)) == comparable(before)
    assert comparable(framework_to_data(main)) == comparable(before)  # original untouched


def test_reimport_into_an_empty_database_keeps_identifiers(main):
    package = export(main)
    items = {c.idnumber: c.identifier for c in main.competencies.all()}
    identifier = main.identifier
    main.delete()
    again = import_case_package(dump(package), filename="main.json", user=None)
    assert again.identifier == identifier
    assert {c.idnumber: c.identifier for c in again.competencies.all()} == items
    repeat = export(again)
    assert {a["identifier"] for a in repeat["CFAssociations"]} == {
        a["identifier"] for a in package["CFAssociations"]
    }
    assert items_without_time(repeat) == items_without_time(package)


def items_without_time(package: dict) -> list[dict]:
    return [dict(i, lastChangeDateTime=None) for i in package["CFItems"]]


def test_export_without_extensions_still_imports_the_same_tree(main, other):
    package = export(main)
    package["CFDocument"].pop("extensions")
    for item in package["CFItems"]:
        item.pop("extensions")
    main.delete()
    again = import_case_package(dump(package), filename="plain.json", user=None)
    assert again.idnumber == package["CFDocument"]["identifier"]
    assert again.taxonomy == ["domain", "capability", "indicator"]
    assert again.scale_values.count() == 2
    data = framework_to_data(again)
    by_code = {c.idnumber: c for c in data.competencies}
    assert [c.idnumber for c in data.competencies] == [
        "A",
        "A.1",
        "D1.1.a",
        "A.1.b",
        "D1.2",
        "B",
        "D2.1",
        "D2.1.a",
    ]
    assert by_code["A.1"].parent_idnumber == "A"
    assert by_code["A.1"].description == "Takes a history & screens red flags."
    assert by_code["A.1"].cross_references == ["D2.1"]
    # Without the extension a fullStatement equal to the short name adds no description.
    assert by_code["D2.1"].description == ""
    assert by_code["D1.2"].description == ""
    sop1 = Competency.objects.get(framework=other, idnumber="SOP-1")
    assert data.external_references == [("D1.2", sop1.identifier)]


def test_bom_and_unsupported_associations_are_accepted(main):
    package = export(main)
    item = package["CFItems"][0]["identifier"]
    package["CFAssociations"].append(
        {
            "identifier": str(uuid.uuid4()),
            "associationType": "isTranslationOf",
            "uri": "x",
            "originNodeURI": {"identifier": item},
            "destinationNodeURI": {"identifier": "not-even-a-uuid"},
            "lastChangeDateTime": "2024-01-01T00:00:00Z",
        }
    )
    data = parse_case_package(b"\xef\xbb\xbf" + dump(package), "bom.json")
    assert len(data.competencies) == 8


def v10_package() -> dict:
    doc_id, a, b, c, d = (str(uuid.uuid4()) for _ in range(5))
    stamp = "2019-05-01T10:00:00+00:00"

    def item(identifier, statement, coding=None, kind="Standard"):
        out = {
            "identifier": identifier,
            "uri": f"https://case.example.org/uri/{identifier}",
            "fullStatement": statement,
            "CFItemType": kind,
            "lastChangeDateTime": stamp,
        }
        if coding:
            out["humanCodingScheme"] = coding
        return out

    def assoc(kind, origin, destination, seq=None):
        identifier = str(uuid.uuid4())
        out = {
            "identifier": identifier,
            "associationType": kind,
            "uri": f"https://case.example.org/uri/{identifier}",
            "originNodeURI": {"title": "", "identifier": origin, "uri": ""},
            "destinationNodeURI": {"title": "", "identifier": destination, "uri": ""},
            "lastChangeDateTime": stamp,
        }
        if seq is not None:
            out["sequenceNumber"] = seq
        return out

    return {
        "CFDocument": {
            "identifier": doc_id,
            "uri": f"https://case.example.org/uri/{doc_id}",
            "creator": "Scottish Government",
            "title": "Health and wellbeing",
            "lastChangeDateTime": stamp,
            "adoptionStatus": "Adopted",
        },
        "CFItems": [
            item(a, "Mental, emotional, social and physical wellbeing", "HWB", "Strand"),
            item(b, "I can describe my feelings.", "HWB 0-01a"),
            item(c, "I know that friendship is important.", "HWB 0-02a"),
            item(d, "I understand that my feelings change.", None),
        ],
        "CFAssociations": [
            assoc("isChildOf", a, doc_id, 1),
            assoc("isChildOf", c, a, 2),
            assoc("isChildOf", b, a, 1),
            assoc("isChildOf", d, a, 3),
            assoc("exactMatchOf", b, d),
            assoc("isPeerOf", b, c),
        ],
        "CFDefinitions": {"CFItemTypes": []},
    }


def test_v10_package_without_extensions_imports(db):
    package = v10_package()
    doc_id = package["CFDocument"]["identifier"]
    framework = import_case_package(dump(package), filename="hwb.json", user=None)
    assert framework.identifier == U(doc_id)
    assert framework.idnumber == doc_id
    assert framework.publisher == "Scottish Government"
    assert framework.taxonomy == ["Strand", "Standard"]
    assert list(framework.scale_values.values_list("name", "proficient")) == [
        ("Not yet competent", False),
        ("Competent", True),
    ]
    data = framework_to_data(framework)
    fourth = package["CFItems"][3]["identifier"]
    assert [(c.idnumber, c.parent_idnumber) for c in data.competencies] == [
        ("HWB", ""),
        ("HWB 0-01a", "HWB"),
        ("HWB 0-02a", "HWB"),
        (fourth, "HWB"),
    ]
    by_id = {c.idnumber: c for c in data.competencies}
    assert by_id["HWB 0-01a"].code == "HWB 0-01a"
    assert by_id["HWB 0-01a"].short_name == "I can describe my feelings."
    assert by_id["HWB 0-01a"].description == ""
    assert by_id["HWB 0-01a"].cross_references == [fourth]
    assert by_id["HWB 0-02a"].cross_references == []  # isPeerOf is not a cross reference


# -------------------------------------------------------------------------------- bad input


def _mutate_item_identifier_missing(p):
    del p["CFItems"][1]["identifier"]


def _mutate_item_identifier_not_uuid(p):
    p["CFItems"][0]["identifier"] = "HWB-1"


def _mutate_missing_document(p):
    del p["CFDocument"]


def _mutate_child_of_unknown(p):
    p["CFAssociations"][1]["destinationNodeURI"]["identifier"] = str(uuid.uuid4())


def _mutate_cycle(p):
    # HWB (item 0) becomes a child of its own child HWB 0-02a (item 2).
    p["CFAssociations"][0]["destinationNodeURI"]["identifier"] = p["CFItems"][2]["identifier"]


def _mutate_two_parents(p):
    extra = copy.deepcopy(p["CFAssociations"][2])
    extra["identifier"] = str(uuid.uuid4())
    extra["destinationNodeURI"]["identifier"] = p["CFItems"][2]["identifier"]
    p["CFAssociations"].append(extra)


def _mutate_external_not_a_uuid(p):
    # An item outside the package is kept (see below); it still needs an identifier.
    p["CFAssociations"][4]["destinationNodeURI"]["identifier"] = "HWB-9"


def _mutate_missing_statement(p):
    p["CFItems"][3]["fullStatement"] = ""


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (_mutate_missing_document, "$.CFDocument"),
        (_mutate_item_identifier_missing, "$.CFItems[1].identifier"),
        (_mutate_item_identifier_not_uuid, "$.CFItems[0].identifier"),
        (_mutate_child_of_unknown, "$.CFAssociations[1].destinationNodeURI.identifier"),
        (_mutate_cycle, "$.CFAssociations[0]"),
        (_mutate_two_parents, "$.CFAssociations[6]"),
        (_mutate_external_not_a_uuid, "$.CFAssociations[4].destinationNodeURI.identifier"),
        (_mutate_missing_statement, "$.CFItems[3].fullStatement"),
    ],
)
def test_bad_packages_fail_with_a_json_path_and_write_nothing(db, mutate, path):
    package = v10_package()
    mutate(package)
    with pytest.raises(ImportFailed) as failed:
        import_case_package(dump(package), filename="bad.json", user=None)
    assert path in [e.column for e in failed.value.errors], failed.value
    assert not Framework.objects.exists()
    assert not Competency.objects.exists()


def test_an_association_to_an_item_outside_the_package_is_kept(db):
    package = v10_package()
    outside = str(uuid.uuid4())
    package["CFAssociations"][4]["destinationNodeURI"] = {
        "title": "HWB 0-01b Another framework's item",
        "identifier": outside,
        "uri": f"https://case.example.org/uri/{outside}",
    }
    framework = import_case_package(dump(package), filename="hwb.json", user=None)
    kept, peer = framework_to_data(framework).associations  # isPeerOf is kept too
    assert peer.association_type == "isPeerOf" and peer.other_idnumber == "HWB 0-02a"
    assert (kept.idnumber, str(kept.target_identifier)) == ("HWB 0-01a", outside)
    assert kept.association_type == "exactMatchOf"
    exported = export(framework)["CFAssociations"]
    assert package["CFAssociations"][4] in exported


def test_cycle_message_names_the_items(db):
    package = v10_package()
    _mutate_cycle(package)
    with pytest.raises(ImportFailed) as failed:
        parse_case_package(dump(package), "bad.json")
    assert any("cycle" in e.message and "HWB 0-02a" in e.message for e in failed.value.errors)


def test_malformed_json_says_where(db):
    with pytest.raises(ImportFailed) as failed:
        parse_case_package(b'{"CFDocument": {\n  "title": "x",,\n}}', "bad.json")
    (error,) = failed.value.errors
    assert error.column == "$"
    assert "line 2" in error.message and "column" in error.message


@pytest.mark.parametrize("raw", [b"", b"[1, 2]", b"\xff\xfe{}", b'{"a": NaN}'])
def test_other_unreadable_files(db, raw):
    with pytest.raises(ImportFailed) as failed:
        parse_case_package(raw, "bad.json")
    assert failed.value.errors[0].column == "$"


def test_oversize_file(db, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFailed) as failed:
        import_case_package(dump(v10_package()), filename="big.json", user=None)
    (error,) = failed.value.errors
    assert error.column == "$" and "limit" in error.message
    assert not Framework.objects.exists()


def test_wrong_types_are_reported_not_raised(db):
    package = v10_package()
    package["CFItems"][1] = "not an object"
    package["CFAssociations"][2]["sequenceNumber"] = "first"
    package["CFDocument"]["extensions"] = {
        EXTENSION: {"scale": [{"name": "Only", "proficient": "yes"}]}
    }
    with pytest.raises(ImportFailed) as failed:
        parse_case_package(dump(package), "bad.json")
    columns = {e.column for e in failed.value.errors}
    assert {
        "$.CFItems[1]",
        "$.CFAssociations[2].sequenceNumber",
        f"$.CFDocument.extensions.{EXTENSION}.scale[0].proficient",
    } <= columns


# -------------------------------------------------------------------------------- API

api = pytest.mark.urls("tests.competencies.case_urls")
ROOT = "/ims/case/v1p1"


def publish(framework: Framework) -> Framework:
    framework.live = True
    framework.save()
    return framework


@api
def test_documents_lists_only_published(client, main, other):
    publish(other)
    response = client.get(f"{ROOT}/CFDocuments")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    from competencies.interchange.ksf_case import ksf_document_identifier

    ksf = str(ksf_document_identifier())
    docs = [d for d in response.json()["CFDocuments"] if d["identifier"] != ksf]
    assert [d["identifier"] for d in docs] == [str(other.identifier)]
    assert docs[0]["adoptionStatus"] == "Adopted"
    assert docs[0]["uri"] == f"http://testserver{ROOT}/CFDocuments/{other.identifier}"


@api
def test_package_item_and_association(client, main):
    publish(main)
    response = client.get(f"{ROOT}/CFPackages/{main.identifier}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = response.json()
    assert package == export_case_package(main, base_url="http://testserver")

    item = package["CFItems"][1]
    response = client.get(f"{ROOT}/CFItems/{item['identifier']}")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == item

    association = package["CFAssociations"][-1]
    response = client.get(f"{ROOT}/CFAssociations/{association['identifier']}")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == association


@api
def test_item_comes_from_the_newest_published_version(client, main):
    publish(main)
    data = parse_case_package(dump(export(main)), "main.json")
    data.version, data.identifier = "3.0", None
    data.competencies[0].short_name = "Assessment (revised)"
    newer = publish(save_framework(data, filename="main.json", user=None))
    item = newer.competencies.get(idnumber="D1")
    response = client.get(f"{ROOT}/CFItems/{item.identifier}")
    assert response.json()["abbreviatedStatement"] == "Assessment (revised)"
    assert response.json()["CFDocumentURI"]["identifier"] == str(newer.identifier)


@api
@pytest.mark.parametrize("kind", ["CFPackages", "CFItems", "CFAssociations"])
def test_drafts_and_unknowns_are_404(client, main, kind):
    if kind == "CFPackages":
        identifier = main.identifier
    elif kind == "CFItems":
        identifier = main.competencies.first().identifier
    else:
        identifier = export(main)["CFAssociations"][0]["identifier"]
    for target in (identifier, uuid.uuid4()):
        response = client.get(f"{ROOT}/{kind}/{target}")
        assert response.status_code == 404
        body = response.json()
        assert body["imsx_codeMajor"] == "failure"
        assert body["imsx_severity"] == "error"
        assert str(target) in body["imsx_description"]


@api
def test_retired_but_live_framework_is_still_served_but_not_listed(client, main):
    publish(main)
    main.retired = True
    main.save()
    from competencies.interchange.ksf_case import ksf_document_identifier

    listed = [d["identifier"] for d in client.get(f"{ROOT}/CFDocuments").json()["CFDocuments"]]
    assert listed == [str(ksf_document_identifier())]  # the KSF only
    assert (
        client.get(f"{ROOT}/CFPackages/{main.identifier}").json()["CFDocument"]["adoptionStatus"]
        == "Deprecated"
    )


@api
@pytest.mark.parametrize("kind", ["CFPackages", "CFItems", "CFAssociations"])
def test_bad_uuid_is_400(client, db, kind):
    response = client.get(f"{ROOT}/{kind}/not-a-uuid")
    assert response.status_code == 400
    assert response.json()["imsx_codeMajor"] == "failure"


@api
def test_only_get(client, main):
    publish(main)
    for url in (f"{ROOT}/CFDocuments", f"{ROOT}/CFPackages/{main.identifier}"):
        response = client.post(url)
        assert response.status_code == 405
        assert "GET" in response["Allow"]
        assert response.json()["imsx_codeMajor"] == "failure"
