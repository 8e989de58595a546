import json
import uuid
from collections import Counter

import pytest
from wagtail.models import ModelLogEntry

from competencies.interchange.case import (
    EXTENSION,
    IS_CHILD_OF,
    NAMESPACE,
    association_identifier,
    export_case_package,
    parse_case_package,
)
from competencies.interchange.ksf_case import (
    LOCAL_NOTE,
    TAXONOMY,
    export_ksf_case_package,
    ksf_document_identifier,
)
from competencies.interchange.tree import save_framework
from competencies.models import Framework
from ksf import audit
from ksf.models import KSFDimension, KSFIndicator, KSFLevel

BASE = "https://ksf.example.nhs.uk"
ROOT = "/ims/case/v1p1"
KSF_ID = ksf_document_identifier()


def export() -> dict:
    return export_ksf_case_package(base_url=BASE)


def by_code(package: dict) -> dict[str, dict]:
    return {i["humanCodingScheme"]: i for i in package["CFItems"]}


def parents(package: dict) -> dict[str, tuple[str, int]]:
    """Child identifier -> (parent identifier, sequenceNumber)."""
    return {
        a["originNodeURI"]["identifier"]: (
            a["destinationNodeURI"]["identifier"],
            a["sequenceNumber"],
        )
        for a in package["CFAssociations"]
        if a["associationType"] == IS_CHILD_OF
    }


@pytest.fixture
def local(db) -> KSFIndicator:
    level = KSFLevel.objects.get(dimension__code="HWB6", level=3)
    return KSFIndicator.objects.create(
        level=level, letter="z", text="Uses the trust's MSK triage tool", is_local=True
    )


# -------------------------------------------------------------------------------- export


def test_document(db):
    doc = export()["CFDocument"]
    assert doc["identifier"] == str(KSF_ID)
    assert ksf_document_identifier() == uuid.uuid5(NAMESPACE, "NHS-KSF-2010")
    assert doc["uri"] == f"{BASE}{ROOT}/CFDocuments/{KSF_ID}"
    assert doc["title"] == "NHS Knowledge and Skills Framework"
    assert doc["creator"] == doc["publisher"] == "NHS Employers"
    assert doc["version"] == "2010"
    assert doc["adoptionStatus"] == "Adopted"
    assert doc["caseVersion"] == "1.1"
    assert doc["description"]
    assert doc["lastChangeDateTime"].endswith("Z")
    assert doc["CFPackageURI"]["uri"] == f"{BASE}{ROOT}/CFPackages/{KSF_ID}"
    ext = doc["extensions"][EXTENSION]
    assert ext["idnumber"] == "NHS-KSF"
    assert ext["taxonomy"] == TAXONOMY
    assert any(v["proficient"] for v in ext["scale"])


def test_counts(local):
    package = export()
    types = Counter(i["CFItemType"] for i in package["CFItems"])
    groups = set(KSFDimension.objects.values_list("group", flat=True))
    assert len(groups) == 5
    assert types == {
        "Dimension group": 5,
        "Dimension": 30,
        "Level": 120,
        "Indicator": KSFIndicator.objects.count(),
    }
    assert KSFIndicator.objects.count() > 400
    assert len(package["CFAssociations"]) == len(package["CFItems"])
    assert {t["title"]: t["hierarchyCode"] for t in package["CFDefinitions"]["CFItemTypes"]} == {
        "Dimension group": "1",
        "Dimension": "2",
        "Level": "3",
        "Indicator": "4",
    }


