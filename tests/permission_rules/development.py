"""My development (RAG), claiming competencies, sign-off requests, notifications, team pages."""

from tests.permission_matrix import Rule, everyone

OWN_OR_MANAGER = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", administrator="ok"
)
HAS_STAFF_RECORD = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", service_lead="ok"
)


def _sample_request(world):
    """A published framework, and a request from the clinician addressed to the manager."""
    from competencies.portfolio import services as portfolio_services
    from tests.competencies.portfolio_fixtures import published_framework

    framework = published_framework(idnumber="MATRIX")
    return portfolio_services.claim(
        person=world.clinician,
        user=world.clinician.user,
        competency=framework.competencies.get(idnumber="C1"),
        value=framework.scale_values.get(name="Competent"),
        assessor=world.manager,
    )


def _sample_competency(world):
    from tests.competencies.portfolio_fixtures import published_framework

    return published_framework(idnumber="MATRIX").competencies.get(idnumber="C1")


RULES = [
    Rule(
        r"development:person",
        OWN_OR_MANAGER,
        kwargs=lambda w, n: {"staff_number": w.clinician.staff_number},
    ),
    Rule(
        r"development:mine",
        everyone(
            "redirect",
            anonymous="login",
            educator="denied",
            supervisor="denied",
            administrator="denied",
        ),
        note="people with a staff record go to their own page",
    ),
    Rule(
        r"development:competency",
        HAS_STAFF_RECORD,
        kwargs=lambda w, n: {"pk": _sample_competency(w).pk},
        note="about oneself: anyone with a staff record",
    ),
    Rule(
        r"development:withdraw",
        everyone("method", anonymous="login"),
        kwargs=lambda w, n: {"pk": _sample_request(w).pk},
        note="POST only",
    ),
    Rule(r"development:signoff_list", everyone("ok", anonymous="login")),
    Rule(
        r"development:signoff_decide",
        everyone("denied", anonymous="login", manager="ok"),
        kwargs=lambda w, n: {"pk": _sample_request(w).pk},
        note="only the named assessor",
    ),
    Rule(r"ksf:notifications", everyone("ok", anonymous="login")),
    Rule(r"ksf:notifications_read", everyone("method", anonymous="login")),
    Rule(
        r"team_development",
        everyone("denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok"),
        kwargs=lambda w, n: {"pk": w.team.pk},
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
