"""Permission-matrix rows for the portfolio: CPD log and evidence (and, later, sign-offs).

``world.clinician`` owns the samples. Reading is for the person, their line manager and
administrators; writing is for the person only. Everyone else gets 404.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from ksf import dates
from tests.permission_matrix import Rule, everyone

READERS = everyone("denied", anonymous="login", clinician="ok", manager="ok", administrator="ok")
OWNER_ONLY = everyone("denied", anonymous="login", clinician="ok")
ADMIN_READS = everyone("denied", anonymous="login", administrator="ok")


def sample_entry(person):
    from competencies.models import CPDEntry

    return CPDEntry.objects.create(
        staff=person,
        date=dates.today() - datetime.timedelta(days=30),
        title="Shoulder study day",
        activity_type=CPDEntry.ActivityType.FORMAL,
        hours=Decimal("6"),
        description="A day on shoulder assessment.",
    )


def sample_file(person):
    from competencies.models import Evidence

    evidence = Evidence(
        owner=person,
        title="Certificate",
        original_name="certificate.pdf",
        content_type="application/pdf",
        size=9,
    )
    evidence.file.save("certificate.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return evidence


def _cpd_kwargs(world, name: str) -> dict:
    action = name.partition(":")[2]
    if action == "evidence_file":
        return {"pk": sample_file(world.clinician).pk}
    kwargs = {"staff_number": world.clinician.staff_number}
    if action in {"detail", "edit", "delete"}:
        kwargs["pk"] = sample_entry(world.clinician).pk
    if action == "evidence_delete":
        kwargs["pk"] = sample_file(world.clinician).pk
    return kwargs


RULES: list = [
    Rule(r"cpd:(list|detail|evidence_list|evidence_file)", READERS, kwargs=_cpd_kwargs),
    Rule(
        r"cpd:(add|edit|delete|evidence_add|evidence_delete)",
        OWNER_ONLY,
        kwargs=_cpd_kwargs,
        note="the person only: the line manager reads but never writes",
    ),
]

EXTRA_CASES: list = [
    # Someone nobody here manages: only administrators read, nobody else writes.
    ("cpd:list", lambda w: {"staff_number": w.stranger.staff_number}, ADMIN_READS),
    (
        "cpd:detail",
        lambda w: {"staff_number": w.stranger.staff_number, "pk": sample_entry(w.stranger).pk},
        ADMIN_READS,
    ),
    ("cpd:evidence_file", lambda w: {"pk": sample_file(w.stranger).pk}, ADMIN_READS),
    ("cpd:evidence_list", lambda w: {"staff_number": w.stranger.staff_number}, ADMIN_READS),
    (
        "cpd:edit",
        lambda w: {"staff_number": w.stranger.staff_number, "pk": sample_entry(w.stranger).pk},
        everyone("denied", anonymous="login"),
    ),
    # An entry reached through someone else's record is not found, even by its owner.
    (
        "cpd:detail",
        lambda w: {"staff_number": w.clinician.staff_number, "pk": sample_entry(w.stranger).pk},
        everyone("denied", anonymous="login"),
    ),
    # The manager's own log: theirs to write, the administrator's to read.
    (
        "cpd:add",
        lambda w: {"staff_number": w.manager.staff_number},
        everyone("denied", anonymous="login", manager="ok"),
    ),
]
