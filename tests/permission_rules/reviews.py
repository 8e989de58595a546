"""Development review pages. The sample review is of ``world.clinician`` with ``world.manager``
(her line manager) as reviewer, created through the services as the pages would."""

import datetime

from ksf import dates
from tests.permission_matrix import PostCase, Rule, everyone


def _review(w, signed: bool = False, ready: bool = False):
    from tests.ksf.review_helpers import ready as make_ready
    from tests.ksf.review_helpers import sign_both, start

    if signed:
        return sign_both(w, make_ready(w))
    if ready:
        return make_ready(w)
    return start(w)


def _objective_kwargs(w, n) -> dict:
    from tests.ksf.review_helpers import add_objective

    review = _review(w)
    objective = add_objective(review, w.manager.user)
    return {"pk": review.pk, "objective_id": objective.pk}


def _current(kw):
    from ksf.models import DevelopmentReview

    return DevelopmentReview.objects.get(pk=kw["pk"])


def review_state(w, n, kw):
    """Everything a review page can write: the review, its rows, objectives and notes."""
    from ksf.models import DevelopmentReview, PDPObjective, ReviewAddendum, ReviewDimension

    reviews = list(DevelopmentReview.objects.order_by("pk").values())
    rows = list(ReviewDimension.objects.order_by("pk").values())
    objectives = list(PDPObjective.objects.order_by("pk").values())
    return reviews, rows, objectives, ReviewAddendum.objects.count()


def _start_data(w, n, kw) -> dict:
    today = dates.today()
    return {
        "post": w.post.pk,
        "period_start": (today - datetime.timedelta(days=365)).isoformat(),
        "period_end": today.isoformat(),
        "meeting_date": "",
    }


def _assessment_data(w, n, kw) -> dict:
    review = _current(kw)
    data = {"version": review.version, "summary": "A steady year in the knee clinic."}
    for row in review.dimensions.all():
        data[f"level_{row.pk}"] = "2"
        data[f"text_{row.pk}"] = "Ran the clinic list with supervision."
    return data


def _gateway_data(w, n, kw) -> dict:
    return {
        "version": _current(kw).version,
        "gateway": "foundation",
        "gateway_outcome": "",
        "gateway_reasons": "",
        "gateway_unmet": "",
        "gateway_action_plan": "",
        "gateway_review_date": "",
    }


def _objective_data(w, n, kw) -> dict:
    return {
        "version": _current(kw).version,
        "objective": "Run the department journal club",
        "gap": "C2 Personal and people development",
        "dimension": "",
        "actions": "Book a monthly slot",
        "support": "",
        "target_date": (dates.today() + datetime.timedelta(days=60)).isoformat(),
        "status": "not_started",
    }


def _version(w, n, kw) -> dict:
    return {"version": _current(kw).version}


def _note(w, n, kw) -> dict:
    return {"text": "Agreed a follow-up in three months."}


PERSON_AND_READERS = everyone(
    "denied", anonymous="login", clinician="ok", manager="ok", administrator="ok"
)
BOTH_PARTIES = everyone("denied", anonymous="login", clinician="ok", manager="ok")
PERSON_ONLY = everyone("denied", anonymous="login", clinician="ok")
REVIEWER_ONLY = everyone("denied", anonymous="login", manager="ok")
# The same people, writing: saved and sent back to the review.
BOTH_PARTIES_WRITE = everyone("denied", anonymous="login", clinician="redirect", manager="redirect")
PERSON_WRITES = everyone("denied", anonymous="login", clinician="redirect")
REVIEWER_WRITES = everyone("denied", anonymous="login", manager="redirect")

