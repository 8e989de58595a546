"""A framework's tree has at most Competency.MAX_DEPTH levels; deeper files are refused
quickly, and a deep tree saved before the limit still opens and exports."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from competencies.frameworks import services as frameworks_services
from competencies.interchange.moodle import export_moodle_csv, parse_moodle_csv
from competencies.interchange.tree import CompetencyData, FrameworkData, save_framework
from competencies.models import Competency, Framework
from ksf.imports.tabular import ImportFailed
from ksf.roles import Role
from tests.factories import UserFactory


def _chain(levels: int) -> FrameworkData:
    return FrameworkData(
        idnumber="DEEP",
        title="Deep framework",
        competencies=[
            CompetencyData(f"L{n}", f"Level {n}", parent_idnumber=f"L{n - 1}" if n > 1 else "")
            for n in range(1, levels + 1)
        ],
    )


def test_a_moodle_file_five_thousand_levels_deep_is_refused_saying_where(db):
    csv = export_moodle_csv(_chain(5000))
    with pytest.raises(ImportFailed) as failed:
        parse_moodle_csv(csv, "deep.csv")
    messages = [str(e) for e in failed.value.errors]
    assert any(
        "'L11' is at level 11: a framework may have at most 10 levels." in m for m in messages
    )
    assert len(failed.value.errors) == 1  # said once, not five thousand times
    assert not Framework.objects.exists()


def test_ten_levels_are_accepted(db):
    data = parse_moodle_csv(export_moodle_csv(_chain(10)), "ten.csv")
    assert len(data.competencies) == 10


def test_a_parent_cycle_is_reported_once(db):
    data = _chain(3)
    data.competencies[0].parent_idnumber = "L3"
    csv = export_moodle_csv(data)
    with pytest.raises(ImportFailed) as failed:
        parse_moodle_csv(csv, "cycle.csv")
    cycles = [e for e in failed.value.errors if "parent cycle" in str(e)]
    assert len(cycles) == 1


def test_the_tree_editor_refuses_to_indent_below_the_deepest_level(client, db):
    educator = UserFactory(roles=[Role.EDUCATOR])
    framework = save_framework(_chain(10), filename="test", user=educator)
    frameworks_services.grant_framework(framework, educator)
    top = Competency.objects.get(framework=framework, idnumber="L1")
    sibling = frameworks_services.add_competency(
        framework=framework, parent=None, idnumber="S", short_name="Sibling", user=educator
    )
    # Indenting L1 (ten levels) under its new sibling would make eleven.
    frameworks_services.move(sibling, "up", user=educator)
    client.force_login(educator)
    response = client.post(
        reverse("competencies_tree", args=[framework.pk]),
        {"action": "indent", "node": top.pk},
        follow=True,
    )
    assert "a framework may have at most 10 levels" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None
    with pytest.raises(ValidationError):
        frameworks_services.add_competency(
            framework=framework,
            parent=Competency.objects.get(framework=framework, idnumber="L10"),
            idnumber="L11",
            short_name="Too deep",
            user=educator,
        )


def test_a_deep_tree_saved_before_the_limit_still_opens_and_exports(client, db):
    """1,500 levels: beyond Python's recursion limit, as a file imported before the rule."""
    framework = save_framework(_chain(3), filename="test", user=None)
    parent = Competency.objects.get(framework=framework, idnumber="L3")
    for n in range(4, 1501):
        parent = Competency.objects.create(
            framework=framework, parent=parent, idnumber=f"L{n}", short_name=f"Level {n}", depth=n
        )
    framework.save_revision().publish(user=None, skip_permission_checks=True)
    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("competencies_tree", args=[framework.pk])).status_code == 200
    for fmt in ("moodle", "case"):
        response = client.get(reverse("competencies_export", args=[framework.pk, fmt]))
        assert response.status_code == 200, (fmt, response.get("Location"))
    page = client.get("/frameworks/DEEP/")
    assert page.status_code == 200
    assert "Level 1500" in page.content.decode()


def test_a_case_package_follows_the_same_limit(db):
    import json

    from competencies.interchange.case import export_case_package, parse_case_package

    framework = save_framework(_chain(10), filename="test", user=None)
    package = json.dumps(export_case_package(framework, base_url="https://example.org")).encode()
    assert len(parse_case_package(package, "ten.json").competencies) == 10
    Competency.objects.create(
        framework=framework,
        parent=Competency.objects.get(framework=framework, idnumber="L10"),
        idnumber="L11",
        short_name="Level 11",
        depth=11,
    )
    package = json.dumps(export_case_package(framework, base_url="https://example.org")).encode()
    framework.delete()
    with pytest.raises(ImportFailed) as failed:
        parse_case_package(package, "eleven.json")
    assert any(
        "is at level 11: a framework may have at most 10 levels" in str(e)
        for e in failed.value.errors
    )
