"""The activity-to-competency map's rules: each refusal says why, and nothing is written."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from competencies.activity import map_rules
from competencies.activity.map_rules import Line
from competencies.models import ActivityRequirement
from tests.competencies.portfolio_fixtures import published_framework
from tests.conftest import educator_framework
from tests.factories import UserFactory

START = datetime.date(2024, 1, 1)


@pytest.fixture
def framework(db):
    return published_framework("INJ")


def line(framework, **overrides) -> Line:
    values = {
        "procedure_scheme": "snomed",
        "procedure_code": "241497006",
        "activity_type": "",
        "label": "Ultrasound-guided shoulder injection",
        "competency": framework.competencies.get(idnumber="C2"),
        "level": None,
        "valid_from": START,
        "valid_to": None,
    }
    values.update(overrides)
    return Line(**values)


def refusal(candidate: Line, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        map_rules.save_line(candidate, **kwargs)
    return caught.value.message_dict


def test_a_good_line_is_saved(framework):
    saved = map_rules.save_line(line(framework, level=framework.scale_values.get(name="Expert")))
    assert saved.pk and saved.level.name == "Expert"


def test_a_competency_of_a_retired_framework_is_refused(framework):
    framework.retired = True
    framework.save()
    errors = refusal(line(framework))
    assert "which is retired" in errors["competency"][0]
    assert "current version" in errors["competency"][0]
    assert not ActivityRequirement.objects.exists()


def test_a_competency_of_an_unpublished_framework_is_refused(db):
    draft = educator_framework(UserFactory(username="edu"))
    errors = refusal(line(draft, competency=draft.competencies.get(idnumber="C1")))
    assert "which is not published" in errors["competency"][0]
    assert not ActivityRequirement.objects.exists()


def test_a_saved_line_of_a_since_retired_framework_may_still_be_ended(framework):
    saved = map_rules.save_line(line(framework))
    framework.retired = True
    framework.save()
    ended = line(framework, valid_to=datetime.date(2025, 1, 1))
    map_rules.save_line(ended, instance=saved)
    saved.refresh_from_db()
    assert saved.valid_to == datetime.date(2025, 1, 1)


def test_a_level_from_another_frameworks_scale_is_refused(framework):
    other = published_framework("OTHER")
    errors = refusal(line(framework, level=other.scale_values.get(name="Expert")))
    assert errors["level"] == [
        "'Expert' is not on the scale of Injection therapy. Its levels are: Novice, "
        "Competent, Expert."
    ]
    assert not ActivityRequirement.objects.exists()


def test_an_end_before_the_start_is_refused(framework):
    errors = refusal(line(framework, valid_to=datetime.date(2023, 12, 31)))
    assert errors["valid_to"] == [
        "The end date (2023-12-31) is before the start date (2024-01-01)."
    ]
    assert not ActivityRequirement.objects.exists()


def test_a_line_matching_nothing_is_refused(framework):
    errors = refusal(line(framework, procedure_code="", activity_type=""))
    assert "Give a procedure code, an activity type or both" in errors["procedure_code"][0]
    assert not ActivityRequirement.objects.exists()


def test_an_overlapping_line_for_the_same_work_and_competency_is_refused(framework):
    first = map_rules.save_line(line(framework, valid_to=datetime.date(2024, 12, 31)))
    errors = refusal(line(framework, valid_from=datetime.date(2024, 6, 1), label="Again"))
    assert errors["valid_from"] == [
        "Another line already maps this work to Shoulder injection from 2024-01-01 to "
        "2024-12-31 ('Ultrasound-guided shoulder injection'). End that line before this one "
        "starts, or change it instead."
    ]
    assert list(ActivityRequirement.objects.all()) == [first]


def test_lines_that_do_not_overlap_or_differ_in_work_are_allowed(framework):
    map_rules.save_line(line(framework, valid_to=datetime.date(2024, 12, 31)))
    map_rules.save_line(line(framework, valid_from=datetime.date(2025, 1, 1)))
    map_rules.save_line(line(framework, procedure_scheme="local", procedure_code="USGI"))
    map_rules.save_line(line(framework, activity_type="intervention"))
    assert ActivityRequirement.objects.count() == 4


def test_a_line_is_not_an_overlap_with_itself_when_changed(framework):
    saved = map_rules.save_line(line(framework))
    map_rules.save_line(line(framework, label="Renamed"), instance=saved)
    saved.refresh_from_db()
    assert saved.label == "Renamed"


def test_everyday_work_may_need_no_competency(framework):
    saved = map_rules.save_line(
        line(framework, procedure_code="91251008", label="Physiotherapy", competency=None)
    )
    assert saved.competency is None
    assert str(saved) == "Physiotherapy needs no particular competency"
    assert saved.needs() == "None needed"


def test_a_level_or_lapse_without_a_competency_is_refused(framework):
    errors = refusal(
        line(
            framework,
            competency=None,
            level=framework.scale_values.get(name="Expert"),
            lapse_months=6,
        )
    )
    assert errors["level"] == ["A level needs a competency: choose one, or clear the level."]
    assert errors["lapse_months"] == [
        "Lapsing applies to a competency: choose one, or clear the months."
    ]
    assert not ActivityRequirement.objects.exists()


def test_needing_none_and_needing_one_cannot_overlap_for_the_same_work(framework):
    map_rules.save_line(line(framework))
    errors = refusal(line(framework, competency=None, label="Everyday scan"))
    (message,) = errors["competency"]
    assert message.startswith("'Ultrasound-guided shoulder injection' ")
    assert "says this work needs " in message and "which contradicts this line" in message
    assert ActivityRequirement.objects.count() == 1
    # and the other way round, once the everyday line has ended
    map_rules.save_line(
        line(
            framework,
            procedure_code="229065009",
            competency=None,
            label="Exercise therapy",
            valid_to=datetime.date(2024, 5, 31),
        )
    )
    errors = refusal(line(framework, procedure_code="229065009", label="Exercise therapy"))
    assert "needs no particular competency, which contradicts" in errors["competency"][0]
    later = line(
        framework,
        procedure_code="229065009",
        label="Exercise therapy",
        valid_from=datetime.date(2024, 6, 1),
    )
    assert map_rules.save_line(later).competency is not None
