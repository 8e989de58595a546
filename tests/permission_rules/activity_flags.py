"""Skill-gap flag pages: a team's flags, a person's, my own, the list across teams, one flag
(with its acknowledge/resolve/reopen form), the funnel plots and the workbooks.

Roles here: the clinician (Cara) has a flag about her; the manager (Mona) leads her team and
is her line manager; the service lead leads the team's service; the educator and the
supervisor have no part in these teams, and no staff record. A flag about Sam, in a team of
another service, checks that nobody but an administrator finds it.
"""

from tests.permission_matrix import PostCase, Rule, everyone

LEADS = everyone("denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok")
GET_ONLY = everyone("method", anonymous="login")
WITH_STAFF_RECORD = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", service_lead="ok"
)
ABOUT_CARA = everyone(
    "denied",
    anonymous="login",
    clinician="redirect",
    manager="ok",
    service_lead="ok",
    administrator="ok",
)
CARAS_FLAG = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", service_lead="ok", administrator="ok"
)
CHANGES = everyone(
    "denied",
    anonymous="login",
    manager="redirect",
    service_lead="redirect",
    administrator="redirect",
)
NO_NOTE = everyone(
    "denied", anonymous="login", manager="refused", service_lead="refused", administrator="refused"
)
ADMIN_ONLY = everyone("denied", anonymous="login", administrator="ok")


def sample(world):
    from tests.activity import flag_samples

    if getattr(world, "_flags", None) is None:
        world._flags = flag_samples.sample(world)
    return world._flags


def _state(w, n, kw):
    from competencies.models import Flag, FlagEvent

    return (
        list(Flag.objects.order_by("pk").values_list("pk", "status", "status_note")),
        FlagEvent.objects.count(),
    )


def _team(w, n) -> dict:
    sample(w)
    return {"pk": w.team.pk}


RULES = [
    Rule(
        r"flags:overview|flags:workbook",
        LEADS,
        kwargs=lambda w, n: (sample(w), {})[1],
        post=GET_ONLY,
        state=_state,
        writes=False,
        note="team leads, service leads and administrators: the teams they answer for",
    ),
    Rule(
        r"flags:mine",
        WITH_STAFF_RECORD,
        kwargs=lambda w, n: (sample(w), {})[1],
        post=GET_ONLY,
        state=_state,
        writes=False,
        note="anyone with a staff record; without one, 404",
    ),
    Rule(
        r"flags:person",
        ABOUT_CARA,
        kwargs=lambda w, n: (sample(w), {"staff_number": w.clinician.staff_number})[1],
        post=GET_ONLY,
        state=_state,
        writes=False,
        note="Cara is sent to 'My flags'; her managers, her service lead, administrators read",
    ),
    Rule(
        r"flags:team|flags:team_workbook|flags:team_funnel",
        LEADS,
        kwargs=_team,
        post=GET_ONLY,
        state=_state,
        writes=False,
    ),
    Rule(
        r"flags:service_funnel",
        LEADS,
        kwargs=lambda w, n: (sample(w), {"pk": w.team.service_id})[1],
        post=GET_ONLY,
        state=_state,
        writes=False,
        note="the service lead, a lead of one of its teams (their teams only), administrators",
    ),
    Rule(
        r"flags:detail",
        CARAS_FLAG,
        kwargs=lambda w, n: {"pk": sample(w).cara_flag.pk},
        post=CHANGES,
        post_data=lambda w, n, kw: {"action": "acknowledge", "note": "Looked at the rota."},
        state=_state,
        note="Cara reads her flag and is refused a change (403); her managers act",
    ),
]

EXTRA_CASES = [
    ("flags:detail", lambda w: {"pk": sample(w).stranger_flag.pk}, ADMIN_ONLY),
    ("flags:detail", lambda w: {"pk": sample(w).team_flag.pk}, LEADS),
    ("flags:detail", lambda w: {"pk": 999_999}, everyone("denied", anonymous="login")),
    (
        "flags:person",
        lambda w: (sample(w), {"staff_number": w.stranger.staff_number})[1],
        ADMIN_ONLY,
    ),
    ("flags:team", lambda w: (sample(w), {"pk": w.other_team.pk})[1], ADMIN_ONLY),
    ("flags:team_funnel", lambda w: {"pk": w.other_team.pk}, ADMIN_ONLY),
    ("flags:service_funnel", lambda w: {"pk": w.other_team.service_id}, ADMIN_ONLY),
    ("flags:team_workbook", lambda w: {"pk": w.other_team.pk}, ADMIN_ONLY),
]

EXTRA_POSTS = [
    PostCase(
        "flags:detail",
        lambda w: {"pk": sample(w).cara_flag.pk},
        NO_NOTE,
        post_data=lambda w, n, kw: {"action": "acknowledge", "note": ""},
        state=_state,
        note="acknowledging without a note is refused with the service's message",
    ),
    PostCase(
        "flags:detail",
        lambda w: {"pk": sample(w).stranger_flag.pk},
        everyone("denied", anonymous="login", administrator="redirect"),
        post_data=lambda w, n, kw: {"action": "resolve", "note": "Not mine to resolve."},
        state=_state,
        note="a flag in another service's team: 404 to everyone but administrators",
    ),
]
