import csv
import dataclasses
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from competencies.interchange.moodle import HEADER, export_moodle_csv, parse_moodle_csv
from competencies.interchange.tree import FrameworkData, framework_to_data, save_framework
from competencies.models import Competency, Framework
from ksf.imports.tabular import ImportFailed

OECD_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "moodle-example.csv"
SCALE_CONFIG = '[{"scaleid":"2"},{"id":2,"scaledefault":1,"proficient":1}]'


@pytest.fixture(scope="module")
def oecd() -> bytes:
    return OECD_PATH.read_bytes()


@pytest.fixture(scope="module")
def oecd_records() -> list[dict[str, str]]:
    """The fixture read independently of the code under test, one dict per data record."""
    text = OECD_PATH.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def import_file(data: bytes, filename: str = "framework.csv") -> Framework:
    return save_framework(parse_moodle_csv(data, filename), filename=filename, user=None)


def framework_row(**changes: str) -> dict[str, str]:
    row = dict.fromkeys(HEADER, "")
    row.update(
        {
            "Id number": "FW",
            "Shortname": "Test framework",
            "Description": "<p>About it</p>",
            "Description format": "1",
            "Scale values": "Not yet competent,Competent",
            "Scale configuration": SCALE_CONFIG,
            "Is framework": "1",
            "Taxonomy": "domain,competency",
        }
    )
    row.update(changes)
    return row


def comp(idnumber: str, parent: str = "", **changes: str) -> dict[str, str]:
    row = dict.fromkeys(HEADER, "")
    row.update(
        {
            "Parent id number": parent,
            "Id number": idnumber,
            "Shortname": f"Competency {idnumber}",
            "Description format": "1",
            "Rule outcome (optional)": "0",
            "Rule config (optional)": "null",
        }
    )
    row.update(changes)
    return row


