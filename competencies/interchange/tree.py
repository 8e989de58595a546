"""The format-neutral shape of a framework, and saving/reading it to and from the database.

Every interchange format (Moodle CSV, CASE JSON) parses into ``FrameworkData`` and is written
from it, so the rules about trees, scales and cross references live here once.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext, pgettext

from competencies.models import Competency, Framework, ScaleValue
from competencies.models.frameworks import CompetencyAssociation
from ksf.imports.tabular import ImportFailed, RowError


@dataclass
class ScaleValueData:
    name: str
    proficient: bool = False
    is_default: bool = False


@dataclass
class CompetencyData:
    idnumber: str
    short_name: str
    parent_idnumber: str = ""
    code: str = ""
    description: str = ""
    description_format: str = Competency.DescriptionFormat.HTML.value
    sort_order: int | None = None  # position among siblings; None: file order
    identifier: uuid.UUID | None = None
    rule_type: str = ""
    rule_outcome: int = 0
    rule_config: object = None
    cross_references: list[str] = field(default_factory=list)  # idnumbers or "framework:idnumber"
    # What a CASE package said about the item beyond the platform's fields (see case.py).
    case_item: dict | None = None
    where: str = ""  # "row 12" or "$.CFItems[3]" for error messages


@dataclass
class AssociationData:
    """A CASE association kept as received (``CompetencyAssociation``)."""

    idnumber: str  # the competency at this framework's end
    identifier: uuid.UUID
    association_type: str
    target_identifier: uuid.UUID  # the other end's CFItem identifier
    outgoing: bool = True  # this framework's end is the origin
    other_idnumber: str = ""  # the other end, when it is in this framework too
    target_title: str = ""
    target_uri: str = ""
    received: dict = field(default_factory=dict)
    where: str = ""


@dataclass
class FrameworkData:
    idnumber: str
    title: str
    description: str = ""
    publisher: str = ""
    version: str = "1.0"
    licence: str = ""
    source_url: str = ""
    taxonomy: list[str] = field(default_factory=list)
    scale: list[ScaleValueData] = field(default_factory=list)
    competencies: list[CompetencyData] = field(default_factory=list)
    identifier: uuid.UUID | None = None
    validity_months: int | None = None
    # Cross references to items outside this framework: (from idnumber, target identifier uuid)
    external_references: list[tuple[str, uuid.UUID]] = field(default_factory=list)
    # CASE associations kept as received, and what a CASE CFDocument said beyond these fields.
    associations: list[AssociationData] = field(default_factory=list)
    case_document: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """A broken rule found by ``problems``.

    ``where`` is a location key: ``"framework"``, ``"scale"`` or the competency's own ``where``
    ("row 12", "$.CFItems[3]"). ``field`` names what the person must fix, so a format can point
    at its column without reading the (translated) message; it is empty where the format's own
    checks already name the column (lengths) or no single field is at fault.
    """

    where: str
    field: str
    message: str


def location(where: str) -> str:
    """``where`` as shown to people: the framework and scale keys in words, paths as they are."""
    if where == "framework":
        return pgettext("where an import problem is", "framework")
    if where == "scale":
        return pgettext("where an import problem is", "scale")
    return where


def problems(data: FrameworkData) -> list[Problem]:
    """Tree and reference rules every format shares. Writes nothing."""
    found: list[Problem] = []

    def err(where: str, message: str, field: str = "") -> None:
        found.append(Problem(where, field, message))

    if not data.idnumber:
        err("framework", gettext("The framework has no ID number."), "idnumber")
    elif len(data.idnumber) > 100:
        err("framework", gettext("The framework ID number is longer than 100 characters."))
    if not data.title:
        err("framework", gettext("The framework has no title."), "title")
    if data.scale and not any(v.proficient for v in data.scale):
        err("scale", gettext("The scale configuration marks no value as proficient."), "scale")
    for message, value, limit in (
        (gettext("The framework's title is longer than %(limit)d characters."), data.title, 255),
        (
            gettext("The framework's publisher is longer than %(limit)d characters."),
            data.publisher,
            255,
        ),
        (gettext("The framework's version is longer than %(limit)d characters."), data.version, 50),
        (
            gettext("The framework's licence is longer than %(limit)d characters."),
            data.licence,
            255,
        ),
        (
            gettext("The framework's source URL is longer than %(limit)d characters."),
            data.source_url,
            200,
        ),
    ):
        if value and len(value) > limit:
            err("framework", message % {"limit": limit})
    for value in data.scale:
        if len(value.name) > 100:
            err(
                "scale",
                gettext("Scale value '%(name)s…' is longer than 100 characters.")
                % {"name": value.name[:40]},
            )
    identifiers: set[uuid.UUID] = set()
    for c in data.competencies:
        if c.identifier is not None:
            if c.identifier in identifiers:
                err(
                    c.where,
                    gettext("Identifier %(identifier)s is used by more than one competency.")
                    % {"identifier": c.identifier},
                )
            identifiers.add(c.identifier)
    seen: dict[str, CompetencyData] = {}
    for c in data.competencies:
        if not c.idnumber:
            err(c.where, gettext("A competency has no ID number."), "idnumber")
        elif c.idnumber in seen:
            err(
                c.where,
                gettext("Duplicate ID number '%(idnumber)s'.") % {"idnumber": c.idnumber},
                "idnumber",
            )
        else:
            seen[c.idnumber] = c
        if not c.short_name:
            err(
                c.where,
                gettext("Competency '%(idnumber)s' has no short name.") % {"idnumber": c.idnumber},
                "short_name",
            )
        if len(c.idnumber) > 100:
            err(
                c.where,
                gettext("ID number '%(idnumber)s…' is longer than 100 characters.")
                % {"idnumber": c.idnumber[:40]},
            )
        if len(c.code) > 50:
            err(
                c.where,
                gettext("Code '%(code)s…' is longer than 50 characters.") % {"code": c.code[:40]},
            )
        if c.description_format not in Competency.DescriptionFormat.values:
            err(
                c.where,
                gettext("Unknown description format '%(format)s'.")
                % {"format": c.description_format[:40]},
            )
    for c in data.competencies:
        if c.parent_idnumber and c.parent_idnumber not in seen:
            err(
                c.where,
                gettext("Unknown parent ID number '%(idnumber)s'.")
                % {"idnumber": c.parent_idnumber},
                "parent",
            )
        for ref in c.cross_references:
            if ":" not in ref and ref not in seen:
                err(
                    c.where,
                    gettext("Cross reference to unknown ID number '%(idnumber)s'.")
                    % {"idnumber": ref},
                    "cross_references",
                )
    for a in data.associations:
        for idnumber in (a.idnumber, a.other_idnumber):
            if idnumber and idnumber not in seen:
                err(
                    a.where,
                    gettext("Association from unknown ID number '%(idnumber)s'.")
                    % {"idnumber": idnumber},
                )
        if not a.association_type or len(a.association_type) > 100:
            err(a.where, gettext("An association type must have 1 to 100 characters."))
    _check_shape(data.competencies, seen, err)
    return found


def _levels(
    competencies: Iterable[CompetencyData], by_id: dict[str, CompetencyData]
) -> tuple[dict[str, int], tuple[CompetencyData, list[str]] | None]:
    """Each competency's level (1 at the top), and the first parent cycle met.

    One pass with remembered levels, so a file of thousands of levels takes milliseconds
    instead of being walked from every node; no recursion. The cycle is given as the
    competency whose walk found it and the ID numbers around it (they get level 0).
    """
    depth: dict[str, int] = {}
    cycle: tuple[CompetencyData, list[str]] | None = None
    for c in competencies:
        chain: list[CompetencyData] = []
        on_chain: set[str] = set()
        node: CompetencyData | None = c
        while node is not None and node.idnumber not in depth:
            if node.idnumber in on_chain:
                start = next(i for i, n in enumerate(chain) if n.idnumber == node.idnumber)
                cycle = cycle or (c, [n.idnumber for n in chain[start:]])
                for n in chain:  # not walked again
                    depth[n.idnumber] = 0
                chain = []
                break
            chain.append(node)
            on_chain.add(node.idnumber)
            node = by_id.get(node.parent_idnumber) if node.parent_idnumber else None
        level = depth.get(node.idnumber, 0) if node is not None else 0
        for n in reversed(chain):
            level += 1
            depth[n.idnumber] = level
    return depth, cycle


def _check_shape(competencies: list[CompetencyData], by_id: dict[str, CompetencyData], err) -> None:
    """Report the first parent cycle and the first competency nested too deep."""
    depth, cycle = _levels(competencies, by_id)
    if cycle is not None:
        found_by, members = cycle
        err(
            found_by.where,
            gettext("'%(idnumber)s' is part of a parent cycle: %(chain)s.")
            % {"idnumber": members[0], "chain": " → ".join(members)},
            "parent",
        )
    too_deep = next(
        (c for c in competencies if depth.get(c.idnumber) == Competency.MAX_DEPTH + 1), None
    )
    if too_deep is not None:
        err(
            too_deep.where,
            gettext(
                "'%(idnumber)s' is at level %(level)d: a framework may have at most "
                "%(limit)d levels."
            )
            % {
                "idnumber": too_deep.idnumber,
                "level": Competency.MAX_DEPTH + 1,
                "limit": Competency.MAX_DEPTH,
            },
            "parent",
        )


def validate(data: FrameworkData, filename: str) -> list[RowError]:
    """Tree and reference rules every format shares. Returns problems; writes nothing."""
    return [RowError(None, location(p.where) or None, p.message) for p in problems(data)]


@transaction.atomic
def save_framework(data: FrameworkData, *, filename: str, user: User | None) -> Framework:
    """Create a draft framework from parsed data, or raise ImportFailed listing every problem."""
    errors = validate(data, filename)
    version = data.version or "1.0"
    if Framework.objects.filter(idnumber=data.idnumber, version=version).exists():
        errors.append(
            RowError(
                None,
                location("framework"),
                gettext(
                    "Framework '%(idnumber)s' version %(version)s already exists; "
                    "change the version or start a new version from the existing one."
                )
                % {"idnumber": data.idnumber, "version": version},
            )
        )
    if data.identifier and Framework.objects.filter(identifier=data.identifier).exists():
        errors.append(
            RowError(
                None,
                location("framework"),
                gettext("Identifier %(identifier)s is already in use.")
                % {"identifier": data.identifier},
            )
        )
    if errors:
        raise ImportFailed(filename, errors)

    framework = Framework(
        idnumber=data.idnumber,
        title=data.title,
        description=data.description,
        publisher=data.publisher,
        version=version,
        licence=data.licence,
        source_url=data.source_url,
        taxonomy=data.taxonomy,
        validity_months=data.validity_months,
        case_document=data.case_document or {},
        owner=user,
        live=False,
    )
    if data.identifier:
        framework.identifier = data.identifier
    framework.save()
    scale = [
        ScaleValueData(v.name, v.proficient, v.is_default)
        for v in data.scale
        or [ScaleValueData("Not yet competent"), ScaleValueData("Competent", True, True)]
    ]
    if not any(v.is_default for v in scale):
        next(v for v in scale if v.proficient).is_default = True
    ScaleValue.objects.bulk_create(
        ScaleValue(
            framework=framework,
            name=v.name,
            proficient=v.proficient,
            is_default=v.is_default,
            sort_order=i,
        )
        for i, v in enumerate(scale)
    )
    saved = _save_tree(framework, data.competencies)
    _save_references(framework, data)
    _save_associations(saved, data.associations)
    framework.save_revision(user=user, log_action=True)
    return framework


def _depths(items: Iterable[CompetencyData]) -> dict[str, int]:
    """Each competency's level (1 at the top); the tree is already validated."""
    items = list(items)
    return _levels(items, {c.idnumber: c for c in items})[0]