def test_known_items(db):
    package = export()
    items = by_code(package)
    tree = parents(package)

    level = items["C1.4"]
    assert level["fullStatement"] == KSFLevel.objects.get(dimension__code="C1", level=4).title
    assert level["CFItemType"] == "Level"
    assert tree[level["identifier"]] == (items["C1"]["identifier"], 4)

    dimension = items["HWB6"]
    assert dimension["fullStatement"] == "Assessment and treatment planning"
    assert dimension["CFItemType"] == "Dimension"
    group = items[_code_of(package, tree[dimension["identifier"]][0])]
    assert group["fullStatement"] == "Health and wellbeing"
    assert group["CFItemType"] == "Dimension group"
    assert tree[group["identifier"]] == (str(KSF_ID), 2)  # Core comes first

    indicator = items["HWB6.3.b"]
    expected = KSFIndicator.objects.get(level__dimension__code="HWB6", level__level=3, letter="b")
    assert indicator["fullStatement"] == expected.text
    assert indicator["CFItemType"] == "Indicator"
    assert tree[indicator["identifier"]] == (items["HWB6.3"]["identifier"], 2)
    assert "notes" not in indicator
    assert indicator["extensions"][EXTENSION]["idnumber"] == "KSF-HWB6.3.b"


def _code_of(package: dict, identifier: str) -> str:
    return next(i["humanCodingScheme"] for i in package["CFItems"] if i["identifier"] == identifier)


def test_sequence_follows_sort_order_level_and_letter(db):
    package = export()
    items = by_code(package)
    tree = parents(package)

    def children(code: str) -> list[str]:
        parent = items[code]["identifier"]
        kids = [(seq, _code_of(package, c)) for c, (p, seq) in tree.items() if p == parent]
        assert [seq for seq, _ in sorted(kids)] == list(range(1, len(kids) + 1))
        return [code for _, code in sorted(kids)]

    core = list(
        KSFDimension.objects.filter(group="Core")
        .order_by("sort_order")
        .values_list("code", flat=True)
    )
    assert children("C") == core
    assert children("G") == [f"G{n}" for n in range(1, 9)]
    assert children("IK2") == [f"IK2.{n}" for n in range(1, 5)]
    letters = sorted(
        KSFIndicator.objects.filter(level__dimension__code="C1", level__level=3).values_list(
            "letter", flat=True
        )
    )
    assert children("C1.3") == [f"C1.3.{letter}" for letter in letters]


def test_identifiers_are_stable(local):
    first, second = export(), export()
    assert first == second
    assert [i["identifier"] for i in first["CFItems"]] == [
        i["identifier"] for i in second["CFItems"]
    ]
    for code in ("C", "HWB6", "HWB6.3", "HWB6.3.z"):
        assert by_code(first)[code]["identifier"] == str(uuid.uuid5(KSF_ID, code))
    association = next(a for a in first["CFAssociations"] if a["associationType"] == IS_CHILD_OF)
    assert association["identifier"] == str(
        association_identifier(
            IS_CHILD_OF,
            association["originNodeURI"]["identifier"],
            association["destinationNodeURI"]["identifier"],
        )
    )
    # Independent of database keys: the same data loaded again gets new rows, same identifiers.
    KSFIndicator.objects.filter(pk=local.pk).delete()
    KSFIndicator.objects.create(level=local.level, letter="z", text=local.text, is_local=True)
    assert export()["CFItems"] == first["CFItems"]


def test_local_indicators_are_included_and_noted(local):
    item = by_code(export())["HWB6.3.z"]
    assert item["fullStatement"] == "Uses the trust's MSK triage tool"
    assert item["notes"] == LOCAL_NOTE


def test_admin_edits_move_the_change_stamp(local):
    before = export()["CFDocument"]["lastChangeDateTime"]
    audit.log_create(local, None)
    entry = ModelLogEntry.objects.for_instance(local).get()
    stamp = export()["CFDocument"]["lastChangeDateTime"]
    assert stamp == entry.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert stamp >= before


# -------------------------------------------------------------------------------- round trip


