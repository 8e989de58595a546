"""Skill-mix planning: the 24-month projection, what-if scenarios and who to train next.

Everything is for the people who may see the team's workforce: its lead (Mona leads MSK
North), the lead of its service (Lee) and administrators; the clinician (Cara), the educator
and the supervisor are answered 404. A scenario (the sample is Mona's) is read by all three,
and changed or deleted by its author alone: the service lead and the administrator get 403 on
a POST. The projection, the comparison and the scenario workbook only read (GET; a POST is
405). A POST to who-to-train-next without a choice from the list is refused and writes nothing.
A scenario of a team the user may not see answers 404, as the team does.
"""

from tests.permission_matrix import PostCase, Rule, everyone

VIEWERS = everyone("denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok")
GET_ONLY = everyone("method", anonymous="login")
CREATES = everyone(
    "denied",
    anonymous="login",
    manager="redirect",
    service_lead="redirect",
    administrator="redirect",
)
AUTHOR_WRITES = everyone("denied", anonymous="login", manager="redirect")
REFUSED = everyone(
    "denied", anonymous="login", manager="refused", service_lead="refused", administrator="refused"
)
AUTHOR_ONLY_PAGE = everyone("denied", anonymous="login", manager="ok")


def _scenario(world):
    from fellowships.models import Scenario

    if getattr(world, "_scenario", None) is None:
        world._scenario = Scenario.objects.create(
            author=world.manager.user, team=world.team, name="Sample what-if"
        )
    return world._scenario


def _team(w, n) -> dict:
    return {"pk": w.team.pk}


def _with_scenario(w, n) -> dict:
    return {"pk": w.team.pk, "spk": _scenario(w).pk}


def _scenario_state(w, n, kw):
    from fellowships.models import Scenario, ScenarioChange
    from ksf.models import PostAssignment

    return (
        list(Scenario.objects.order_by("pk").values_list("pk", "name")),
        ScenarioChange.objects.count(),
        list(PostAssignment.objects.order_by("pk").values_list("pk", "end_date", "wte")),
    )


def _train_state(w, n, kw):
    from fellowships.models import Application
    from ksf.models import Notification, PDPObjective

    return PDPObjective.objects.count(), Application.objects.count(), Notification.objects.count()


RULES = [
    Rule(
        r"scenarios:projection|scenarios:compare",
        VIEWERS,
        kwargs=_team,
        note="reads only: the team's projection and scenarios side by side",
    ),
    Rule(
        r"scenarios:workbook",
        VIEWERS,
        kwargs=_with_scenario,
        note="the scenario workbook: everyone who may see the team",
    ),
    Rule(
        r"scenarios:list",
        VIEWERS,
        kwargs=_team,
        post=CREATES,
        post_data=lambda w, n, kw: {"name": "Plan B"},
        state=_scenario_state,
        note="people who may see the team start a scenario of their own",
    ),
    Rule(
        r"scenarios:scenario",
        VIEWERS,
        kwargs=_with_scenario,
        post=AUTHOR_WRITES,
        post_data=lambda w, n, kw: {"action": "add", "kind": "demand", "percent": "10"},
        state=_scenario_state,
        note="read by the team's viewers; changed by its author only (403 for the others)",
    ),
    Rule(
        r"scenarios:delete",
        AUTHOR_ONLY_PAGE,
        kwargs=_with_scenario,
        post=AUTHOR_WRITES,
        state=_scenario_state,
        note="only the author is asked to confirm, and deletes",
    ),
    Rule(
        r"scenarios:train_next",
        VIEWERS,
        kwargs=_team,
        post=REFUSED,
        state=_train_state,
        writes=False,
        note="an empty choice is refused; nothing is written",
    ),
]

EXTRA_CASES = [
    (
        "scenarios:projection",
        lambda w: {"pk": w.other_team.pk},
        everyone("denied", anonymous="login", administrator="ok"),
    ),
    (
        "scenarios:scenario",
        lambda w: {"pk": w.other_team.pk, "spk": _scenario(w).pk},
        everyone("denied", anonymous="login"),
    ),
]

EXTRA_POSTS = [
    PostCase(
        "scenarios:scenario",
        lambda w: {"pk": w.other_team.pk, "spk": _scenario(w).pk},
        everyone("denied", anonymous="login"),
        post_data=lambda w, n, kw: {"action": "add", "kind": "demand", "percent": "10"},
        state=_scenario_state,
        note="a scenario asked for under another team is not found, and nothing is written",
    ),
]