def _save_tree(framework: Framework, items: list[CompetencyData]) -> dict[str, Competency]:
    depth = _depths(items)
    rows = {}
    for i, c in enumerate(items):
        row = Competency(
            framework=framework,
            idnumber=c.idnumber,
            code=c.code,
            short_name=c.short_name[:255],
            description=c.description,
            description_format=c.description_format or Competency.DescriptionFormat.HTML,
            case_item=c.case_item or None,
            sort_order=c.sort_order if c.sort_order is not None else i,
            depth=depth[c.idnumber],
            rule_type=c.rule_type or "",
            rule_outcome=c.rule_outcome or 0,
            rule_config=c.rule_config,
        )
        if c.identifier:
            row.identifier = c.identifier
        rows[c.idnumber] = row
    Competency.objects.bulk_create(rows.values())
    saved = {c.idnumber: c for c in Competency.objects.filter(framework=framework)}
    parents = []
    for c in items:
        if c.parent_idnumber:
            node = saved[c.idnumber]
            node.parent = saved[c.parent_idnumber]
            parents.append(node)
    Competency.objects.bulk_update(parents, ["parent"], batch_size=500)
    return saved


def _save_references(framework: Framework, data: FrameworkData) -> None:
    saved = {c.idnumber: c for c in Competency.objects.filter(framework=framework)}
    through = Competency.cross_references.through
    pairs: set[tuple[int, int]] = set()
    for c in data.competencies:
        for ref in c.cross_references:
            target = saved.get(ref)
            if target is None and ":" in ref:
                fw, _, idn = ref.partition(":")
                target = (
                    Competency.objects.filter(framework__idnumber=fw, idnumber=idn)
                    .order_by("-pk")
                    .first()
                )
            if target is not None and target.pk != saved[c.idnumber].pk:
                pairs.add((saved[c.idnumber].pk, target.pk))
    for source, target_uuid in data.external_references:
        target = (
            Competency.objects.filter(identifier=target_uuid)
            .exclude(framework=framework)
            .order_by("-pk")
            .first()
        )
        if target is not None and source in saved:
            pairs.add((saved[source].pk, target.pk))
    rows = {(a, b) for a, b in pairs} | {(b, a) for a, b in pairs}
    through.objects.bulk_create(
        [through(from_competency_id=a, to_competency_id=b) for a, b in rows], ignore_conflicts=True
    )