def test_round_trip(local):
    package = export()
    data = parse_case_package(json.dumps(package).encode(), "ksf.json")
    framework = save_framework(data, filename="ksf.json", user=None)

    assert framework.identifier == KSF_ID
    assert (framework.idnumber, framework.version) == ("NHS-KSF", "2010")
    assert framework.publisher == "NHS Employers"
    assert framework.taxonomy == TAXONOMY
    depths = Counter(framework.competencies.values_list("depth", flat=True))
    assert depths == {1: 5, 2: 30, 3: 120, 4: KSFIndicator.objects.count()}
    for dimension in KSFDimension.objects.all():
        saved = framework.competencies.select_related("parent").get(code=dimension.code)
        assert saved.short_name == dimension.title
        assert saved.parent.short_name == dimension.group
    assert framework.competencies.get(code="C1.4").parent.code == "C1"
    assert framework.competencies.get(code="HWB6.3.z").parent.code == "HWB6.3"

    # Exported again, the copy describes the same items in the same tree.
    again = export_case_package(framework, base_url=BASE)

    def comparable(p: dict) -> tuple[list, list]:
        drop = {"lastChangeDateTime", "CFDocumentURI", "notes"}
        return (
            [{k: v for k, v in i.items() if k not in drop} for i in p["CFItems"]],
            [{k: v for k, v in a.items() if k not in drop} for a in p["CFAssociations"]],
        )

    assert comparable(again) == comparable(package)


# -------------------------------------------------------------------------------- API


def publish(framework: Framework) -> Framework:
    framework.live = True
    framework.save()
    return framework


def test_api_lists_the_ksf(client, db):
    response = client.get(f"{ROOT}/CFDocuments")
    assert response.status_code == 200
    docs = response.json()["CFDocuments"]
    assert [d["identifier"] for d in docs] == [str(KSF_ID)]
    assert docs[0] == export_ksf_case_package(base_url="http://testserver")["CFDocument"]


def test_api_lists_the_ksf_in_title_order_and_once(client, db):
    package = export()
    package["CFDocument"]["extensions"][EXTENSION]["idnumber"] = "KSF-COPY"
    copy = save_framework(
        parse_case_package(json.dumps(package).encode(), "ksf.json"), filename="x", user=None
    )
    publish(copy)
    titles = ["Allied health practice", "Wound care"]
    for n, title in enumerate(titles):
        other = export()
        other["CFDocument"].update(identifier=str(uuid.uuid4()), title=title)
        other["CFDocument"]["extensions"][EXTENSION]["idnumber"] = f"OTHER-{n}"
        other["CFItems"], other["CFAssociations"] = [], []
        publish(
            save_framework(
                parse_case_package(json.dumps(other).encode(), "o.json"), filename="o", user=None
            )
        )
    docs = client.get(f"{ROOT}/CFDocuments").json()["CFDocuments"]
    assert [d["title"] for d in docs] == [
        "Allied health practice",
        "NHS Knowledge and Skills Framework",
        "Wound care",
    ]
    assert docs[1]["adoptionStatus"] == "Adopted"
    # The KSF itself answers for its identifier, not the published copy.
    response = client.get(f"{ROOT}/CFPackages/{KSF_ID}")
    assert response.json()["CFDocument"]["extensions"][EXTENSION]["idnumber"] == "NHS-KSF"


def test_api_serves_package_item_and_association(client, local):
    expected = export_ksf_case_package(base_url="http://testserver")

    response = client.get(f"{ROOT}/CFPackages/{KSF_ID}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == expected

    item = by_code(expected)["C1.4"]
    response = client.get(f"{ROOT}/CFItems/{item['identifier']}")
    assert response.status_code == 200
    assert response.json() == item

    item = by_code(expected)["HWB6.3.z"]
    assert client.get(f"{ROOT}/CFItems/{item['identifier']}").json()["notes"] == LOCAL_NOTE

    association = expected["CFAssociations"][-1]
    response = client.get(f"{ROOT}/CFAssociations/{association['identifier']}")
    assert response.status_code == 200
    assert response.json() == association


@pytest.mark.parametrize("kind", ["CFPackages", "CFItems", "CFAssociations"])
def test_api_unknown_identifiers_are_still_404(client, db, kind):
    target = uuid.uuid4()
    response = client.get(f"{ROOT}/{kind}/{target}")
    assert response.status_code == 404
    body = response.json()
    assert body["imsx_codeMajor"] == "failure"
    assert str(target) in body["imsx_description"]


def test_api_ksf_is_read_only(client, db):
    response = client.post(f"{ROOT}/CFPackages/{KSF_ID}")
    assert response.status_code == 405
    assert response.json()["imsx_codeMajor"] == "failure"
