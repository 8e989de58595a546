"""Reads about post requirements: which competencies a post or a person's posts require."""

import datetime

from django.db.models import Prefetch, Q, QuerySet

from competencies.models import (
    Competency,
    Framework,
    PostRequirement,
)
from ksf.models import PostAssignment, StaffMember


def required_competency_ids(person: StaffMember) -> set[int]:
    """Competencies that the person's current posts require."""
    posts = PostAssignment.objects.current().filter(staff=person).values("post_id")
    return set(
        PostRequirement.objects.filter(
            post_id__in=posts, competency__framework__live=True
        ).values_list("competency_id", flat=True)
    )


def posts_requiring(competency: Competency) -> QuerySet[PostRequirement]:
    return PostRequirement.objects.filter(
        competency__identifier=competency.identifier
    ).select_related("post", "post__service", "required_value")


def requirements_for_post(post) -> QuerySet[PostRequirement]:
    return (
        PostRequirement.objects.filter(post=post)
        .select_related("competency", "competency__framework", "required_value")
        .prefetch_related(Prefetch("competency__framework__scale_values"))
        .order_by("competency__framework__title", "competency__depth", "competency__sort_order")
    )


def requirements_left_behind(framework: Framework) -> QuerySet[PostRequirement]:
    """Requirements on older versions of this framework that did not move on publication."""
    return (
        PostRequirement.objects.filter(competency__framework__family=framework.family)
        .exclude(competency__framework=framework)
        .select_related("post", "competency")
    )


def requirement_filter_for(person: StaffMember, today: datetime.date | None = None) -> Q:
    """Competencies the person's current posts require (for choosers that list them first)."""
    posts = PostAssignment.objects.current(today).filter(staff=person).values("post_id")
    return Q(requirements__post_id__in=posts)
