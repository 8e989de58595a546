"""Development plans, team plans and the HCPC CPD profile."""

from ksf import dates
from tests.permission_matrix import PostCase, Rule, everyone

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


def _clinician_with_four_activities(w, name: str) -> dict:
    """Enough CPD for a profile: the profile needs four to six activities."""
    import datetime
    from decimal import Decimal

    from competencies.models import CPDEntry

    kwargs = _clinician_with_cpd(w, name)
    for days, title in ((60, "Journal club"), (90, "Case review"), (120, "Shadowed a consultant")):
        CPDEntry.objects.create(
            staff=w.clinician,
            title=title,
            date=dates.today() - datetime.timedelta(days=days),
            activity_type=CPDEntry.ActivityType.WORK_BASED,
            hours=Decimal("1.5"),
            description="Learning at work.",
        )
    return kwargs


def _profile_data(w, n, kw) -> dict:
    from competencies.models import CPDEntry

    chosen = CPDEntry.objects.filter(staff=w.clinician).values_list("pk", flat=True)[:4]
    return {"summary": "I work in a community MSK team.", "activities": [str(pk) for pk in chosen]}


def _cpd_state(w, n, kw):
    from competencies.models import CPDEntry

    return list(CPDEntry.objects.order_by("pk").values())


TEAM_VIEWERS = everyone(
    "denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok"
)

TEAM_LEADS = everyone("denied", anonymous="login", manager="ok", administrator="ok")

RULES: list = [
    Rule(
        r"exports:plan|exports:plan_xlsx",
        PERSON_VIEWERS,
        kwargs=_clinician_with_cpd,
        post=PERSON_VIEWERS,
        note="the person, their line manager or team lead, administrators",
    ),
    Rule(
        r"exports:hcpc_profile",
        ONLY_THEMSELVES,
        kwargs=_clinician_with_four_activities,
        post=ONLY_THEMSELVES,
        post_data=_profile_data,
        state=_cpd_state,
        writes=False,
        note="the profile is the person's own work: managers and administrators get 404 too; "
        "a POST builds the profile and saves nothing",
    ),
    Rule(
        r"exports:team_plans_xlsx",
        TEAM_LEADS,
        kwargs=lambda w, n: {"team_pk": w.team.pk},
        post=TEAM_LEADS,
        note="named development plans: the team lead and administrators, not the service lead",
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

EXTRA_POSTS: list = [
    PostCase(
        "exports:hcpc_profile",
        lambda w: {"staff_number": w.stranger.staff_number},
        everyone("denied", anonymous="login"),
        post_data=_profile_data,
        state=_cpd_state,
        writes=False,
    ),
    PostCase(
        "exports:hcpc_profile",
        lambda w: _clinician_with_four_activities(w, "exports:hcpc_profile"),
        everyone("denied", anonymous="login", clinician="refused"),
        post_data=lambda w, n, kw: {"summary": "", "activities": []},
        state=_cpd_state,
        writes=False,
        note="an empty profile form is refused",
    ),
    PostCase(
        "exports:team_plans_xlsx",
        lambda w: {"team_pk": w.other_team.pk},
        everyone("denied", anonymous="login", administrator="ok"),
        note="the team lead asking for another team's plans",
    ),
]