def moodle_csv(*rows: dict[str, str], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def fails(data: bytes, filename: str = "bad.csv") -> ImportFailed:
    """Import must fail with a message, and leave the database untouched."""
    with pytest.raises(ImportFailed) as caught:
        import_file(data, filename)
    failure = caught.value
    assert failure.errors
    assert all(e.message for e in failure.errors)
    assert "nothing was imported" in str(failure)
    assert Framework.objects.count() == 0
    assert Competency.objects.count() == 0
    return failure


def tree(data: FrameworkData) -> dict:
    """What must survive a round trip, without database identifiers or versions."""
    return {
        "framework": (data.idnumber, data.title, data.description, data.taxonomy),
        "scale": [(v.name, v.proficient, v.is_default) for v in data.scale],
        "competencies": {
            c.idnumber: (
                c.parent_idnumber,
                c.sort_order,
                c.short_name,
                c.description,
                c.code,
                sorted(c.cross_references),
                c.rule_type,
                c.rule_outcome,
                c.rule_config,
            )
            for c in data.competencies
        },
        "order": [c.idnumber for c in data.competencies],
    }


# --- The OECD fixture ----------------------------------------------------------------------


def test_oecd_file_imports_as_one_framework_with_its_tree(db, oecd, oecd_records):
    framework = import_file(oecd, "moodle-example.csv")
    assert Framework.objects.count() == 1
    assert framework.idnumber == "OECD-CORE"
    assert framework.title == "OECD"
    assert "OECD\u2019s overall success" in framework.description
    assert framework.taxonomy == ["competency"] * 4
    assert not framework.live

    competencies = {c.idnumber: c for c in framework.competencies.select_related("parent")}
    assert len(competencies) == 64

    rows = [r for r in oecd_records if r["Is framework"] != "1"]
    parents = {r["Id number"]: r["Parent id number"] for r in rows}
    for idnumber, parent in parents.items():
        saved = competencies[idnumber]
        assert (saved.parent.idnumber if saved.parent else "") == parent
        assert saved.short_name == next(
            r["Shortname"].strip() for r in rows if r["Id number"] == idnumber
        )

    def depth(idnumber: str) -> int:
        return 1 if not parents[idnumber] else depth(parents[idnumber]) + 1

    expected_depths = Counter(depth(i) for i in parents)
    assert expected_depths == {1: 2, 2: 8, 3: 15, 4: 39}
    assert Counter(c.depth for c in competencies.values()) == expected_depths
    for idnumber, c in competencies.items():
        assert c.depth == depth(idnumber)


def test_oecd_siblings_keep_file_order(db, oecd, oecd_records):
    framework = import_file(oecd)
    data = framework_to_data(framework)
    rows = [r for r in oecd_records if r["Is framework"] != "1"]
    for parent in {r["Parent id number"] for r in rows}:
        in_file = [r["Id number"] for r in rows if r["Parent id number"] == parent]
        in_tree = [c.idnumber for c in data.competencies if c.parent_idnumber == parent]
        assert in_tree == in_file
    assert [c.idnumber for c in data.competencies[:3]] == ["levels", "level-1", "level-2"]


def test_oecd_scale_and_proficiency(db, oecd):
    framework = import_file(oecd)
    values = list(framework.scale_values.order_by("sort_order"))
    assert [v.name for v in values] == ["Not yet competent", "Competent"]
    assert [v.proficient for v in values] == [False, True]
    assert [v.is_default for v in values] == [False, True]


def test_oecd_cross_references_resolve(db, oecd, oecd_records):
    framework = import_file(oecd)
    listed = next(r for r in oecd_records if r["Id number"] == "level-1")[
        "Cross referenced competency id numbers"
    ].split(",")
    assert len(listed) == 39
    level_1 = framework.competencies.get(idnumber="level-1")
    assert set(level_1.cross_references.values_list("idnumber", flat=True)) == set(listed)
    # References are mutual, and every one listed in the file is stored.
    for row in oecd_records:
        for ref in filter(None, row["Cross referenced competency id numbers"].split(",")):
            source = framework.competencies.get(idnumber=row["Id number"])
            assert source.cross_references.filter(idnumber=ref).exists()
            target = framework.competencies.get(idnumber=ref)
            assert target.cross_references.filter(pk=source.pk).exists()


def test_rows_are_spreadsheet_rows_not_text_lines(oecd, oecd_records):
    data = parse_moodle_csv(oecd, "moodle-example.csv")
    # Row 2 is the framework; records, not lines, are counted (descriptions span lines).
    assert [c.where for c in data.competencies] == [f"row {n}" for n in range(3, 67)]
    assert [c.idnumber for c in data.competencies] == [r["Id number"] for r in oecd_records[1:]]
    first = data.competencies[0]
    assert first.code == first.idnumber == "levels"
    assert first.rule_type == ""
    assert first.rule_outcome == 0
    assert first.rule_config is None


# --- Round trips ---------------------------------------------------------------------------


def test_parse_export_parse_gives_the_same_tree(oecd):
    first = parse_moodle_csv(oecd, "moodle-example.csv")
    exported = export_moodle_csv(first)
    second = parse_moodle_csv(exported, "export.csv")
    assert {k: v for k, v in tree(first).items() if k != "order"} == {
        k: v for k, v in tree(second).items() if k != "order"
    }
    assert exported.splitlines()[0].decode() == ",".join(HEADER)
    assert not exported.startswith(b"\xef\xbb\xbf")


def test_export_then_reimport_gives_the_same_framework(db, oecd):
    original = import_file(oecd, "moodle-example.csv")
    exported = export_moodle_csv(framework_to_data(original))
    data = parse_moodle_csv(exported, "export.csv")
    data.version = "2.0"  # (idnumber, version) is unique
    copy = save_framework(data, filename="export.csv", user=None)
    assert Framework.objects.count() == 2
    before, after = framework_to_data(original), framework_to_data(copy)
    assert tree(before) == tree(after)
    assert len(after.competencies) == 64
    assert (before.version, after.version) == ("1.0", "2.0")
    # Each export lists parents before their children, siblings in order.
    seen: set[str] = set()
    for c in parse_moodle_csv(exported, "export.csv").competencies:
        assert not c.parent_idnumber or c.parent_idnumber in seen
        seen.add(c.idnumber)


def test_rules_round_trip_as_moodle_class_names(db):
    config = {"base": {"points": 2}, "competencies": [{"id": 7, "points": 1, "required": 1}]}
    data = moodle_csv(
        framework_row(),
        comp(
            "A",
            **{
                "Rule type (optional)": "core_competency\\competency_rule_points",
                "Rule outcome (optional)": "2",
                "Rule config (optional)": json.dumps(config),
            },
        ),
        comp(
            "B",
            "A",
            **{
                "Rule type (optional)": "\\core_competency\\competency_rule_all",
                "Rule outcome (optional)": "3",
            },
        ),
    )
    parsed = parse_moodle_csv(data, "rules.csv")
    a, b = parsed.competencies
    assert (a.rule_type, a.rule_outcome, a.rule_config) == (
        Competency.RuleType.POINTS,
        Competency.RuleOutcome.RECOMMEND,
        config,
    )
    assert (b.rule_type, b.rule_outcome, b.rule_config) == (Competency.RuleType.ALL, 3, None)
    exported = export_moodle_csv(framework_to_data(import_file(data, "rules.csv")))
    records = list(csv.DictReader(io.StringIO(exported.decode(), newline="")))
    assert records[1]["Rule type (optional)"] == "core_competency\\competency_rule_points"
    assert json.loads(records[1]["Rule config (optional)"]) == config
    assert records[2]["Rule type (optional)"] == "core_competency\\competency_rule_all"
    assert records[2]["Rule config (optional)"] == "null"
    assert (
        tree(parse_moodle_csv(exported, "again.csv"))["competencies"]
        == tree(parsed)["competencies"]
    )


def test_commas_in_id_numbers_use_moodles_escape(db):
    data = moodle_csv(
        framework_row(),
        comp("A,1"),
        comp("B", **{"Cross referenced competency id numbers": "A%2C1"}),
    )
    parsed = parse_moodle_csv(data, "commas.csv")
    assert parsed.competencies[1].cross_references == ["A,1"]
    exported = export_moodle_csv(parsed)
    assert b"A%2C1" in exported
    assert parse_moodle_csv(exported, "again.csv").competencies[1].cross_references == ["A,1"]


def test_export_refuses_scale_values_moodle_cannot_hold(oecd):
    data = parse_moodle_csv(oecd, "moodle-example.csv")
    data.scale[0].name = "Not yet, but soon"
    with pytest.raises(ValueError, match="comma"):
        export_moodle_csv(data)


# --- Encodings -----------------------------------------------------------------------------


def test_cp1252_file_with_accents_imports(db):
    text = moodle_csv(
        framework_row(Shortname="Compétences cœur"),
        comp("A", Shortname="Évaluer l\u2019équipe"),
    ).decode()
    framework = import_file(text.encode("cp1252"), "ansi.csv")
    assert framework.title == "Compétences cœur"
    assert framework.competencies.get().short_name == "Évaluer l\u2019équipe"


def test_utf8_bom_file_imports(db, oecd):
    framework = import_file(b"\xef\xbb\xbf" + oecd, "bom.csv")
    assert framework.competencies.count() == 64


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\xff\xfe" * 100, "binary"),
        (OECD_PATH.read_text(encoding="utf-8").encode("utf-16"), "UTF-16"),
        (OECD_PATH.read_text(encoding="utf-8").encode("utf-16-le"), "binary"),
        (b"PK\x03\x04" + b"\x14\x00" * 50, "Excel"),
        (b"\x81\x8d\x8f\x90\x9d" * 20, "UTF-8 or Windows-1252"),
        (b"Parent id number,\x01\x02\x03\x04", "control characters"),
        (b"", "empty"),
        (b"\xef\xbb\xbf \n\n", "empty"),
    ],
)
def test_non_text_files_give_a_clean_error(db, data, message):
    failure = fails(data, "garbage.csv")
    assert message in failure.errors[0].message
    assert failure.errors[0].row is None


