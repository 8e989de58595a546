"""Permission-matrix rows for the portfolio: CPD log and evidence (and, later, sign-offs).

``world.clinician`` owns the samples. Reading is for the person, their line manager and
administrators; writing is for the person only. Everyone else gets 404.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from ksf import dates
from tests.permission_matrix import PostCase, Rule, everyone

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


def cpd_data(w, name: str, kw) -> dict:
    """A complete CPD activity for add and edit; link evidence for the evidence store."""
    if name.endswith("evidence_add"):
        return {"title": "Course certificate", "url": "https://example.com/certificate"}
    if name.endswith(":delete") or name.endswith("evidence_delete"):
        return {}
    return {
        "date": (dates.today() - datetime.timedelta(days=7)).isoformat(),
        "title": "Knee injection update",
        "activity_type": "formal",
        "hours": "3.5",
        "description": "A half day on knee injection technique.",
    }


def portfolio_state(w, n, kw):
    """Every CPD entry and evidence item, with what a write would change."""
    from competencies.models import CPDEntry, Evidence

    entries = CPDEntry.objects.order_by("pk").values_list("pk", "staff_id", "title", "hours")
    evidence = Evidence.objects.order_by("pk").values_list("pk", "owner_id", "title")
    return list(entries), list(evidence)


RULES: list = [
    Rule(r"cpd:(list|detail|evidence_list)", READERS, kwargs=_cpd_kwargs, post=READERS),
    Rule(r"cpd:evidence_file", READERS, kwargs=_cpd_kwargs, note="GET only"),
    Rule(
        r"cpd:(add|edit|evidence_add)",
        OWNER_ONLY,
        kwargs=_cpd_kwargs,
        post=everyone("denied", anonymous="login", clinician="redirect"),
        post_data=cpd_data,
        state=portfolio_state,
        note="the person only: the line manager reads but never writes",
    ),
    Rule(
        r"cpd:(delete|evidence_delete)",
        OWNER_ONLY,
        kwargs=_cpd_kwargs,
        post=everyone("denied", anonymous="login", clinician="redirect"),
        state=portfolio_state,
        note="GET asks to confirm; a POST deletes",
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


def _strangers(name: str):
    """The stranger's record (nobody here manages them), with an entry or file to act on."""

    def kwargs(w) -> dict:
        found = {"staff_number": w.stranger.staff_number}
        if name in {"cpd:edit", "cpd:delete"}:
            found["pk"] = sample_entry(w.stranger).pk
        if name == "cpd:evidence_delete":
            found["pk"] = sample_file(w.stranger).pk
        return found

    return kwargs


def _verified_evidence(w) -> dict:
    """A file the manager judged a verified sign-off on: it must be kept."""
    from competencies.portfolio import services
    from tests.competencies.portfolio_fixtures import published_framework

    framework = published_framework(idnumber="MATRIX")
    evidence = sample_file(w.clinician)
    claim = services.claim(
        person=w.clinician,
        user=w.clinician.user,
        competency=framework.competencies.get(idnumber="C1"),
        value=framework.scale_values.get(name="Competent"),
        evidence=[evidence],
        assessor=w.manager,
    )
    services.decide(claim, user=w.manager.user, verify=True)
    return {"staff_number": w.clinician.staff_number, "pk": evidence.pk}


NOBODY = everyone("denied", anonymous="login")

EXTRA_POSTS: list = [
    # Nobody writes to the stranger's portfolio: not the manager, not the clinician, not even
    # administrators (they read).
    *(
        PostCase(name, _strangers(name), NOBODY, post_data=cpd_data, state=portfolio_state)
        for name in ("cpd:add", "cpd:edit", "cpd:delete", "cpd:evidence_add", "cpd:evidence_delete")
    ),
    # Someone else's entry or file reached through the clinician's own record: not found.
    PostCase(
        "cpd:edit",
        lambda w: {"staff_number": w.clinician.staff_number, "pk": sample_entry(w.stranger).pk},
        NOBODY,
        post_data=cpd_data,
        state=portfolio_state,
    ),
    PostCase(
        "cpd:delete",
        lambda w: {"staff_number": w.clinician.staff_number, "pk": sample_entry(w.stranger).pk},
        NOBODY,
        state=portfolio_state,
    ),
    PostCase(
        "cpd:evidence_delete",
        lambda w: {"staff_number": w.clinician.staff_number, "pk": sample_file(w.stranger).pk},
        NOBODY,
        state=portfolio_state,
    ),
    PostCase(
        "cpd:evidence_delete",
        _verified_evidence,
        everyone("denied", anonymous="login", clinician="refused"),
        state=portfolio_state,
        note="it supports a verified sign-off: the owner is told why not (409)",
    ),
    # The manager's own log: theirs to write, not their report's or the administrator's.
    PostCase(
        "cpd:add",
        lambda w: {"staff_number": w.manager.staff_number},
        everyone("denied", anonymous="login", manager="redirect"),
        post_data=cpd_data,
        state=portfolio_state,
    ),
]
