"""Reads about frameworks and their competencies."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Count, F, Q, QuerySet

from competencies.models import Competency, Framework
from competencies.models.frameworks import CompetencyAssociation

CROSS_REFERENCE = "isRelatedTo"


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


@dataclass(frozen=True)
class RelatedLink:
    """One entry in a competency's related list.

    ``competency`` is set when the platform publishes the other end (link to its page);
    otherwise ``uri`` is the item's address elsewhere, as its package gave it (http or https
    only, else empty: shown as text).
    """

    identifier: uuid.UUID  # the other end's CFItem identifier
    title: str
    association_type: str = CROSS_REFERENCE  # as received, e.g. "exactMatchOf"
    outgoing: bool = True  # this competency is the origin
    competency: Competency | None = None
    uri: str = ""


def _web_address(value: str) -> str:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value


def related_links(competency: Competency) -> list[RelatedLink]:
    """Cross references and CASE associations of a competency, each listed once.

    An association to an item outside the framework leads to the competency holding that
    identifier in the newest published framework here, once there is one, else to the item's
    URI. Associations that other published frameworks make to this competency are listed too.
    At most five queries, whatever the number of links.
    """
    family = competency.framework.family
    links: dict[object, RelatedLink] = {}
    for other in competency.cross_references.select_related("framework").filter(
        framework__live=True
    ):
        links[other.identifier] = RelatedLink(other.identifier, other.short_name, competency=other)

    rows = list(
        CompetencyAssociation.objects.filter(Q(competency=competency) | Q(other=competency))
        .select_related("competency__framework", "other__framework")
        .order_by("pk")
    )
    incoming = list(
        CompetencyAssociation.objects.filter(
            target_identifier=competency.identifier,
            other__isnull=True,
            competency__framework__live=True,
            competency__framework__retired=False,
        )
        .exclude(competency__framework__family=family)
        .select_related("competency__framework")
        .order_by(F("competency__framework__last_published_at").asc(nulls_first=True), "pk")
    )
    wanted = {r.target_identifier for r in rows if r.other_id is None}
    found: dict[uuid.UUID, Competency] = {}
    for held in (
        Competency.objects.filter(identifier__in=wanted, framework__live=True)
        .exclude(framework__family=family)
        .select_related("framework")
        .order_by(
            "-framework__retired",
            F("framework__last_published_at").asc(nulls_first=True),
            "pk",
        )
    ):
        found[held.identifier] = held  # the last wins: current, newest

    kept: dict[uuid.UUID, RelatedLink] = {}
    for r in rows:
        if r.other is not None:  # both ends in this framework
            mine = r.competency_id == competency.pk
            far: Competency = r.other if mine else r.competency
            kept[r.identifier] = RelatedLink(
                far.identifier,
                far.short_name,
                r.association_type,
                outgoing=mine,
                competency=far,
            )
            continue
        target = found.get(r.target_identifier)
        kept[r.identifier] = RelatedLink(
            r.target_identifier,
            target.short_name if target else r.target_title or str(r.target_identifier),
            r.association_type,
            outgoing=r.outgoing,
            competency=target,
            uri="" if target else _web_address(r.target_uri),
        )
    for r in incoming:  # the newest published version of each wins
        kept[r.identifier] = RelatedLink(
            r.competency.identifier,
            r.competency.short_name,
            r.association_type,
            outgoing=not r.outgoing,
            competency=r.competency,
        )
    for link in kept.values():  # an association says more than a bare cross reference
        links.pop(link.identifier, None)
    return [*links.values(), *kept.values()]