def test_file_over_the_size_limit_is_refused(db, oecd, settings):
    settings.IMPORT_MAX_BYTES = 1000
    failure = fails(oecd)
    assert "limit is 1000 bytes" in failure.errors[0].message


# --- Bad content ---------------------------------------------------------------------------


def test_missing_header_column(db):
    header = [h for h in HEADER if h not in ("Is framework", "Shortname")]
    failure = fails(moodle_csv(framework_row(), comp("A"), header=header))
    assert {(e.row, e.column) for e in failure.errors} == {(1, "Is framework"), (1, "Shortname")}
    assert "missing from the header" in failure.errors[0].message


def test_optional_columns_may_be_left_out_and_header_case_is_ignored(db):
    header = [h for h in HEADER if "(optional)" not in h]
    text = moodle_csv(framework_row(), comp("A"), header=header).decode()
    text = text.replace("Is framework", "IS FRAMEWORK", 1)
    framework = import_file(text.encode(), "short.csv")
    assert framework.competencies.get().rule_type == ""


def test_no_framework_row(db):
    failure = fails(moodle_csv(comp("A"), comp("B", "A")))
    assert len(failure.errors) == 1
    error = failure.errors[0]
    assert (error.row, error.column) == (None, "Is framework")
    assert "framework" in error.message


def test_two_framework_rows(db):
    failure = fails(moodle_csv(framework_row(), comp("A"), framework_row(**{"Id number": "FW2"})))
    assert [(e.row, e.column) for e in failure.errors] == [(4, "Is framework")]
    assert "rows 2, 4" in failure.errors[0].message


def test_unknown_parent_is_reported_on_its_spreadsheet_row(db):
    failure = fails(
        moodle_csv(
            framework_row(Description="<p>Several\nlines\nof text</p>"),
            comp("A", Description="line one\nline two"),
            comp("B", "NOPE"),
        )
    )
    # The bad record starts on text line 7 but is spreadsheet row 4.
    assert [(e.row, e.column) for e in failure.errors] == [(4, "Parent id number")]
    assert "Unknown parent ID number 'NOPE'" in failure.errors[0].message


def test_unknown_parent_in_the_oecd_file(db, oecd):
    broken = oecd.replace(b"\nstrategic-thinking,S-ST-1,", b"\nstrategic-thinkin,S-ST-1,")
    assert broken != oecd
    failure = fails(broken)
    assert [(e.row, e.column) for e in failure.errors] == [(66, "Parent id number")]