def _save_associations(saved: dict[str, Competency], rows: list[AssociationData]) -> None:
    CompetencyAssociation.objects.bulk_create(
        [
            CompetencyAssociation(
                competency=saved[a.idnumber],
                other=saved[a.other_idnumber] if a.other_idnumber else None,
                identifier=a.identifier,
                association_type=a.association_type,
                outgoing=a.outgoing,
                target_identifier=a.target_identifier,
                target_title=a.target_title,
                target_uri=a.target_uri,
                received=a.received,
            )
            for a in rows
        ],
        batch_size=500,
    )


def framework_to_data(framework: Framework) -> FrameworkData:
    """Read a framework (any version) into the neutral shape for export."""
    items = list(
        Competency.objects.filter(framework=framework)
        .select_related("parent")
        .prefetch_related("cross_references__framework")
        .order_by("depth", "parent_id", "sort_order", "pk")
    )
    ordered = tree_order(items)
    comps = []
    external: list[tuple[str, uuid.UUID]] = []
    for c in ordered:
        refs = []
        for other in c.cross_references.all():
            if other.framework_id == framework.pk:
                refs.append(other.idnumber)
            else:
                external.append((c.idnumber, other.identifier))
        comps.append(
            CompetencyData(
                idnumber=c.idnumber,
                short_name=c.short_name,
                parent_idnumber=c.parent.idnumber if c.parent else "",
                code=c.code,
                description=c.description,
                description_format=c.description_format,
                sort_order=c.sort_order,
                identifier=c.identifier,
                rule_type=c.rule_type,
                rule_outcome=c.rule_outcome,
                rule_config=c.rule_config,
                cross_references=sorted(refs),
                case_item=c.case_item,
            )
        )
    header = framework_header(framework)
    header.competencies = comps
    header.external_references = external
    header.associations = [
        AssociationData(
            idnumber=a.competency.idnumber,
            identifier=a.identifier,
            association_type=a.association_type,
            target_identifier=a.target_identifier,
            outgoing=a.outgoing,
            other_idnumber=a.other.idnumber if a.other else "",
            target_title=a.target_title,
            target_uri=a.target_uri,
            received=a.received,
        )
        for a in CompetencyAssociation.objects.filter(competency__framework=framework)
        .select_related("competency", "other")
        .order_by("pk")
    ]
    return header


def framework_header(framework: Framework) -> FrameworkData:
    """A framework's own fields and scale, without its items."""
    return FrameworkData(
        idnumber=framework.idnumber,
        title=framework.title,
        description=framework.description,
        publisher=framework.publisher,
        version=framework.version,
        licence=framework.licence,
        source_url=framework.source_url,
        taxonomy=list(framework.taxonomy or []),
        scale=[
            ScaleValueData(v.name, v.proficient, v.is_default)
            for v in framework.scale_values.order_by("sort_order", "pk")
        ],
        identifier=framework.identifier,
        validity_months=framework.validity_months,
        case_document=dict(framework.case_document or {}),
    )


def tree_order(items: list[Competency]) -> list[Competency]:
    """Parents before children, siblings by sort order (depth-first, as people read a tree).

    Iterative: a tree saved before depth was limited must still render and export.
    """
    children: dict[int | None, list[Competency]] = {}
    for c in items:
        children.setdefault(c.parent_id, []).append(c)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.sort_order, c.pk))
    out: list[Competency] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(reversed(children.get(c.pk, [])))
    return out
