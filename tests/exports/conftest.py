import datetime
from dataclasses import dataclass

import pytest
from dateutil.relativedelta import relativedelta

from competencies.models import CPDEntry
from ksf import dates
from ksf.models import DevelopmentReview
from tests.exports.factories import FORMULA_LIKE, cpd_entry, file_evidence, link_evidence, review


@dataclass
class Planned:
    """Cara with red, amber and green requirements, two reviews and a CPD log."""

    world: object
    entries: list[CPDEntry]
    old_entry: CPDEntry
    signed_review: DevelopmentReview

    @property
    def person(self):
        return self.world.clinician


@pytest.fixture
def planned(world) -> Planned:
    today = dates.today()
    cara = world.clinician
    cara.hcpc_number = "PH123456"
    cara.hcpc_renewal_date = today + relativedelta(months=5)
    cara.save()
    # Two years in post: the required competency (never claimed) is overdue, so red.
    cara.assignments.update(start_date=today - relativedelta(years=2))
    codes = list(world.post.outline.values_list("dimension__code", flat=True))
    half = len(codes) // 2
    signed = review(
        cara,
        world.manager,
        world.post,
        signed=today - datetime.timedelta(days=30),
        levels={code: (2 if i < half else 1) for i, code in enumerate(codes)},
        objectives=["Signed objective"],
    )
    entries = [
        cpd_entry(cara, days_ago=5, title="Shoulder course", hours="6"),
        cpd_entry(cara, days_ago=40, title="Case review", hours="1.5", activity_type="work_based"),
        cpd_entry(
            cara, days_ago=100, title="Journal club", hours="0.75", activity_type="professional"
        ),
        cpd_entry(cara, days_ago=400, title="Reading", hours="2.25", activity_type="self_directed"),
    ]
    entries += [
        cpd_entry(cara, days_ago=200 + i, title=text, hours="1")
        for i, text in enumerate(FORMULA_LIKE)
    ]
    entries[0].evidence.add(
        file_evidence(cara, "Course certificate", "certificate.pdf"),
        link_evidence(cara, "Course notes", "https://example.org/notes"),
    )
    old_entry = cpd_entry(cara, days_ago=3 * 365, title="Long ago course", hours="7")
    cpd_entry(world.stranger, days_ago=5, title="Someone else's course", hours="9")
    return Planned(world=world, entries=entries, old_entry=old_entry, signed_review=signed)