def test_parent_cycle(db):
    failure = fails(moodle_csv(framework_row(), comp("A", "C"), comp("B", "A"), comp("C", "B")))
    error = failure.errors[0]
    assert (error.row, error.column) == (3, "Parent id number")
    assert "parent cycle" in error.message


def test_duplicate_id_numbers(db):
    failure = fails(moodle_csv(framework_row(), comp("A"), comp("B"), comp("A")))
    assert [(e.row, e.column) for e in failure.errors] == [(5, "Id number")]
    assert "Duplicate ID number 'A'" in failure.errors[0].message


def test_cross_reference_to_unknown_id(db):
    failure = fails(
        moodle_csv(
            framework_row(),
            comp("A", **{"Cross referenced competency id numbers": "B,GHOST"}),
            comp("B"),
        )
    )
    assert [(e.row, e.column) for e in failure.errors] == [
        (3, "Cross referenced competency id numbers")
    ]
    assert "'GHOST'" in failure.errors[0].message


def test_scale_configuration_without_a_proficient_value(db):
    config = '[{"scaleid":"2"},{"id":1,"scaledefault":1,"proficient":0}]'
    failure = fails(moodle_csv(framework_row(**{"Scale configuration": config}), comp("A")))
    assert [(e.row, e.column) for e in failure.errors] == [(2, "Scale configuration")]
    assert "proficient" in failure.errors[0].message


def test_empty_scale_configuration(db):
    failure = fails(moodle_csv(framework_row(**{"Scale configuration": ""}), comp("A")))
    assert [(e.row, e.column) for e in failure.errors] == [(2, "Scale configuration")]
    assert "proficient" in failure.errors[0].message


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[{"scaleid":"2"},{"id":2,"proficient":1', "not valid JSON"),
        ('{"id": 2, "proficient": 1}', "not a list"),
        ('[{"scaleid":"2"},{"id":3,"scaledefault":1,"proficient":1}]', "scale value id 3"),
        ('[{"scaleid":"2"},{"proficient":1}]', "no 'id'"),
    ],
)
def test_malformed_scale_configuration(db, config, message):
    failure = fails(moodle_csv(framework_row(**{"Scale configuration": config}), comp("A")))
    assert [(e.row, e.column) for e in failure.errors] == [(2, "Scale configuration")]
    assert message in failure.errors[0].message


def test_malformed_rule_config_and_bad_rules(db):
    failure = fails(
        moodle_csv(
            framework_row(),
            comp("A", **{"Rule config (optional)": "{not json"}),
            comp("B", **{"Rule type (optional)": "core_competency\\competency_rule_some"}),
            comp("C", **{"Rule outcome (optional)": "7"}),
        )
    )
    assert [(e.row, e.column) for e in failure.errors] == [
        (3, "Rule config (optional)"),
        (4, "Rule type (optional)"),
        (5, "Rule outcome (optional)"),
    ]
    assert "not valid JSON" in failure.errors[0].message


def test_unmatched_quote_is_reported_not_swallowed(db):
    data = moodle_csv(framework_row(), comp("A"), comp("B")) + b'C,D,"Unclosed\nE,F,G\n'
    failure = fails(data)
    assert failure.errors[0].row == 5
    assert "double quote" in failure.errors[0].message


def test_every_problem_is_reported_at_once(db):
    failure = fails(
        moodle_csv(
            framework_row(**{"Scale configuration": "[oops"}),
            comp("A", "MISSING"),
            comp("A"),
            comp("B", **{"Cross referenced competency id numbers": "NOWHERE"}),
            comp("C", Shortname=""),
        )
    )
    assert [(e.row, e.column) for e in failure.errors] == [
        (2, "Scale configuration"),
        (3, "Parent id number"),
        (4, "Id number"),
        (5, "Cross referenced competency id numbers"),
        (6, "Shortname"),
    ]


def test_blank_rows_are_skipped_but_still_counted(db):
    text = moodle_csv(framework_row(), comp("A")).decode() + ",,,,\n\n" + "B,C,Name\n"
    failure = fails(text.encode())
    assert [(e.row, e.column) for e in failure.errors] == [(6, "Parent id number")]


def test_plain_text_descriptions_become_html():
    data = moodle_csv(
        framework_row(),
        comp("A", Description="Use <care> & judgement\nalways", **{"Description format": "2"}),
    )
    parsed = parse_moodle_csv(data, "plain.csv")
    assert parsed.competencies[0].description == "Use &lt;care&gt; &amp; judgement<br>always"


def test_parsed_data_is_plain_dataclasses(oecd):
    data = parse_moodle_csv(oecd, "moodle-example.csv")
    assert dataclasses.is_dataclass(data)
    assert data.version == "1.0"
    assert data.identifier is None
