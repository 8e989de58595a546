"""Reads about frameworks and their competencies."""

from django.db.models import Count, QuerySet

from competencies.models import Competency, Framework


def assessable_competencies() -> QuerySet[Competency]:
    """Competencies of published, current frameworks: the only ones anyone can claim."""
    return Competency.objects.published()


def published_frameworks() -> QuerySet[Framework]:
    return Framework.objects.published().order_by("title")


def latest_published(family) -> Framework | None:
    return (
        Framework.objects.filter(family=family, live=True)
        .order_by("-last_published_at", "-pk")
        .first()
    )


def tree(framework: Framework) -> list[Competency]:
    """Depth-first list (parents before children) with each node's children counted."""
    from competencies.interchange.tree import tree_order

    items: list[Competency] = list(
        Competency.objects.filter(framework=framework).annotate(child_count=Count("children"))
    )
    return tree_order(items)
