"""Reads about post requirements: which competencies a post or a person's posts require."""

from django.db.models import Prefetch, QuerySet

from competencies.models import (
    Competency,
    Framework,
    PostRequirement,
)
from ksf import dates
from ksf.models import PostAssignment, StaffMember


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


def requirements_of_person(person: StaffMember) -> QuerySet[PostRequirement]:
    """What the person's current posts require (the one place this question is answered)."""
    posts = PostAssignment.objects.current(dates.today()).filter(staff=person).values("post_id")
    return PostRequirement.objects.filter(post_id__in=posts)


def required_competency_ids(person: StaffMember) -> set[int]:
    """Competencies of published frameworks that the person's current posts require."""
    return set(
        requirements_of_person(person)
        .filter(competency__framework__live=True)
        .values_list("competency_id", flat=True)
    )


def requirements_of_person_for(
    person: StaffMember, competency: Competency
) -> QuerySet[PostRequirement]:
    """The person's current requirements for any version of this competency."""
    return (
        requirements_of_person(person)
        .filter(competency__identifier=competency.identifier)
        .select_related("post", "required_value")
    )


def posts_requiring_framework(framework: Framework) -> int:
    """How many posts require a competency of this framework version (it cannot be deleted)."""
    return (
        PostRequirement.objects.filter(competency__framework=framework)
        .values("post_id")
        .distinct()
        .count()
    )
