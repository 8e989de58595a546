"""Skill-mix matrix and service view: a team's skill matrix and its workbook, the service
view (one service, and every service the user answers for), the board workbook and the page
of a board workbook built in the background.

Roles here: the manager (Mona) leads the team, so sees its matrix but not the service view;
the service lead leads the team's service, so sees both; administrators see everything. The
other team is in a service nobody here leads: only administrators see it.
"""

from tests.permission_matrix import PostCase, Rule, everyone

TEAM_VIEWERS = everyone(
    "denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok"
)
SERVICE_VIEWERS = everyone("denied", anonymous="login", service_lead="ok", administrator="ok")
STARTS_A_BUILD = everyone(
    "denied", anonymous="login", service_lead="redirect", administrator="redirect"
)
GET_ONLY = everyone("method", anonymous="login")
ADMIN_ONLY = everyone("denied", anonymous="login", administrator="ok")
NOBODY = everyone("denied", anonymous="login")
UNKNOWN_JOB = "0" * 32

RULES = [
    Rule(
        r"skillmix:matrix|skillmix:matrix_workbook",
        TEAM_VIEWERS,
        kwargs=lambda w, n: {"pk": w.team.pk},
        post=GET_ONLY,
        note="the team's lead, its service lead and administrators (TeamPolicy view_workforce)",
    ),
    Rule(
        r"skillmix:services",
        SERVICE_VIEWERS,
        post=GET_ONLY,
        note="service leads (their services) and administrators (every service)",
    ),
    Rule(
        r"skillmix:service",
        SERVICE_VIEWERS,
        kwargs=lambda w, n: {"pk": w.team.service_id},
        post=GET_ONLY,
    ),
    Rule(
        r"skillmix:service_workbook",
        SERVICE_VIEWERS,
        kwargs=lambda w, n: {"pk": w.team.service_id},
        post=STARTS_A_BUILD,
        writes=False,
        note="a GET downloads a small service's workbook; a POST builds it in the background "
        "and goes to its page (files only: nothing is written to the database)",
    ),
    Rule(
        r"skillmix:service_workbook_job",
        NOBODY,
        kwargs=lambda w, n: {"pk": w.team.service_id, "job": UNKNOWN_JOB},
        post=GET_ONLY,
        note="a job nobody started: 404 to everyone (someone else's job looks the same)",
    ),
]

EXTRA_CASES = [
    ("skillmix:matrix", lambda w: {"pk": w.other_team.pk}, ADMIN_ONLY),
    ("skillmix:matrix_workbook", lambda w: {"pk": w.other_team.pk}, ADMIN_ONLY),
    ("skillmix:service", lambda w: {"pk": w.other_team.service_id}, ADMIN_ONLY),
    ("skillmix:service_workbook", lambda w: {"pk": w.other_team.service_id}, ADMIN_ONLY),
    ("skillmix:matrix", lambda w: {"pk": 999_999}, NOBODY),
    ("skillmix:service", lambda w: {"pk": 999_999}, NOBODY),
    (
        "skillmix:service_workbook_job",
        lambda w: {"pk": w.team.service_id, "job": "not-a-job"},
        NOBODY,
    ),
]

EXTRA_POSTS = [
    PostCase(
        "skillmix:service_workbook",
        lambda w: {"pk": w.other_team.service_id},
        everyone("denied", anonymous="login", administrator="redirect"),
        writes=False,
        note="the service lead POSTing for a service that is not theirs",
    ),
]
