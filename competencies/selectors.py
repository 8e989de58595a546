"""Reads about frameworks, competencies and post requirements."""

from django.db.models import Count, Prefetch, QuerySet

from competencies.models import Competency, Framework, PostRequirement


def published_frameworks() -> QuerySet[Framework]:
    return Framework.objects.filter(live=True, retired=False).order_by("title")


def latest_published(family) -> Framework | None:
    return (
        Framework.objects.filter(family=family, live=True)
        .order_by("-last_published_at", "-pk")
        .first()
    )


def tree(framework: Framework) -> list[Competency]:
    """Depth-first list (parents before children) with each node's children counted."""
    from competencies.interchange.tree import _tree_order

    items = list(
        Competency.objects.filter(framework=framework).annotate(child_count=Count("children"))
    )
    return _tree_order(items)


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