RULES: list = [
    Rule(
        r"reviews:list",
        PERSON_AND_READERS,
        kwargs=lambda w, n: {"staff_number": w.clinician.staff_number},
        post=PERSON_AND_READERS,
        note="the person, their line manager, administrators",
    ),
    Rule(
        r"reviews:start",
        REVIEWER_ONLY,
        kwargs=lambda w, n: {"staff_number": w.clinician.staff_number},
        post=REVIEWER_WRITES,
        post_data=_start_data,
        state=review_state,
        note="the line manager; an administrator reads but is nobody's reviewer",
    ),
    Rule(
        r"reviews:detail",
        PERSON_AND_READERS,
        kwargs=lambda w, n: {"pk": _review(w).pk},
        post=PERSON_AND_READERS,
        note="the person, the reviewer and whoever may view the person's record",
    ),
    Rule(
        r"reviews:prepare",
        PERSON_ONLY,
        kwargs=lambda w, n: {"pk": _review(w).pk},
        post=PERSON_WRITES,
        post_data=_assessment_data,
        state=review_state,
    ),
    Rule(
        r"reviews:assess",
        REVIEWER_ONLY,
        kwargs=lambda w, n: {"pk": _review(w).pk},
        post=REVIEWER_WRITES,
        post_data=_assessment_data,
        state=review_state,
    ),
    Rule(
        r"reviews:gateway",
        REVIEWER_ONLY,
        kwargs=lambda w, n: {"pk": _review(w).pk},
        post=REVIEWER_WRITES,
        post_data=_gateway_data,
        state=review_state,
    ),
    Rule(
        r"reviews:objective_add",
        BOTH_PARTIES,
        kwargs=lambda w, n: {"pk": _review(w).pk},
        post=BOTH_PARTIES_WRITE,
        post_data=_objective_data,
        state=review_state,
    ),
    Rule(
        r"reviews:sign",
        BOTH_PARTIES,
        kwargs=lambda w, n: {"pk": _review(w, ready=True).pk},
        post=BOTH_PARTIES_WRITE,
        post_data=_version,
        state=review_state,
        note="an assessed review with an objective: ready to sign",
    ),
    Rule(
        r"reviews:objective_edit",
        BOTH_PARTIES,
        kwargs=_objective_kwargs,
        post=BOTH_PARTIES_WRITE,
        post_data=_objective_data,
        state=review_state,
    ),
    Rule(
        r"reviews:objective_delete",
        BOTH_PARTIES,
        kwargs=_objective_kwargs,
        post=BOTH_PARTIES_WRITE,
        post_data=_version,
        state=review_state,
    ),
    Rule(
        r"reviews:notes",
        BOTH_PARTIES,
        kwargs=lambda w, n: {"pk": _review(w, signed=True).pk},
        post=BOTH_PARTIES_WRITE,
        post_data=_note,
        state=review_state,
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

NOBODY = everyone("denied", anonymous="login")

EXTRA_POSTS: list = [
    PostCase(
        "reviews:start",
        lambda w: {"staff_number": w.stranger.staff_number},
        NOBODY,
        post_data=_start_data,
        state=review_state,
        note="the manager starting a review for someone in another team",
    ),
    PostCase(
        "reviews:prepare",
        lambda w: {"pk": _review(w, signed=True).pk},
        everyone("denied", anonymous="login", clinician="refused"),
        post_data=_assessment_data,
        state=review_state,
        note="signed: locked, the person is sent back with the lock message",
    ),
    PostCase(
        "reviews:assess",
        lambda w: {"pk": _review(w, signed=True).pk},
        everyone("denied", anonymous="login", manager="refused"),
        post_data=_assessment_data,
        state=review_state,
    ),
    PostCase(
        "reviews:sign",
        lambda w: {"pk": _review(w).pk},
        everyone("denied", anonymous="login", clinician="refused", manager="refused"),
        post_data=_version,
        state=review_state,
        note="not assessed yet, no objectives: signing is refused",
    ),
    PostCase(
        "reviews:notes",
        lambda w: {"pk": _review(w).pk},
        everyone("denied", anonymous="login", clinician="redirect", manager="redirect"),
        post_data=_note,
        state=review_state,
        writes=False,
        note="open: a note is not needed yet, both parties are sent back and nothing is added",
    ),
    PostCase(
        "reviews:objective_add",
        lambda w: {"pk": _review(w).pk},
        everyone("denied", anonymous="login", clinician="refused", manager="refused"),
        post_data=lambda w, n, kw: {**_objective_data(w, n, kw), "version": 999},
        state=review_state,
        note="a save made after someone else's is refused",
    ),
    PostCase(
        "reviews:prepare",
        lambda w: {"pk": _review(w).pk},
        everyone("denied", anonymous="login", clinician="redirect"),
        post_data=lambda w, n, kw: {"version": _current(kw).version, "summary": "So far so good."},
        state=review_state,
        note="a self-assessment saved without any levels yet",
    ),
]
