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
    from competencies.models import CPDEntry, HCPCProfileDraft

    return (
        list(CPDEntry.objects.order_by("pk").values()),
        list(HCPCProfileDraft.objects.order_by("pk").values()),
    )


def _draft_of(person, title: str = "Autumn draft"):
    from competencies.models import HCPCProfileDraft

    draft, _ = HCPCProfileDraft.objects.get_or_create(
        owner=person, title=title, defaults={"summary": "Half written."}
    )
    return draft


def _clinician_with_a_draft(w, name: str) -> dict:
    """Cara's record with enough CPD for a profile, and a saved draft of one."""
    kwargs = _clinician_with_four_activities(w, name)
    _draft_of(w.clinician)
    return kwargs


def _clinician_draft(w, name: str) -> dict:
    return {**_clinician_with_a_draft(w, name), "pk": _draft_of(w.clinician).pk}


def _strangers_activity(w) -> str:
    """A CPD activity of Sam's, which Cara may not put in her draft."""
    import datetime
    from decimal import Decimal

    from competencies.models import CPDEntry

    entry, _ = CPDEntry.objects.get_or_create(
        staff=w.stranger,
        title="Sam's course",
        defaults={
            "date": dates.today() - datetime.timedelta(days=10),
            "activity_type": CPDEntry.ActivityType.FORMAL,
            "hours": Decimal("2"),
            "description": "A course.",
        },
    )
    return str(entry.pk)


def _save_draft_data(w, n, kw) -> dict:
    """'Save draft' with two activities: fewer than a profile needs, enough for a draft."""
    return {
        **_profile_data(w, n, kw),
        "activities": _profile_data(w, n, kw)["activities"][:2],
        "save_draft": "1",
    }


def _draft_state(w, n, kw):
    from competencies.models import HCPCProfileDraft

    return [
        (d.pk, d.title, d.summary, sorted(d.activities.values_list("pk", flat=True)))
        for d in HCPCProfileDraft.objects.order_by("pk")
    ]


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
        r"exports:hcpc_drafts",
        ONLY_THEMSELVES,
        kwargs=_clinician_with_a_draft,
        note="the person's saved HCPC profiles, for them alone; GET only",
    ),
    Rule(
        r"exports:hcpc_draft",
        ONLY_THEMSELVES,
        kwargs=_clinician_draft,
        post=everyone("denied", anonymous="login", clinician="redirect"),
        post_data=_save_draft_data,
        state=_draft_state,
        note="reopens a draft in the form; 'Save draft' updates it and comes back to it",
    ),
    Rule(
        r"exports:hcpc_draft_delete",
        ONLY_THEMSELVES,
        kwargs=_clinician_draft,
        post=everyone("denied", anonymous="login", clinician="redirect"),
        state=_draft_state,
        note="GET asks to confirm; a POST deletes the draft",
    ),
    Rule(
        r"exports:team_plans_xlsx",
        TEAM_LEADS,
        kwargs=lambda w, n: {"team_pk": w.team.pk},
        post=TEAM_LEADS,
        note="named development plans: the team lead and administrators, not the service lead",
    ),
]

EXTRA_CASES: list = (
    [
        (name, lambda w: {"staff_number": w.stranger.staff_number}, expect)
        for name, expect in (
            ("exports:plan", everyone("denied", anonymous="login", administrator="ok")),
            ("exports:plan_xlsx", everyone("denied", anonymous="login", administrator="ok")),
            ("exports:hcpc_profile", everyone("denied", anonymous="login")),
            ("exports:hcpc_drafts", everyone("denied", anonymous="login")),
        )
    ]
    + [
        (
            name,
            lambda w: {"staff_number": w.stranger.staff_number, "pk": _draft_of(w.stranger).pk},
            everyone("denied", anonymous="login"),
        )
        for name in ("exports:hcpc_draft", "exports:hcpc_draft_delete")
    ]
    + [
        (
            name,
            # Sam's draft asked for under Cara's staff number: 404 for Cara too, as an unknown one.
            lambda w: {"staff_number": w.clinician.staff_number, "pk": _draft_of(w.stranger).pk},
            everyone("denied", anonymous="login"),
        )
        for name in ("exports:hcpc_draft", "exports:hcpc_draft_delete")
    ]
    + [
        (
            name,
            lambda w: {"staff_number": w.clinician.staff_number, "pk": 999999},
            everyone("denied", anonymous="login"),
        )
        for name in ("exports:hcpc_draft", "exports:hcpc_draft_delete")
    ]
    + [
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
)

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
        "exports:hcpc_profile",
        lambda w: _clinician_with_four_activities(w, "exports:hcpc_profile"),
        everyone("denied", anonymous="login", clinician="redirect"),
        post_data=_save_draft_data,
        state=_draft_state,
        note="'Save draft' on a new profile saves one, with fewer activities than a profile needs",
    ),
    PostCase(
        "exports:hcpc_profile",
        lambda w: _clinician_with_four_activities(w, "exports:hcpc_profile"),
        everyone("denied", anonymous="login", clinician="refused"),
        post_data=lambda w, n, kw: {
            "summary": "x" * 20_001,
            "activities": [_strangers_activity(w)],
            "save_draft": "1",
        },
        state=_draft_state,
        note="a draft with too long a summary or someone else's activity is refused; "
        "nothing is saved",
    ),
    *[
        PostCase(
            name,
            lambda w: {
                "staff_number": w.clinician.staff_number,
                "pk": _draft_of(w.stranger).pk,
            },
            everyone("denied", anonymous="login"),
            post_data=_save_draft_data,
            state=_draft_state,
            note="someone else's draft under your own staff number is not found",
        )
        for name in ("exports:hcpc_draft", "exports:hcpc_draft_delete")
    ],
    PostCase(
        "exports:team_plans_xlsx",
        lambda w: {"team_pk": w.other_team.pk},
        everyone("denied", anonymous="login", administrator="ok"),
        note="the team lead asking for another team's plans",
    ),
]
