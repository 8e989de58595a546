"""The fellowship tests' shared world: a live sonography programme on the base world, with
an OSCE, a logbook, a competency milestone, a mentor's declaration and a mentor."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from fellowships.models import Milestone, Programme
from tests.factories import AssignmentFactory, staff_with_login


@dataclass
class Fellowship:
    world: object
    programme: Programme
    logbook: Milestone
    module: Milestone
    competency: Milestone
    mentor: object


@pytest.fixture
def fs(world) -> Fellowship:
    programme = Programme.objects.create(
        code="MSK-POCUS",
        title="MSK point-of-care ultrasound",
        kind=Programme.Kind.SONOGRAPHY,
        target_months=12,
        min_band="5",
        professions=["physiotherapist"],
        cost=Decimal("2400"),
        declaration="I declare the fellow competent in diagnostic MSK ultrasound.",
        final_signoff_role="mentor",
        supervisor_capacity=2,
        live=True,
    )
    logbook = Milestone.objects.create(
        programme=programme, stage="Module 2", title="Supervised scans", kind="logbook",
        supervision="supervised", target_entries=3, sort_order=1,
    )  # fmt: skip
    module = Milestone.objects.create(
        programme=programme, stage="Module 1", title="OSCE", kind="module", pass_mark=50,
        sort_order=0,
    )  # fmt: skip
    competency = Milestone.objects.create(
        programme=programme, stage="Module 2", title="Knee scanning", kind="competency",
        competency=world.framework.competencies.get(idnumber="C1"), sort_order=2,
    )  # fmt: skip
    Milestone.objects.create(
        programme=programme, stage="Sign-off", title="Mentor's declaration", kind="final",
        sort_order=3,
    )  # fmt: skip
    mentor = staff_with_login(band="7", first_name="Meg", last_name="Mentor")
    AssignmentFactory(staff=mentor, team=world.team)
    world.clinician.profession = "physiotherapist"
    world.clinician.save()
    return Fellowship(world, programme, logbook, module, competency, mentor)
