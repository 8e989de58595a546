"""My development (RAG), claiming competencies, sign-off requests, notifications, team pages."""

from tests.permission_matrix import ROLES, PostCase, Rule, everyone

OWN_OR_MANAGER = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", administrator="ok"
)
HAS_STAFF_RECORD = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", service_lead="ok"
)
TEAM_VIEWERS = everyone(
    "denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok"
)
TO_OWN_PAGE = everyone(
    "redirect", anonymous="login", educator="denied", supervisor="denied", administrator="denied"
)


def _sample_request(world, person=None, assessor=None):
    """A published framework, and a request from the clinician (or ``person``) addressed to
    the manager (or ``assessor``)."""
    from competencies.portfolio import services as portfolio_services
    from tests.competencies.portfolio_fixtures import published_framework

    framework = published_framework(idnumber="MATRIX")
    person = person or world.clinician
    return portfolio_services.claim(
        person=person,
        user=person.user,
        competency=framework.competencies.get(idnumber="C1"),
        value=framework.scale_values.get(name="Competent"),
        assessor=assessor or world.manager,
    )


def _claim_state(w, n, kw):
    from competencies.models import Attainment

    return list(Attainment.objects.order_by("pk").values_list("pk", "status", "decided_at"))


def _claim_data(w, n, kw) -> dict:
    from competencies.models import Competency

    competency = Competency.objects.get(pk=kw["pk"])
    value = competency.framework.scale_values.get(name="Competent")
    return {"value": value.pk, "comment": "Ran the knee clinic for a term.", "assessor": ""}


def _verify(w, n, kw) -> dict:
    return {"decision": "verify", "comment": "Seen in clinic."}


def _with_unread_notifications(w, n) -> dict:
    """One unread notification for every signed-in role, so marking read has work to do."""
    from ksf.models import Notification

    for role in ROLES:
        if w.user(role) is not None:
            Notification.objects.create(recipient=w.user(role), subject="Sign-off requested")
    return {}


def _unread(w, n, kw):
    from ksf.models import Notification

    return list(
        Notification.objects.filter(read_at__isnull=True).values_list("recipient_id", flat=True)
    )


def _sample_competency(world):
    from tests.competencies.portfolio_fixtures import published_framework

    return published_framework(idnumber="MATRIX").competencies.get(idnumber="C1")


RULES = [
    Rule(
        r"development:person",
        OWN_OR_MANAGER,
        kwargs=lambda w, n: {"staff_number": w.clinician.staff_number},
        post=OWN_OR_MANAGER,
    ),
    Rule(
        r"development:mine",
        TO_OWN_PAGE,
        post=TO_OWN_PAGE,
        note="people with a staff record go to their own page",
    ),
    Rule(
        r"development:competency",
        HAS_STAFF_RECORD,
        kwargs=lambda w, n: {"pk": _sample_competency(w).pk},
        post=everyone(
            "denied",
            anonymous="login",
            clinician="redirect",
            manager="redirect",
            service_lead="redirect",
        ),
        post_data=_claim_data,
        state=_claim_state,
        note="about oneself: anyone with a staff record; each claims for themselves",
    ),
    Rule(
        r"development:withdraw",
        everyone("method", anonymous="login"),
        kwargs=lambda w, n: {"pk": _sample_request(w).pk},
        post=everyone("denied", anonymous="login", clinician="redirect"),
        state=_claim_state,
        note="POST only; the person who claimed",
    ),
    Rule(
        r"development:signoff_list",
        everyone("ok", anonymous="login"),
        post=everyone("ok", anonymous="login"),
    ),
    Rule(
        r"development:signoff_decide",
        everyone("denied", anonymous="login", manager="ok"),
        kwargs=lambda w, n: {"pk": _sample_request(w).pk},
        post=everyone("denied", anonymous="login", manager="redirect"),
        post_data=_verify,
        state=_claim_state,
        note="only the named assessor",
    ),
    Rule(
        r"ksf:notifications",
        everyone("ok", anonymous="login"),
        post=everyone("ok", anonymous="login"),
    ),
    Rule(
        r"ksf:notifications_read",
        everyone("method", anonymous="login"),
        kwargs=_with_unread_notifications,
        post=everyone("redirect", anonymous="login"),
        state=_unread,
        note="POST only; each marks their own",
    ),
    Rule(
        r"team_development",
        TEAM_VIEWERS,
        kwargs=lambda w, n: {"pk": w.team.pk},
        post=TEAM_VIEWERS,
    ),
]

EXTRA_CASES = [
    (
        "development:person",
        lambda w: {"staff_number": w.stranger.staff_number},
        everyone("denied", anonymous="login", administrator="ok"),
    ),
    (
        "team_development",
        lambda w: {"pk": w.other_team.pk},
        everyone("denied", anonymous="login", administrator="ok"),
    ),
]

EXTRA_POSTS = [
    PostCase(
        "development:signoff_decide",
        lambda w: {"pk": _sample_request(w, assessor=w.user("service_lead").staff_member).pk},
        everyone("denied", anonymous="login", service_lead="redirect"),
        post_data=_verify,
        state=_claim_state,
        note="addressed to the service lead: the line manager is not the assessor",
    ),
    PostCase(
        "development:signoff_decide",
        lambda w: {"pk": _sample_request(w).pk},
        everyone("denied", anonymous="login", manager="refused"),
        post_data=lambda w, n, kw: {"comment": "No choice made."},
        state=_claim_state,
        note="a decision posted without a choice is refused, not a 500",
    ),
    PostCase(
        "development:competency",
        lambda w: {"pk": _sample_competency(w).pk},
        everyone(
            "denied",
            anonymous="login",
            clinician="refused",
            manager="refused",
            service_lead="refused",
        ),
        post_data=lambda w, n, kw: {"comment": "No level chosen.", "assessor": ""},
        state=_claim_state,
        note="a self-assessment posted without a level is refused, not a 500",
    ),
    PostCase(
        "development:withdraw",
        lambda w: {"pk": _sample_request(w, person=w.stranger).pk},
        everyone("denied", anonymous="login"),
        state=_claim_state,
        note="someone else's claim: nobody here withdraws it",
    ),
    PostCase(
        "team_development",
        lambda w: {"pk": w.other_team.pk},
        everyone("denied", anonymous="login", administrator="ok"),
        note="the team lead POSTing to a team that is not theirs",
    ),
    PostCase(
        "development:person",
        lambda w: {"staff_number": w.stranger.staff_number},
        everyone("denied", anonymous="login", administrator="ok"),
    ),
]
