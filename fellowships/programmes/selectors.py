"""Reads of programmes: the current version of each, batched for the public pages."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from fellowships.models import Milestone, Programme

# The newest published version of a code wins; drafts and retired versions never count.
_NEWEST_FIRST = ("-last_published_at", "-pk")


def _current_pk(code_ref) -> Subquery:
    return Subquery(
        Programme.objects.published()
        .filter(code=code_ref)
        .order_by(*_NEWEST_FIRST)
        .values("pk")[:1]
    )


def current_programmes() -> QuerySet[Programme]:
    """Each published, not retired programme once, at its current version, by title."""
    return Programme.objects.filter(pk=_current_pk(OuterRef("code"))).order_by("title", "pk")


def current_programme(code: str) -> Programme | None:
    """The current version of one code, with what its page shows, or None."""
    return (
        Programme.objects.filter(code=code, pk=_current_pk(code))
        .select_related("prerequisite__framework")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related(
                    "competency__framework", "level"
                ).order_by("sort_order", "pk"),
            )
        )
        .first()
    )


def stages(programme: Programme) -> list[tuple[str, list[Milestone]]]:
    """The milestones grouped by stage, in their order (a stage appears where it first does)."""
    grouped: dict[str, list[Milestone]] = {}
    for milestone in programme.milestones.all():
        milestone.programme = programme
        grouped.setdefault(milestone.stage, []).append(milestone)
    return list(grouped.items())


def with_enrolment_counts(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    return queryset.annotate(enrolment_count=Count("enrolments", distinct=True))
