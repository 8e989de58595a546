"""Every URL the project serves, classified with the outcome each role must get.

Outcomes: ok (200), login (anonymous sent to sign in), denied (403, 404, or the admin's
redirect away), redirect (elsewhere), method (405). A URL of ours that no rule names fails
the suite; later features add their rows here.

Writes are classified too. ``expect`` is what a GET gives; ``post`` is what a POST gives, with
the body ``post_data`` returns (an empty body without it). A POST may also be

    refused   the write was turned down and the page says why: a 200 re-showing a form with
              errors, a 409, or a redirect carrying an error message.

A rule without ``post`` says its URLs are GET only: the matrix then POSTs to them as every role
and fails unless someone gets 405 and everyone else is turned away as on a GET. So a URL that
takes a POST (a function view without ``require_GET``, a class-based view with ``post``) needs
a ``post`` classification, even when it is a page that only reads.

Every role's POST runs in a savepoint that is rolled back, so each role meets the same world.
Where ``state`` is given (a snapshot of what the write touches: a count, a version), a POST
whose outcome is login, denied, method or refused must leave it unchanged, and every other
POST must change it; with ``writes=False`` no POST may change it (the page builds something
and saves nothing, or the sample is such that nothing can be written).

``post_data(world, name, kwargs)`` and ``state(world, name, kwargs)`` get the URL's kwargs, so
they can find the objects the ``kwargs`` callable created. ``post_data`` is called afresh for
each role (uploaded files can be read once).
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
# Service leads reach the admin too, for the activity map and its sources.
ADMIN_AREA = everyone(
    "denied", anonymous="login", educator="ok", service_lead="ok", administrator="ok"
)


REFUSALS = ("login", "denied", "method", "refused")

# post_data and state: (world, url name, url kwargs) -> form data, or a comparable snapshot.
Data = Callable[[object, str, dict], dict]
State = Callable[[object, str, dict], object]


@dataclass
class Rule:
    names: str  # regular expression matched against the full URL name
    expect: dict[str, str]
    kwargs: Callable[[object, str], dict] = field(default=lambda world, name: {})
    note: str = ""
    post: dict[str, str] | None = None  # None: GET only (a POST is refused with 405)
    post_data: Data | None = None
    state: State | None = None
    writes: bool = True

    def matches(self, name: str) -> bool:
        return re.fullmatch(self.names, name) is not None


@dataclass
class PostCase:
    """A POST about a second object: someone else's record, team or framework."""

    name: str
    kwargs: Callable[[object], dict]
    post: dict[str, str]
    post_data: Data | None = None
    state: State | None = None
    writes: bool = True
    note: str = ""


OWN_OR_MANAGER = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", administrator="ok"
)
TEAM_VIEWERS = everyone(
    "denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok"
)

RULES: list[Rule] = [
    # The public front door and accounts.
    Rule(r"health", everyone("ok"), post=everyone("ok")),
    Rule(
        r"login",
        everyone("redirect", anonymous="ok"),
        post=everyone("redirect", anonymous="refused"),
        note="signed-in people go home; an empty sign-in is refused",
    ),
    Rule(
        r"logout",
        everyone("method"),
        post=everyone("redirect"),
        note="sign out is a POST",
    ),
    Rule(
        r"password_reset",
        everyone("ok"),
        post=everyone("refused"),
        note="an empty address is refused",
    ),
    Rule(r"password_reset_done|password_reset_complete", everyone("ok")),
    Rule(
        r"password_reset_confirm",
        everyone("ok"),
        kwargs=lambda w, n: {"uidb64": "MQ", "token": "bad-token"},
        post=everyone("ok"),
        note="shows 'this link has expired', to a POST too",
    ),
    # Portal pages. They only read; a POST shows the same page to the same people.
    Rule(r"ksf:post_list|ksf:dimension_list|ksf:team_list", SIGNED_IN, post=SIGNED_IN),
    Rule(r"post_detail", SIGNED_IN, kwargs=lambda w, n: {"pk": w.post.pk}, post=SIGNED_IN),
    Rule(
        r"ksf:person_detail",
        OWN_OR_MANAGER,
        kwargs=lambda w, n: {"staff_number": w.clinician.staff_number},
        post=OWN_OR_MANAGER,
        note="own record, line manager, administrator",
    ),
    Rule(
        r"ksf:team_detail",
        TEAM_VIEWERS,
        kwargs=lambda w, n: {"pk": w.team.pk},
        post=TEAM_VIEWERS,
    ),
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

# POSTs about a second object: someone else's record, another team, another's framework.
EXTRA_POSTS: list[PostCase] = [
    PostCase(
        "ksf:team_detail",
        lambda w: {"pk": w.other_team.pk},
        everyone("denied", anonymous="login", administrator="ok"),
        note="the team lead POSTing to a team that is not theirs",
    ),
]

# Wagtail's and Django's own URLs: sampled, since their permissions are the framework's.
FRAMEWORK_SAMPLES: list[tuple[str, dict[str, str]]] = [
    ("/admin/", ADMIN_AREA),
    ("/admin/pages/", ADMIN_ONLY),
    ("/admin/users/", ADMIN_ONLY),
    ("/admin/reports/site-history/", ADMIN_AREA),
    (
        "/admin/login/",
        everyone("ok", **{r: "denied" for r in ("educator", "service_lead", "administrator")}),
    ),
    ("/", everyone("ok")),
    ("/frameworks/", everyone("ok")),
]


def _gather() -> None:
    """Every module in ``tests/permission_rules``: a new area adds its file, nothing else."""
    import importlib
    import pkgutil

    from tests import permission_rules

    for info in sorted(pkgutil.iter_modules(permission_rules.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"tests.permission_rules.{info.name}")
        RULES.extend(module.RULES)
        EXTRA_CASES.extend(module.EXTRA_CASES)
        EXTRA_POSTS.extend(getattr(module, "EXTRA_POSTS", []))


_gather()
