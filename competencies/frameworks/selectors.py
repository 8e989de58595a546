"""Reads about frameworks and their competencies."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from competencies.models import Competency, Framework
from competencies.models.frameworks import CompetencyAssociation

CROSS_REFERENCE = "isRelatedTo"


def assessable_competencies() -> QuerySet[Competency]:
    """Competencies of published, current frameworks: the only ones anyone can claim."""
    return Competency.objects.published()


def published_frameworks() -> QuerySet[Framework]:
    return Framework.objects.published().order_by("title")


# Newest first: the order in which a framework's published versions replaced each other.
_NEWEST_FIRST = (F("last_published_at").desc(nulls_last=True), "-pk")


def current_frameworks() -> QuerySet[Framework]:
    """Each published framework once, at its current version, by title.

    A framework's versions share its ID number. The current version is the newest published
    one that is not retired; when every published version is retired, the newest of them (the
    page then says so). Drafts never count. One query, whatever the number of versions.
    """
    current = (
        Framework.objects.filter(idnumber=OuterRef("idnumber"), live=True)
        .order_by("retired", *_NEWEST_FIRST)
        .values("pk")[:1]
    )
    return Framework.objects.filter(live=True, pk=Subquery(current)).order_by("title", "pk")


@dataclass(frozen=True)
class FrameworkVersions:
    """One published version of a framework, seen among the framework's other versions."""

    shown: Framework
    current: Framework
    versions: list[Framework]  # every published version, newest first

    @property
    def is_current(self) -> bool:
        return self.shown.pk == self.current.pk

    @property
    def replaced_by(self) -> Framework | None:
        """The version published next after the shown one, if the shown one is superseded."""
        if self.is_current:
            return None
        position = next(i for i, v in enumerate(self.versions) if v.pk == self.shown.pk)
        return self.versions[position - 1] if position else None

    @property
    def others(self) -> list[Framework]:
        """Every published version but the current one, newest first."""
        return [v for v in self.versions if v.pk != self.current.pk]


def framework_versions(idnumber: str, version: str | None = None) -> FrameworkVersions | None:
    """The published version ``version`` of a framework (its current version if None).

    None when the framework has no published version of that name: drafts and versions
    taken off the site are not shown. One query.
    """
    versions = list(Framework.objects.filter(idnumber=idnumber, live=True).order_by(*_NEWEST_FIRST))
    if not versions:
        return None
    current = next((v for v in versions if not v.retired), versions[0])
    if version is None:
        return FrameworkVersions(shown=current, current=current, versions=versions)
    shown = next((v for v in versions if v.version == version), None)
    if shown is None:
        return None
    return FrameworkVersions(shown=shown, current=current, versions=versions)


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
