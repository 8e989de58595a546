"""Development plans, team plans and the HCPC CPD profile."""

from ksf import dates
from tests.permission_matrix import Rule, everyone

PERSON_VIEWERS = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", administrator="ok"
)
ONLY_THEMSELVES = everyone("denied", anonymous="login", clinician="ok")


def _clinician_with_cpd(w, name: str) -> dict:
    """Cara's record, with a CPD activity so the pages have something to show."""
    import datetime
    from decimal import Decimal

    from competencies.models import CPDEntry

    CPDEntry.objects.get_or_create(
        staff=w.clinician,
        title='=HYPERLINK("http://example.com","Shoulder course")',
        defaults={
            "date": dates.today() - datetime.timedelta(days=30),
            "activity_type": CPDEntry.ActivityType.FORMAL,
            "hours": Decimal("6.5"),
            "description": "Two-day shoulder course.",
        },
    )
    return {"staff_number": w.clinician.staff_number}


RULES: list = [
    Rule(
        r"exports:plan|exports:plan_xlsx",
        PERSON_VIEWERS,
        kwargs=_clinician_with_cpd,
        note="the person, their line manager or team lead, administrators",
    ),
    Rule(
        r"exports:hcpc_profile",
        ONLY_THEMSELVES,
        kwargs=_clinician_with_cpd,
        note="the profile is the person's own work: managers and administrators get 404 too",
    ),
    Rule(
        r"exports:team_plans_xlsx",
        everyone("denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok"),
        kwargs=lambda w, n: {"team_pk": w.team.pk},
        note="whoever may view the team's workforce",
    ),
]

EXTRA_CASES: list = [
    (name, lambda w: {"staff_number": w.stranger.staff_number}, expect)
    for name, expect in (
        ("exports:plan", everyone("denied", anonymous="login", administrator="ok")),
        ("exports:plan_xlsx", everyone("denied", anonymous="login", administrator="ok")),
        ("exports:hcpc_profile", everyone("denied", anonymous="login")),
    )
] + [
    (
        "exports:plan",
        lambda w: {"staff_number": w.manager.staff_number},
        everyone("denied", anonymous="login", manager="ok", administrator="ok"),
    ),
    (
        "exports:hcpc_profile",
        lambda w: {"staff_number": w.manager.staff_number},
        everyone("denied", anonymous="login", manager="ok"),
    ),
    (
        "exports:plan_xlsx",
        lambda w: {"staff_number": "does-not-exist"},
        everyone("denied", anonymous="login"),
    ),
    (
        "exports:team_plans_xlsx",
        lambda w: {"team_pk": w.other_team.pk},
        everyone("denied", anonymous="login", administrator="ok"),
    ),
    (
        "exports:team_plans_xlsx",
        lambda w: {"team_pk": 999999},
        everyone("denied", anonymous="login"),
    ),
]
