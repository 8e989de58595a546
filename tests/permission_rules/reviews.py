"""Development review pages. The sample review is of ``world.clinician`` with ``world.manager``
(her line manager) as reviewer, created through the services as the pages would."""

from tests.permission_matrix import Rule, everyone


def _review(w, signed: bool = False):
    from tests.ksf.review_helpers import ready, sign_both, start

    if signed:
        return sign_both(w, ready(w))
    return start(w)


def _objective_kwargs(w, n) -> dict:
    from tests.ksf.review_helpers import add_objective

    review = _review(w)
    objective = add_objective(review, w.manager.user)
    return {"pk": review.pk, "objective_id": objective.pk}


PERSON_AND_READERS = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", administrator="ok"
)
BOTH_PARTIES = everyone("denied", anonymous="login", clinician="ok", manager="ok")
PERSON_ONLY = everyone("denied", anonymous="login", clinician="ok")
REVIEWER_ONLY = everyone("denied", anonymous="login", manager="ok")

RULES: list = [
    Rule(
        r"reviews:list",
        PERSON_AND_READERS,
        kwargs=lambda w, n: {"staff_number": w.clinician.staff_number},
        note="the person, their line manager, administrators",
    ),
    Rule(
        r"reviews:start",
        REVIEWER_ONLY,
        kwargs=lambda w, n: {"staff_number": w.clinician.staff_number},
        note="the line manager; an administrator reads but is nobody's reviewer",
    ),
    Rule(
        r"reviews:detail",
        PERSON_AND_READERS,
        kwargs=lambda w, n: {"pk": _review(w).pk},
        note="the person, the reviewer and whoever may view the person's record",
    ),
    Rule(r"reviews:prepare", PERSON_ONLY, kwargs=lambda w, n: {"pk": _review(w).pk}),
    Rule(
        r"reviews:assess|reviews:gateway", REVIEWER_ONLY, kwargs=lambda w, n: {"pk": _review(w).pk}
    ),
    Rule(
        r"reviews:objective_add|reviews:sign",
        BOTH_PARTIES,
        kwargs=lambda w, n: {"pk": _review(w).pk},
    ),
    Rule(r"reviews:objective_(edit|delete)", BOTH_PARTIES, kwargs=_objective_kwargs),
    Rule(
        r"reviews:notes",
        BOTH_PARTIES,
        kwargs=lambda w, n: {"pk": _review(w, signed=True).pk},
        note="notes are for signed reviews; either party adds them",
    ),
]

EXTRA_CASES: list = [
    (
        "reviews:list",
        lambda w: {"staff_number": w.stranger.staff_number},
        everyone("denied", anonymous="login", administrator="ok"),
    ),
    (
        "reviews:start",
        lambda w: {"staff_number": w.stranger.staff_number},
        everyone("denied", anonymous="login"),
    ),
    (
        "reviews:detail",
        lambda w: {"pk": 999999},
        everyone("denied", anonymous="login"),
    ),
    (
        # Signed: the person is sent back to the review with the lock message.
        "reviews:prepare",
        lambda w: {"pk": _review(w, signed=True).pk},
        everyone("denied", anonymous="login", clinician="redirect"),
    ),
    (
        # Open: a note is not needed yet, so both parties are sent back to the review.
        "reviews:notes",
        lambda w: {"pk": _review(w).pk},
        everyone("denied", anonymous="login", clinician="redirect", manager="redirect"),
    ),
]
