"""Every URL the project serves, classified with the outcome each role must get.

Outcomes: ok (200), login (anonymous sent to sign in), denied (403, 404, or the admin's
redirect away), redirect (elsewhere), method (405). A URL of ours that no rule names fails
the suite; later features add their rows here.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = [
    "anonymous",
    "clinician",
    "manager",
    "educator",
    "supervisor",
    "service_lead",
    "administrator",
]
OUR_APPS = ("ksf", "competencies", "fellowships", "exports", "cms")
OUR_ROUTE_PREFIXES = ("accounts/", "portal/", "healthz", "ims/", "exports/")


def everyone(outcome: str, **overrides: str) -> dict[str, str]:
    return {role: overrides.get(role, outcome) for role in ROLES}


SIGNED_IN = everyone("ok", anonymous="login")
ADMIN_ONLY = everyone("denied", anonymous="login", administrator="ok")
ADMIN_AREA = everyone("denied", anonymous="login", educator="ok", administrator="ok")


@dataclass
class Rule:
    names: str  # regular expression matched against the full URL name
    expect: dict[str, str]
    kwargs: Callable[[object, str], dict] = field(default=lambda world, name: {})
    note: str = ""

    def matches(self, name: str) -> bool:
        return re.fullmatch(self.names, name) is not None


def _viewset_pk(world, name: str) -> dict:
    sample = {
        "ksf_organisation": lambda w: w.team.service.organisation,
        "ksf_site": lambda w: w.team.site,
        "ksf_service": lambda w: w.team.service,
        "ksf_team": lambda w: w.team,
        "ksf_staff": lambda w: w.clinician,
        "ksf_post": lambda w: w.post,
        "ksf_assignment": lambda w: w.clinician.assignments.first(),
        "ksf_dimension": lambda w: w.post.outline.first().dimension,
        "ksf_indicator": lambda w: (
            w.post.outline.first().dimension.levels.first().indicators.first()
        ),
    }
    namespace, _, action = name.partition(":")
    if action in {"index", "index_results", "add"}:
        return {}
    return {"pk": sample[namespace](world).pk}


RULES: list[Rule] = [
    # The public front door and accounts.
    Rule(r"health", everyone("ok")),
    Rule(r"login", everyone("redirect", anonymous="ok"), note="signed-in people go home"),
    Rule(r"logout", everyone("method"), note="sign out is a POST"),
    Rule(r"password_reset|password_reset_done|password_reset_complete", everyone("ok")),
    Rule(
        r"password_reset_confirm",
        everyone("ok"),
        kwargs=lambda w, n: {"uidb64": "MQ", "token": "bad-token"},
        note="shows 'this link has expired'",
    ),
    # Portal pages.
    Rule(r"ksf:post_list|ksf:dimension_list|ksf:team_list", SIGNED_IN),
    Rule(r"post_detail", SIGNED_IN, kwargs=lambda w, n: {"pk": w.post.pk}),
    Rule(
        r"ksf:person_detail",
        everyone("denied", anonymous="login", clinician="ok", manager="ok", administrator="ok"),
        kwargs=lambda w, n: {"staff_number": w.clinician.staff_number},
        note="own record, line manager, administrator",
    ),
    Rule(
        r"ksf:team_detail",
        everyone("denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok"),
        kwargs=lambda w, n: {"pk": w.team.pk},
    ),
    # Admin pages of ours.
    Rule(r"ksf_staff_import|ksf_staff_import_template", ADMIN_ONLY),
    Rule(r"ksf_copy_outline", ADMIN_ONLY, kwargs=lambda w, n: {"pk": w.post.pk}),
    Rule(
        r"ksf_(organisation|site|service|team|staff|post|assignment|dimension|indicator):\w+",
        ADMIN_ONLY,
        kwargs=_viewset_pk,
    ),
]

EDUCATOR_AND_ADMIN = everyone("denied", anonymous="login", educator="ok", administrator="ok")


def _framework_kwargs(world, name: str) -> dict:
    action = name.partition(":")[2]
    framework = world.framework
    if name == "competencies_export":
        return {"pk": framework.pk, "fmt": "moodle"}
    if action in {"list", "list_results", "add"} or name == "competencies_import":
        return {}
    kwargs = {"pk": framework.pk}
    revision = framework.latest_revision
    if action in {"revisions_revert", "revisions_unschedule", "revisions_view"}:
        kwargs["revision_id"] = revision.pk
    if action == "revisions_compare":
        kwargs.update({"revision_id_a": "earliest", "revision_id_b": "latest"})
    if action in {"workflow_action", "collect_workflow_action_data"}:
        kwargs.update({"action_name": "approve", "task_state_id": 999999})
    if action == "workflow_history_detail":
        kwargs["workflow_state_id"] = 999999
    if action == "workflow_preview":
        kwargs["task_id"] = 999999
    if action in {"preview_on_add", "choose", "choose_results", "chosen_multiple", "create"}:
        return {}
    return kwargs


RULES += [
    Rule(r"competencies_import", EDUCATOR_AND_ADMIN),
    Rule(
        r"competencies_(tree|new_version|hand_over|export)",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
        note="the educator owns the sample framework",
    ),
    Rule(
        r"wagtailsnippets_competencies_framework:(list|list_results|add|edit|history|"
        r"history_results|inspect|usage|revisions_compare|revisions_revert|revisions_view|"
        r"workflow_history|preview_on_add|preview_on_edit|confirm_workflow_cancellation)",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
    ),
    Rule(
        r"wagtailsnippets_competencies_framework:(delete|unpublish|revisions_unschedule)",
        ADMIN_ONLY,
        kwargs=_framework_kwargs,
        note="owners edit; deleting and unpublishing are for administrators",
    ),
    Rule(
        r"wagtailsnippets_competencies_framework:(lock|unlock)",
        everyone("denied", anonymous="login"),
        kwargs=_framework_kwargs,
        note="POST only; a GET is turned away",
    ),
    Rule(
        r"wagtailsnippetchoosers_competencies_framework:\w+",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
    ),
    Rule(
        r"wagtailsnippets_competencies_framework:(workflow_action|collect_workflow_action_data|"
        r"workflow_history_detail|workflow_preview)",
        everyone("denied", anonymous="login"),
        kwargs=_framework_kwargs,
        note="no such task or workflow state: refused to everyone",
    ),
    Rule(
        r"competencies_requirement:\w+",
        ADMIN_ONLY,
        kwargs=lambda w, n: (
            {} if n.split(":")[1] in {"index", "index_results", "add"} else {"pk": w.requirement.pk}
        ),
    ),
    Rule(r"competencies_(assign|copy)_requirements", ADMIN_ONLY),
    Rule(r"case_documents", everyone("ok")),
    Rule(
        r"case_(package|item|association)",
        everyone("denied"),
        kwargs=lambda w, n: {"identifier": str(w.framework.identifier)},
        note="the sample framework is a draft: not served",
    ),
]


def _ksf_identifier():
    from competencies.interchange.ksf_case import ksf_document_identifier

    return ksf_document_identifier()


# Extra checks on rows that need a second object: (name, kwargs, expect).
EXTRA_CASES: list[tuple[str, Callable[[object], dict], dict[str, str]]] = [
    (
        "ksf:person_detail",
        lambda w: {"staff_number": w.stranger.staff_number},
        everyone("denied", anonymous="login", administrator="ok"),
    ),
    (
        "ksf:person_detail",
        lambda w: {"staff_number": w.manager.staff_number},
        everyone("denied", anonymous="login", manager="ok", administrator="ok"),
    ),
    (
        "ksf:team_detail",
        lambda w: {"pk": w.other_team.pk},
        everyone("denied", anonymous="login", administrator="ok"),
        # the service lead leads MSK physiotherapy; this team is in adult OT
    ),
    (
        "case_package",
        lambda w: {"identifier": str(_ksf_identifier())},
        everyone("ok"),
    ),
    (
        "ksf:person_detail",
        lambda w: {"staff_number": "does-not-exist"},
        everyone("denied", anonymous="login"),
    ),
]

# Wagtail's and Django's own URLs: sampled, since their permissions are the framework's.
FRAMEWORK_SAMPLES: list[tuple[str, dict[str, str]]] = [
    ("/admin/", ADMIN_AREA),
    ("/admin/pages/", ADMIN_ONLY),
    ("/admin/users/", ADMIN_ONLY),
    ("/admin/reports/site-history/", ADMIN_AREA),
    ("/admin/login/", everyone("ok", **{r: "denied" for r in ("educator", "administrator")})),
    ("/", everyone("ok")),
    ("/frameworks/", everyone("ok")),
]


def _gather() -> None:
    from tests.permission_rules import development, exports, portfolio, reviews

    for module in (development, portfolio, reviews, exports):
        RULES.extend(module.RULES)
        EXTRA_CASES.extend(module.EXTRA_CASES)


_gather()
