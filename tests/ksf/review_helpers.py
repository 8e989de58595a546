"""Build development reviews through the services, the way people would."""

import datetime

from ksf import dates
from ksf.models import DevelopmentReview, PDPObjective
from ksf.reviews import services


def start(world, **kwargs) -> DevelopmentReview:
    return services.start_review(
        person=world.clinician, manager=world.manager.user, post=world.post, **kwargs
    )


def fresh(review: DevelopmentReview) -> DevelopmentReview:
    review.refresh_from_db()
    return review


def assess_all(review: DevelopmentReview, user, level: int = 2, comment: str = "Good") -> None:
    review = fresh(review)
    services.save_reviewer_assessment(
        review,
        user,
        version=review.version,
        summary="A good year.",
        dimensions={row.pk: (level, comment) for row in review.dimensions.all()},
    )


def add_objective(review: DevelopmentReview, user, text: str = "Lead a case review"):
    review = fresh(review)
    objective, _ = services.save_objective(
        review,
        user,
        version=review.version,
        data={
            "objective": text,
            "gap": "C2 Personal and people development",
            "dimension": None,
            "actions": "Shadow the team lead",
            "support": "",
            "target_date": dates.today() + datetime.timedelta(days=90),
            "status": PDPObjective.Status.NOT_STARTED,
        },
    )
    return objective


def ready(world, **kwargs) -> DevelopmentReview:
    """A review the reviewer has assessed, with one objective: ready to sign."""
    review = start(world, **kwargs)
    assess_all(review, world.manager.user)
    add_objective(review, world.manager.user)
    return fresh(review)


def sign_both(world, review: DevelopmentReview, now=None) -> DevelopmentReview:
    review = fresh(review)
    services.sign(review, world.clinician.user, version=review.version, now=now)
    services.sign(review, world.manager.user, version=review.version, now=now)
    return fresh(review)
