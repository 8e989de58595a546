"""1EdTech CASE v1.0/v1.1 packages: export a framework as a CFPackage and read one back.

Other systems exchange standards as CASE, so a framework leaves and arrives as a CFPackage
(``CFDocument``, ``CFItems``, ``CFAssociations``, ``CFDefinitions``). The tree is carried by
``isChildOf`` associations (child → parent; top-level items are children of the CFDocument,
ordered by ``sequenceNumber``; children without one by ``listEnumeration``, then by the natural
order of their ``humanCodingScheme``, then as listed) and cross references by ``isRelatedTo``
(``exactMatchOf`` is read the same way).

A package from another tool comes back as it came. Its ``fullStatement`` is kept byte for byte
as markdown text (``Competency.DescriptionFormat.MARKDOWN``, shown by ``markdown.render``).
Every field the platform does not model, and every field it would write differently, is kept
(``Competency.case_item``, ``Framework.case_document``: the item's uri, listEnumeration,
CFItemType, lastChangeDateTime, notes ..., the document's uri, the definitions) and written
back while what it describes is unchanged; an edited, moved or re-versioned item gets the
platform's own values instead (see ``_ITEM_BOUND``). Associations the platform cannot write the
same way itself (another tool's identifiers, ``exactMatchOf``, types it does not interpret,
any association to an item outside the package, crosswalks to other frameworks) are kept as
received in ``CompetencyAssociation`` and exported unchanged; the far end of one leaving the
package is looked up by identifier when the competency page is shown, so it links there once a
framework holding that item is published here. An isRelatedTo this platform wrote to an item
it holds is read back as a cross reference. Associations with the CFDocument at one end (other
than isChildOf) are not kept, nor a second isChildOf repeating an item's place.

CASE has no field for some things the platform needs, so a round trip stays lossless through
an extension object. Packages without it import too (ID numbers then come from
``humanCodingScheme`` or the identifier, and the default two-value scale is used)::

    CFDocument["extensions"]["ksfPlatform"] = {
        "idnumber": "RPS-PRESCRIBING",
        "licence": "Open Government Licence v3.0",  # as stored; licenseURI only carries URLs
        "description": "<p>...</p>",  # only when the HTML differs from the plain description
        "scale": [{"name": "Competent", "proficient": true, "isDefault": true}, ...],
        "taxonomy": ["domain", "competency", "indicator"],  # a label per depth
        "validityMonths": 36,  # or null: attainments never expire
    }
    CFItem["extensions"]["ksfPlatform"] = {
        "idnumber": "RPS-1.2",
        "code": "1.2",  # humanCodingScheme falls back to the ID number when this is empty
                        # (not to one made from the identifier: such an item has no code)
        "description": "<p>...</p>",  # only when it differs from fullStatement
        "descriptionFormat": "markdown",  # only for markdown text (a CASE statement)
        "ruleType": "" | "all" | "points",
        "ruleOutcome": 0 | 1 | 2 | 3,
        "ruleConfig": {...} | null,
        "received": ["uri", ...],  # fields written back as another tool gave them ...
        "omitted": ["language", ...],  # ... and those it did not give, so that a package
    }                                  # read back from here keeps them too

The CFDocument's extension may name "received" and "omitted" fields the same way. Every key
is optional on import.
"""

import hashlib
import json
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from competencies.interchange.tree import (
    AssociationData,
    CompetencyData,
    FrameworkData,
    ScaleValueData,
    framework_header,
    framework_to_data,
    save_framework,
    validate,
)
from competencies.models import Competency, Framework
from ksf.imports.tabular import ImportFailed, RowError

CASE_PATH = "/ims/case/v1p1"
EXTENSION = "ksfPlatform"
# Fixed for good: association, item type and licence identifiers are derived from it, and
# changing it would give every exported association a new identifier.
NAMESPACE = uuid.UUID("fa82e43c-c982-5507-a573-6de231d4e81c")

IS_CHILD_OF = "isChildOf"
IS_RELATED_TO = "isRelatedTo"
# Association types read on import (case-insensitively); every other type is ignored.
_CHILD_TYPES = {"ischildof"}
_RELATED_TYPES = {"isrelatedto", "exactmatchof"}

ADOPTION_STATUS = {
    Framework.Status.PUBLISHED: "Adopted",
    Framework.Status.RETIRED: "Deprecated",
}
MAX_DEPTH = Competency.MAX_DEPTH  # the same limit as every other way into the tree
MAX_URI = 2048  # an outside item's URI, as received

# What another tool's package said that the platform does not model is kept and written back
# (``Competency.case_item``, ``Framework.case_document``, ``CompetencyAssociation``):
#   {"fields": {key: value as received}, "absent": [keys it did not have], "bound": {...}}
# A field named in a *_BOUND map holds only while what it describes is unchanged: "bound"
# records a digest of that basis at import, and a changed item gets the platform's own value.
_ITEM_MODELLED = {"identifier", "fullStatement", "humanCodingScheme", "CFDocumentURI"}
_ITEM_WRITTEN = {
    "uri",
    "abbreviatedStatement",
    "listEnumeration",
    "CFItemType",
    "CFItemTypeURI",
    "language",
    "lastChangeDateTime",
    "CFDocumentURI",
}
_ITEM_BOUND = {
    "abbreviatedStatement": "name",
    "lastChangeDateTime": "item",
    "listEnumeration": "place",
    "CFItemType": "place",
    "CFItemTypeURI": "place",
    "childOf": "link",  # the isChildOf association as received
}
_DOCUMENT_MODELLED = {
    "identifier",
    "title",
    "lastChangeDateTime",
    "adoptionStatus",
    "caseVersion",
    "officialSourceURL",
}
_DOCUMENT_WRITTEN = {
    "uri",
    "creator",
    "publisher",
    "version",
    "description",
    "licenseURI",
    "CFPackageURI",
    "language",
}
_DOCUMENT_BOUND = {
    "uri": "document",
    "CFPackageURI": "document",
    "publisher": "publisher",
    "version": "version",
    "description": "description",
    "licenseURI": "licence",
}
_DOCUMENT_CHECKED = frozenset(
    {"uri", "creator", "publisher", "version", "description", "licenseURI"}
)
_ITEM_CHECKED = frozenset(
    {"uri", "fullStatement", "abbreviatedStatement", "humanCodingScheme", "lastChangeDateTime"}
)
_DEFINITIONS = ("CFItemTypes", "CFSubjects", "CFConcepts", "CFLicenses", "CFAssociationGroupings")


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def item_bases(
    c: CompetencyData, *, parent: str, position: int, depth: int, document: str
) -> dict[str, str]:
    """What kept item fields depend on (see ``_ITEM_BOUND``), the same at import and export."""
    place = (parent, position, depth)
    return {
        "name": _digest(c.short_name),
        "item": _digest(c.short_name, c.code, c.description, c.description_format, *place),
        "place": _digest(*place),
        "link": _digest(parent or document, position, depth),
    }


def document_bases(data: FrameworkData) -> dict[str, str]:
    return {
        "document": _digest(str(data.identifier)),
        "publisher": _digest(data.publisher),
        "version": _digest(data.version),
        "description": _digest(data.description),
        "licence": _digest(data.licence),
    }


def _holds(kept: dict, key: str, bound: dict[str, str], bases: dict[str, str]) -> bool:
    basis = bound.get(key)
    return basis is None or (kept.get("bound") or {}).get(basis) == bases.get(basis)


def _overlay(
    out: dict[str, Any], kept: dict | None, bound: dict[str, str], bases: dict[str, str]
) -> tuple[list[str], list[str]]:
    """Put back what a package said, where it still holds; the platform's values elsewhere.

    Returns the platform-written fields given back as received and those left out, which the
    extension names so that a package read back from this platform keeps them too.
    """
    if not kept:
        return [], []
    received, omitted = [], []
    for key, value in (kept.get("fields") or {}).items():
        if not _holds(kept, key, bound, bases):
            continue
        if key == "extensions" and isinstance(value, dict):
            out["extensions"] = {**value, **out.get("extensions", {})}
        else:
            received.append(key)
            out[key] = value
    for key in kept.get("absent") or []:
        if _holds(kept, key, bound, bases) and key in out:
            omitted.append(key)
            del out[key]
    return received, omitted


def _name_received(extension: dict[str, Any], written: set[str], received, omitted) -> None:
    if names := sorted(k for k in received if k in written):
        extension["received"] = names
    if names := sorted(k for k in omitted if k in written):
        extension["omitted"] = names


# --------------------------------------------------------------------------------------------
# Export


def association_identifier(
    kind: str, origin: uuid.UUID | str, destination: uuid.UUID | str
) -> uuid.UUID:
    """Same association, same identifier, in every export (consumers track changes by it)."""
    return uuid.uuid5(NAMESPACE, f"{kind}:{origin}:{destination}")


def _derived_identifier(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{name}")


def _link(title: str, identifier: uuid.UUID | str, uri: str) -> dict[str, str]:
    return {"title": title, "identifier": str(identifier), "uri": uri}


def case_timestamp(when: datetime | None) -> str:
    """CASE's lastChangeDateTime form (UTC, whole seconds); no moment known means now."""
    return (when or timezone.now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timestamp(framework: Framework) -> str:
    """The last change: publication or newest revision (so repeated exports agree)."""
    moments = [framework.last_published_at]
    if framework.latest_revision_id:
        moments.append(framework.latest_revision.created_at)
    moments = [m for m in moments if m is not None]
    return case_timestamp(max(moments) if moments else None)


_BLOCK_END = re.compile(r"<br\s*/?>|</(p|div|li|h[1-6]|tr|blockquote)\s*>", re.IGNORECASE)


def _plain(text: str) -> str:
    """CASE statements are plain text; keep paragraph breaks, drop the markup."""
    text = unescape(strip_tags(_BLOCK_END.sub("\n", text or "")))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _is_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _header(framework: Framework) -> FrameworkData:
    """A framework's own fields without its items: all a CFDocument needs."""
    return framework_header(framework)


def case_document(
    data: FrameworkData, *, adoption_status: str, base_url: str, stamp: str
) -> dict[str, Any]:
    """A CFDocument from the neutral shape, so frameworks and the KSF are described alike.

    ``data.competencies`` is not read; ``data.identifier`` must be set.
    """
    base = base_url.rstrip("/") + CASE_PATH
    uri = f"{base}/CFDocuments/{data.identifier}"
    description = _plain(data.description)
    extension: dict[str, Any] = {"idnumber": data.idnumber}
    if data.licence:
        extension["licence"] = data.licence
    if data.description != description:
        extension["description"] = data.description
    extension["scale"] = [
        {"name": v.name, "proficient": v.proficient, "isDefault": v.is_default} for v in data.scale
    ]
    extension["taxonomy"] = list(data.taxonomy)
    extension["validityMonths"] = data.validity_months
    document: dict[str, Any] = {
        "identifier": str(data.identifier),
        "uri": uri,
        "creator": data.publisher or "Unknown",
        "title": data.title,
        "lastChangeDateTime": stamp,
        "version": data.version,
        "adoptionStatus": adoption_status,
        "caseVersion": "1.1",
        "language": "en",
    }
    if data.publisher:
        document["publisher"] = data.publisher
    if description:
        document["description"] = description
    if data.source_url:
        document["officialSourceURL"] = data.source_url
    if data.licence and _is_url(data.licence):
        document["licenseURI"] = _link(
            data.licence, _derived_identifier("CFLicense", data.licence), data.licence
        )
    document["CFPackageURI"] = _link(
        data.title, data.identifier, f"{base}/CFPackages/{data.identifier}"
    )
    document["extensions"] = {EXTENSION: extension}
    received, omitted = _overlay(
        document, data.case_document, _DOCUMENT_BOUND, document_bases(data)
    )
    _name_received(extension, _DOCUMENT_WRITTEN, received, omitted)
    return document


def _adoption_status(framework: Framework) -> str:
    return ADOPTION_STATUS.get(framework.status, "Draft")


def export_case_document(framework: Framework, *, base_url: str) -> dict[str, Any]:
    """The CFDocument alone, for listings that should not build every package."""
    return case_document(
        _header(framework),
        adoption_status=_adoption_status(framework),
        base_url=base_url,
        stamp=_timestamp(framework),
    )


def export_case_package(framework: Framework, *, base_url: str) -> dict[str, Any]:
    """A CFPackage for one framework version; identifiers are stable across exports."""
    stamp = _timestamp(framework)
    document = case_document(
        _header(framework),
        adoption_status=_adoption_status(framework),
        base_url=base_url,
        stamp=stamp,
    )
    return case_package(
        document,
        framework_to_data(framework),
        base_url=base_url,
        stamp=stamp,
        label_for_depth=framework.label_for_depth,
    )


def case_package(
    document: dict[str, Any],
    data: FrameworkData,
    *,
    base_url: str,
    stamp: str,
    label_for_depth: Callable[[int], str],
) -> dict[str, Any]:
    """CFItems, CFAssociations and CFDefinitions around a CFDocument, from the neutral shape.

    Shared by every exporter so items and associations look the same whatever their source.
    ``data.competencies`` must list parents before children and siblings in order, each with
    its identifier; ``label_for_depth`` names the CFItemType of each depth (1 = top level).
    What an imported package said beyond the platform's fields is written back as it came.
    """
    base = base_url.rstrip("/") + CASE_PATH
    doc_link = _link(document["title"], document["identifier"], document["uri"])

    depth: dict[str, int] = {}
    position: dict[str, int] = {}
    seen_children: Counter[str] = Counter()
    for c in data.competencies:
        depth[c.idnumber] = depth[c.parent_idnumber] + 1 if c.parent_idnumber else 1
        seen_children[c.parent_idnumber] += 1
        position[c.idnumber] = seen_children[c.parent_idnumber]

    item_types: dict[str, dict[str, Any]] = {}
    links: dict[str, dict[str, str]] = {}  # identifier -> link object
    by_idnumber = {c.idnumber: c for c in data.competencies}
    items: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []

    def association(kind: str, origin: dict, destination: dict, **extra: Any) -> dict[str, Any]:
        identifier = association_identifier(kind, origin["identifier"], destination["identifier"])
        return {
            "identifier": str(identifier),
            "associationType": kind,
            "CFDocumentURI": doc_link,
            **extra,
            "uri": f"{base}/CFAssociations/{identifier}",
            "originNodeURI": origin,
            "destinationNodeURI": destination,
            "lastChangeDateTime": stamp,
        }

    def as_received(kept: dict[str, Any]) -> dict[str, Any]:
        out = dict(kept)
        if "CFDocumentURI" in out:  # the document as it is now (a new version is another)
            out["CFDocumentURI"] = doc_link
        return out

    for c in data.competencies:
        identifier = str(c.identifier)
        kept = c.case_item or {}
        uri = (kept.get("fields") or {}).get("uri")
        if not isinstance(uri, str) or not uri:
            uri = f"{base}/CFItems/{identifier}"
        links[identifier] = _link(c.short_name, identifier, uri)
        label = label_for_depth(depth[c.idnumber])
        type_id = str(_derived_identifier("CFItemType", label))
        type_entry = {
            "identifier": type_id,
            "uri": f"{base}/CFItemTypes/{type_id}",
            "title": label,
            "description": label,
            "hierarchyCode": str(depth[c.idnumber]),
            "lastChangeDateTime": stamp,
        }
        markdown = c.description_format == Competency.DescriptionFormat.MARKDOWN
        full_statement = (c.description if markdown else _plain(c.description)) or c.short_name
        extension: dict[str, Any] = {"idnumber": c.idnumber, "code": c.code}
        if c.description != full_statement:
            extension["description"] = c.description
        if markdown:
            extension["descriptionFormat"] = c.description_format
        extension.update(
            ruleType=c.rule_type or "",
            ruleOutcome=c.rule_outcome or 0,
            ruleConfig=c.rule_config,
        )
        item: dict[str, Any] = {
            "identifier": identifier,
            "uri": uri,
            "fullStatement": full_statement,
            "abbreviatedStatement": c.short_name,
        }
        # An ID number made from the identifier (an item that came without a code) is no code.
        coding = c.code or (c.idnumber if c.idnumber != identifier else "")
        if coding:
            item["humanCodingScheme"] = coding
        item.update(
            {
                "listEnumeration": str(position[c.idnumber]),
                "CFItemType": label,
                "CFItemTypeURI": _link(label, type_id, type_entry["uri"]),
                "language": "en",
                "lastChangeDateTime": stamp,
                "CFDocumentURI": doc_link,
                "extensions": {EXTENSION: extension},
            }
        )
        parent = (
            links[str(by_idnumber[c.parent_idnumber].identifier)] if c.parent_idnumber else doc_link
        )
        bases = item_bases(
            c,
            parent=parent["identifier"] if c.parent_idnumber else "",
            position=position[c.idnumber],
            depth=depth[c.idnumber],
            document=doc_link["identifier"],
        )
        _name_received(extension, _ITEM_WRITTEN, *_overlay(item, kept, _ITEM_BOUND, bases))
        if (item.get("CFItemTypeURI") or {}).get("identifier") == type_id:
            item_types.setdefault(label, type_entry)
        items.append(item)
        if "childOf" in kept and _holds(kept, "childOf", _ITEM_BOUND, bases):
            associations.append(as_received(kept["childOf"]))
        else:
            associations.append(
                association(
                    IS_CHILD_OF, links[identifier], parent, sequenceNumber=position[c.idnumber]
                )
            )

    # Associations kept as received stand for themselves, so no isRelatedTo repeats them.
    covered = {
        frozenset((str(by_idnumber[a.idnumber].identifier), str(a.target_identifier)))
        for a in data.associations
        if a.idnumber in by_idnumber
    }
    # Cross references are symmetrical: one isRelatedTo per pair, oriented by identifier.
    pairs: dict[Any, tuple[str, str]] = {}
    for c in data.competencies:
        for ref in c.cross_references:
            other = by_idnumber.get(ref)
            if other is None or other.identifier == c.identifier:
                continue
            a, b = sorted((str(c.identifier), str(other.identifier)))
            if frozenset((a, b)) not in covered:
                pairs.setdefault(frozenset((a, b)), (a, b))
    outside: set[str] = set()
    for source, target in data.external_references:
        origin, destination = str(by_idnumber[source].identifier), str(target)
        if origin == destination or frozenset((origin, destination)) in covered:
            continue  # the same item in another version of this framework, or kept as received
        if destination in links:
            a, b = sorted((origin, destination))
            pairs.setdefault(frozenset((a, b)), (a, b))
        else:
            pairs.setdefault((origin, destination), (origin, destination))
            outside.add(destination)
    for target in (
        Competency.objects.filter(identifier__in=outside)
        .select_related("framework")
        .order_by("framework__live", "pk")  # the last one wins: live, newest
    ):
        key = str(target.identifier)
        title = target.short_name if target.framework.live else key
        links[key] = _link(title, key, f"{base}/CFItems/{key}")
    for origin, destination in sorted(pairs.values()):
        associations.append(association(IS_RELATED_TO, links[origin], links[destination]))
    associations.extend(as_received(a.received) for a in data.associations)

    kept_definitions = (data.case_document or {}).get("definitions") or {}
    platform_definitions: dict[str, list[dict[str, Any]]] = {
        "CFItemTypes": list(item_types.values()),
        "CFLicenses": [],
    }
    if "licenseURI" in document:
        platform_definitions["CFLicenses"].append(
            {
                "identifier": document["licenseURI"]["identifier"],
                "uri": data.licence,
                "title": data.licence,
                "licenseText": data.licence,
                "lastChangeDateTime": stamp,
            }
        )
    definitions: dict[str, Any] = {}
    for key in _DEFINITIONS:
        entries = list(kept_definitions.get(key) or [])
        known = {e.get("identifier") for e in entries if isinstance(e, dict)}
        entries += [e for e in platform_definitions.get(key, []) if e["identifier"] not in known]
        definitions[key] = entries
    for key, value in kept_definitions.items():
        definitions.setdefault(key, value)
    package: dict[str, Any] = {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": definitions,
    }
    rubrics = (data.case_document or {}).get("rubrics")
    if rubrics:
        package["CFRubrics"] = rubrics
    return package


# --------------------------------------------------------------------------------------------
# Import


class _Problems:
    """Collects every problem with its JSON path, so one upload reports them all."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(RowError(None, path, message))

    def text(
        self,
        obj: dict,
        key: str,
        path: str,
        *,
        required: bool = False,
        max_length: int | None = None,
    ) -> str:
        where = f"{path}.{key}"
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.add(where, gettext("'%(key)s' is required.") % {"key": key})
            return ""
        if not isinstance(value, str):
            self.add(where, gettext("'%(key)s' must be text.") % {"key": key})
            return ""
        if "\x00" in value:
            self.add(where, gettext("'%(key)s' contains a NUL character.") % {"key": key})
            return ""
        if max_length is not None and len(value) > max_length:
            self.add(
                where,
                gettext("'%(key)s' is longer than %(limit)d characters.")
                % {"key": key, "limit": max_length},
            )
            return ""
        return value

    def identifier(self, obj: dict, key: str, path: str) -> uuid.UUID | None:
        where = f"{path}.{key}"
        value = obj.get(key)
        if value is None or value == "":
            self.add(where, gettext("'%(key)s' is required.") % {"key": key})
            return None
        if isinstance(value, str):
            try:
                return uuid.UUID(value)
            except ValueError:
                pass
        self.add(
            where,
            gettext("'%(key)s' must be a UUID, not %(value)s.")
            % {"key": key, "value": json.dumps(value)[:60]},
        )
        return None

    def moment(self, obj: dict, key: str, path: str) -> None:
        value = self.text(obj, key, path, required=True)
        if not value:
            return
        try:
            parsed = parse_datetime(value) or parse_date(value)
        except ValueError:
            parsed = None
        if parsed is None:
            self.add(
                f"{path}.{key}",
                gettext("'%(value)s' is not an ISO 8601 date and time.") % {"value": value[:40]},
            )

    def node(self, association: dict, key: str, path: str) -> uuid.UUID | None:
        value = association.get(key)
        if not isinstance(value, dict):
            self.add(
                f"{path}.{key}",
                gettext("'%(key)s' must be a link object with an identifier.") % {"key": key},
            )
            return None
        return self.identifier(value, "identifier", f"{path}.{key}")

    def extension(self, obj: dict, path: str) -> dict | None:
        extensions = obj.get("extensions")
        if extensions is None:
            return None
        if not isinstance(extensions, dict):
            self.add(
                f"{path}.extensions",
                gettext("'%(key)s' must be an object.") % {"key": "extensions"},
            )
            return None
        value = extensions.get(EXTENSION)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add(
                f"{path}.extensions.{EXTENSION}",
                gettext("'%(key)s' must be an object.") % {"key": EXTENSION},
            )
            return None
        return value


def _fail(filename: str, message: str) -> ImportFailed:
    return ImportFailed(filename, [RowError(None, "$", message)])


def _reject_constant(name: str) -> None:
    raise ValueError(gettext("%(name)s is not allowed in JSON") % {"name": name})


def _load(data: bytes, filename: str) -> Any:
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise _fail(
            filename,
            gettext("The file is %(size)d KB; the limit is %(limit)d KB.")
            % {"size": len(data) // 1024, "limit": limit // 1024},
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise _fail(filename, gettext("The file is empty."))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(
            filename,
            gettext("The file is not UTF-8 text (bad byte at %(position)d).")
            % {"position": exc.start},
        ) from exc
    try:
        package = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise _fail(
            filename,
            gettext("The file is not valid JSON: %(error)s at line %(line)d, column %(column)d.")
            % {"error": exc.msg, "line": exc.lineno, "column": exc.colno},
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise _fail(
            filename, gettext("The file is not valid JSON: %(error)s.") % {"error": exc}
        ) from exc
    where = _unpaired_surrogate(package)
    if where is not None:
        raise ImportFailed(
            filename,
            [
                RowError(
                    None,
                    where,
                    gettext(
                        "This text holds an escape such as \\ud800 that stands for no "
                        "character; no text can be stored with it."
                    ),
                )
            ],
        )
    return package


_SURROGATE = re.compile("[\ud800-\udfff]")


def _unpaired_surrogate(value: Any) -> str | None:
    """The JSON path of a text holding a lone surrogate (valid JSON, but no character)."""
    stack: list[tuple[Any, str]] = [(value, "$")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return path
        elif isinstance(node, dict):
            for key, item in node.items():
                if _SURROGATE.search(key):
                    return path
                stack.append((item, f"{path}.{key}"))
        elif isinstance(node, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(node))
    return None


def _list(package: dict, key: str, problems: _Problems) -> list:
    value = package.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(f"$.{key}", gettext("'%(key)s' must be a list.") % {"key": key})
        return []
    return value


@dataclass
class _Item:
    index: int
    path: str
    identifier: uuid.UUID
    full_statement: str
    short_name: str
    coding: str
    item_type: str
    extension: dict | None
    parent: uuid.UUID | None = None
    sequence: int | None = None
    placed_by: str = ""  # path of the isChildOf association that placed the item
    placed_index: int = -1
    related: list[uuid.UUID] = field(default_factory=list)
    raw: dict = field(default_factory=dict)  # the CFItem as received
    list_enumeration: str = ""
    child_of: dict | None = None  # another tool's isChildOf association, as received

    @property
    def label(self) -> str:
        return self.coding or str(self.identifier)


def _read_document(doc: Any, problems: _Problems) -> tuple[FrameworkData, uuid.UUID | None, bool]:
    """The framework's fields, its identifier, and whether level names must come from items."""
    path = "$.CFDocument"
    data = FrameworkData(idnumber="", title="")
    if not isinstance(doc, dict):
        problems.add(path, gettext("The package has no CFDocument object."))
        return data, None, True
    identifier = problems.identifier(doc, "identifier", path)
    problems.text(doc, "uri", path, required=True)
    creator = problems.text(doc, "creator", path, required=True)
    data.title = problems.text(doc, "title", path, required=True, max_length=255)
    problems.moment(doc, "lastChangeDateTime", path)
    version = doc.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        version = str(version)
        doc = {**doc, "version": version}
    data.version = problems.text(doc, "version", path, max_length=50) or "1.0"
    publisher = problems.text(doc, "publisher", path, max_length=255)
    data.description = problems.text(doc, "description", path)
    data.source_url = problems.text(doc, "officialSourceURL", path, max_length=200)
    if data.source_url and not _is_url(data.source_url):
        problems.add(
            f"{path}.officialSourceURL",
            gettext("'%(key)s' is not a web address.") % {"key": "officialSourceURL"},
        )
        data.source_url = ""
    licence = doc.get("licenseURI")
    if isinstance(licence, dict):
        licence = problems.text(licence, "uri", f"{path}.licenseURI", max_length=255)
    elif licence is not None:
        licence = problems.text(doc, "licenseURI", path, max_length=255)
    data.licence = licence or ""
    data.identifier = identifier

    extension = problems.extension(doc, path)
    if extension is None:
        data.idnumber = str(identifier) if identifier else ""
        data.publisher = publisher or creator[:255]
        data.case_document = _kept(
            doc, path, _DOCUMENT_MODELLED, _DOCUMENT_WRITTEN, problems, _DOCUMENT_CHECKED, None
        )
        if data.case_document:
            data.case_document["bound"] = document_bases(data)
        return data, identifier, True
    where = f"{path}.extensions.{EXTENSION}"
    data.publisher = publisher
    data.idnumber = problems.text(extension, "idnumber", where, max_length=100) or (
        str(identifier) if identifier else ""
    )
    if "licence" in extension:
        data.licence = problems.text(extension, "licence", where, max_length=255)
    if "description" in extension:
        data.description = problems.text(extension, "description", where)
    scale = extension.get("scale")
    if scale is not None and not isinstance(scale, list):
        problems.add(f"{where}.scale", gettext("'%(key)s' must be a list.") % {"key": "scale"})
    for i, value in enumerate(scale if isinstance(scale, list) else []):
        at = f"{where}.scale[{i}]"
        if not isinstance(value, dict):
            problems.add(at, gettext("A scale value must be an object."))
            continue
        name = problems.text(value, "name", at, required=True, max_length=100)
        flags = []
        for key in ("proficient", "isDefault"):
            flag = value.get(key, False)
            if not isinstance(flag, bool):
                problems.add(
                    f"{at}.{key}", gettext("'%(key)s' must be true or false.") % {"key": key}
                )
                flag = False
            flags.append(flag)
        data.scale.append(ScaleValueData(name, *flags))
    if data.scale and not any(v.proficient for v in data.scale):
        problems.add(f"{where}.scale", gettext("The scale marks no value as proficient."))
    taxonomy = extension.get("taxonomy")
    if taxonomy is not None:
        names = isinstance(taxonomy, list) and all(isinstance(t, str) for t in taxonomy)
        if names and not _has_nul(taxonomy):
            data.taxonomy = list(taxonomy)
        else:
            problems.add(
                f"{where}.taxonomy",
                gettext("'%(key)s' must be a list of level names.") % {"key": "taxonomy"},
            )
    months = extension.get("validityMonths")
    if months is not None:
        if isinstance(months, int) and not isinstance(months, bool) and 0 <= months <= 32767:
            data.validity_months = months
        else:
            problems.add(
                f"{where}.validityMonths",
                gettext("'%(key)s' must be a whole number.") % {"key": "validityMonths"},
            )
    data.case_document = _kept(
        doc, path, _DOCUMENT_MODELLED, _DOCUMENT_WRITTEN, problems, _DOCUMENT_CHECKED, extension
    )
    if data.case_document:
        data.case_document["bound"] = document_bases(data)
    return data, identifier, "taxonomy" not in extension


def _kept(
    obj: dict,
    path: str,
    modelled: set[str],
    written: set[str],
    problems: _Problems,
    checked: frozenset[str],
    extension: dict | None,
) -> dict[str, Any]:
    """What an object said beyond the platform's fields, to write back; empty if nothing.

    Another tool's object (no platform extension) keeps every field the platform does not
    model, and which of the ``written`` ones it left out. One this platform wrote keeps only
    fields it does not write itself, and those its extension names as given back as received
    ("received", "omitted"), so another tool's item keeps them however often it round-trips.
    """
    if extension is None:
        keep = set(obj) - modelled
        absent = sorted(written - set(obj))
    else:
        received = _names(extension, "received", path, problems)
        keep = set(obj) - modelled - (written - received)
        absent = sorted(k for k in _names(extension, "omitted", path, problems) & written)
        absent = [k for k in absent if k not in obj]
    fields = {k: v for k, v in obj.items() if k in keep and k != "extensions"}
    extensions = obj.get("extensions")
    if isinstance(extensions, dict):
        others = {k: v for k, v in extensions.items() if k != EXTENSION}
        if others:
            fields["extensions"] = others
    for key, value in fields.items():
        if key not in checked and _has_nul(value):
            problems.add(
                f"{path}.{key}", gettext("'%(key)s' contains a NUL character.") % {"key": key}
            )
    kept: dict[str, Any] = {}
    if fields:
        kept["fields"] = fields
    if absent:
        kept["absent"] = absent
    return kept


def _names(extension: dict, key: str, path: str, problems: _Problems) -> set[str]:
    value = extension.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(
            f"{path}.extensions.{EXTENSION}.{key}",
            gettext("'%(key)s' must be a list of field names.") % {"key": key},
        )
        return set()
    return set(value)


def _platform_definition(kind: str, entry: Any) -> bool:
    """An entry the platform writes itself (its identifier is derived from its name)."""
    if not isinstance(entry, dict) or kind not in ("CFItemTypes", "CFLicenses"):
        return False
    name = entry.get("title") if kind == "CFItemTypes" else entry.get("uri")
    singular = kind[:-1]
    return isinstance(name, str) and entry.get("identifier") == str(
        _derived_identifier(singular, name)
    )


def _read_definitions(package: dict, problems: _Problems) -> dict[str, Any]:
    """CFDefinitions and CFRubrics as received, to write back (nothing here reads them)."""
    out: dict[str, Any] = {}
    definitions = package.get("CFDefinitions")
    if isinstance(definitions, dict):
        kept: dict[str, Any] = {}
        for key, value in definitions.items():
            if isinstance(value, list):
                value = [e for e in value if not _platform_definition(key, e)]
            if value not in (None, [], {}):
                kept[key] = value
        if kept:
            out["definitions"] = kept
    rubrics = package.get("CFRubrics")
    if isinstance(rubrics, list) and rubrics:
        out["rubrics"] = rubrics
    if _has_nul(out):
        problems.add("$.CFDefinitions", gettext("The definitions contain a NUL character."))
        return {}
    return out


def _read_items(raw: list, doc_id: uuid.UUID | None, problems: _Problems) -> dict[uuid.UUID, _Item]:
    items: dict[uuid.UUID, _Item] = {}
    for i, item in enumerate(raw):
        path = f"$.CFItems[{i}]"
        if not isinstance(item, dict):
            problems.add(path, gettext("A CFItem must be an object."))
            continue
        identifier = problems.identifier(item, "identifier", path)
        full = problems.text(item, "fullStatement", path, required=True)
        problems.text(item, "uri", path, required=True)
        problems.moment(item, "lastChangeDateTime", path)
        abbreviated = problems.text(item, "abbreviatedStatement", path)
        coding = problems.text(item, "humanCodingScheme", path)
        item_type = item.get("CFItemType")
        if not isinstance(item_type, str) or "\x00" in item_type:
            item_type = ""
        extension = problems.extension(item, path)
        if identifier is None:
            continue
        if identifier == doc_id:
            problems.add(f"{path}.identifier", gettext("An item has the CFDocument's identifier."))
            continue
        if identifier in items:
            problems.add(
                f"{path}.identifier",
                gettext("Identifier %(identifier)s is also used by %(path)s.")
                % {"identifier": identifier, "path": items[identifier].path},
            )
            continue
        enumeration = item.get("listEnumeration")
        if isinstance(enumeration, int) and not isinstance(enumeration, bool):
            enumeration = str(enumeration)
        items[identifier] = _Item(
            index=i,
            path=path,
            identifier=identifier,
            full_statement=full,
            short_name=Truncator(" ".join((abbreviated or full).split())).chars(255),
            coding=coding,
            item_type=item_type.strip(),
            extension=extension,
            raw=item,
            list_enumeration=enumeration.strip() if isinstance(enumeration, str) else "",
        )
    return items


def _sequence(association: dict, path: str, problems: _Problems) -> int | None:
    value = association.get("sequenceNumber")
    if value is None or value == "":
        return None
    whole_float = isinstance(value, float) and value.is_integer()
    digits = isinstance(value, str) and value.strip().lstrip("-").isdigit()
    if isinstance(value, bool):
        value = None
    elif whole_float or digits:
        value = int(value)
    if not isinstance(value, int):
        problems.add(
            f"{path}.sequenceNumber",
            gettext("'%(key)s' must be a whole number.") % {"key": "sequenceNumber"},
        )
        return None
    return value


@dataclass
class _Kept:
    """An association to keep as received (``CompetencyAssociation``)."""

    index: int
    path: str
    identifier: uuid.UUID
    kind: str  # as received
    anchor: uuid.UUID  # the end in this package
    target: uuid.UUID  # the other end
    other: uuid.UUID | None  # the other end, when it is in this package too
    outgoing: bool
    received: dict
    title: str = ""
    uri: str = ""
    own: bool = False  # one the platform wrote itself, so one it writes again the same way


def _outside_node(association: dict, key: str, path: str, problems: _Problems) -> tuple[str, str]:
    """An outside end's title and URI, as shown on the competency page."""
    node = association[key]
    at = f"{path}.{key}"
    title = problems.text(node, "title", at, max_length=settings.IMPORT_MAX_CELL_CHARS)
    uri = problems.text(node, "uri", at, max_length=MAX_URI)
    return title, uri


def _node_text(node: Any, key: str) -> str:
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, str) else ""


def _read_associations(
    raw: list,
    items: dict[uuid.UUID, _Item],
    doc_id: uuid.UUID | None,
    problems: _Problems,
) -> tuple[list[_Kept], list[_Kept]]:
    """Place items in the tree and collect references.

    Returns the isRelatedTo/exactMatchOf associations leaving the package, and the other
    associations to keep as received: another tool's cross references and the types the
    platform does not interpret (isPeerOf, precedes ...). Those are read leniently, as before
    they were kept: one that is not well formed is left out rather than refused.
    """
    pairs: set[frozenset[uuid.UUID]] = set()
    outside: list[_Kept] = []
    kept: list[_Kept] = []
    identifiers: dict[uuid.UUID, str] = {}
    for k, association in enumerate(raw):
        path = f"$.CFAssociations[{k}]"
        if not isinstance(association, dict):
            problems.add(path, gettext("A CFAssociation must be an object."))
            continue
        given = association.get("associationType")
        kind = given.strip().lower() if isinstance(given, str) else ""
        interpreted = not kind or kind in _CHILD_TYPES | _RELATED_TYPES
        here = problems if interpreted else _Problems()
        kind_text = here.text(association, "associationType", path, required=True, max_length=100)
        identifier = here.identifier(association, "identifier", path)
        here.text(association, "uri", path, required=True)
        here.moment(association, "lastChangeDateTime", path)
        origin = here.node(association, "originNodeURI", path)
        destination = here.node(association, "destinationNodeURI", path)
        sequence = _sequence(association, path, here)
        unchecked = {
            key: value
            for key, value in association.items()
            if key not in ("associationType", "uri", "lastChangeDateTime", "identifier")
        }
        if _has_nul(unchecked):
            here.add(path, gettext("This association contains a NUL character."))
        if identifier is not None and identifier in identifiers:
            here.add(
                f"{path}.identifier",
                gettext("Identifier %(identifier)s is also used by %(path)s.")
                % {"identifier": identifier, "path": identifiers[identifier]},
            )
        if here.errors and not interpreted:
            continue  # an association the platform does not interpret, not well formed
        if identifier is not None:
            identifiers.setdefault(identifier, path)
        if origin is None or destination is None or identifier is None or not kind_text:
            continue
        origin_at = f"{path}.originNodeURI.identifier"
        destination_at = f"{path}.destinationNodeURI.identifier"
        if kind in _CHILD_TYPES:
            child = items.get(origin)
            if child is None:
                if origin == doc_id:
                    problems.add(
                        origin_at, gettext("The CFDocument cannot be the child of anything.")
                    )
                else:
                    problems.add(
                        origin_at,
                        gettext("isChildOf from %(origin)s, which is not a CFItem here.")
                        % {"origin": origin},
                    )
                continue
            if destination == doc_id or (doc_id is None and destination not in items):
                parent = None  # top level (or the CFDocument is broken, reported already)
            elif destination in items:
                parent = destination
            else:
                problems.add(
                    destination_at,
                    gettext(
                        "isChildOf points to %(destination)s, which is neither the CFDocument "
                        "nor a CFItem in this package."
                    )
                    % {"destination": destination},
                )
                continue
            if child.placed_by:
                if child.parent != parent:
                    problems.add(
                        path,
                        gettext(
                            "Item '%(item)s' has two parents (%(first)s and this association); "
                            "an item may sit in only one place in the tree."
                        )
                        % {"item": child.label, "first": child.placed_by},
                    )
                continue
            child.parent, child.sequence = parent, sequence
            child.placed_by, child.placed_index = path, k
            if identifier != association_identifier(IS_CHILD_OF, origin, destination):
                child.child_of = association  # another tool's: written back as it came
            continue
        if origin == destination or doc_id in (origin, destination):
            continue
        own = kind_text == IS_RELATED_TO and identifier == association_identifier(
            IS_RELATED_TO, origin, destination
        )

        common = {
            "index": k,
            "path": path,
            "identifier": identifier,
            "kind": kind_text,
            "received": association,
        }
        if origin in items and destination in items:
            node = association["destinationNodeURI"]
            if kind in _RELATED_TYPES:  # a cross reference
                pair = frozenset((origin, destination))
                if pair not in pairs:
                    pairs.add(pair)
                    items[origin].related.append(destination)
                if own and str(origin) < str(destination):
                    continue  # the platform writes this one again, the same way
            kept.append(
                _Kept(
                    **common,
                    anchor=origin,
                    target=destination,
                    other=destination,
                    outgoing=True,
                    title=_node_text(node, "title"),
                    uri=_node_text(node, "uri"),
                )
            )
        elif origin in items or destination in items:
            inside, far, key = (
                (origin, destination, "destinationNodeURI")
                if origin in items
                else (destination, origin, "originNodeURI")
            )
            title, uri = _outside_node(association, key, path, here)
            if here.errors and not interpreted:
                continue
            entry = _Kept(
                **common,
                anchor=inside,
                target=far,
                other=None,
                outgoing=inside == origin,
                title=title,
                uri=uri,
                own=own and inside == origin,
            )
            (outside if kind in _RELATED_TYPES else kept).append(entry)
        elif interpreted:
            problems.add(
                path, gettext("Neither end of this association is a CFItem in this package.")
            )
    return outside, kept


def _break_cycles(items: dict[uuid.UUID, _Item], problems: _Problems) -> None:
    state: dict[uuid.UUID, bool] = {}  # False: on the current walk; True: finished
    for start in items:
        chain: list[uuid.UUID] = []
        node: uuid.UUID | None = start
        while node is not None and node not in state:
            state[node] = False
            chain.append(node)
            node = items[node].parent
        if node is not None and state[node] is False:
            cycle = chain[chain.index(node) :]
            culprit = items[min(cycle, key=lambda n: items[n].placed_index)]
            names = " → ".join(items[n].label for n in [*cycle, node])
            problems.add(
                culprit.placed_by,
                gettext("isChildOf associations form a cycle: %(names)s.") % {"names": names},
            )
            culprit.parent = None
        for n in chain:
            state[n] = True


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Order codes as people read them: "1.2" before "1.10", "a" before "B".

    Digit runs compare by value without becoming integers, so no code is too long to sort.
    """
    key = []
    for n, part in enumerate(_DIGITS.split(text.casefold())):
        if n % 2:
            digits = part.lstrip("0") or "0"
            key.append((0, len(digits), digits))
        elif part:
            key.append((1, 0, part))
    return tuple(key)


def _sibling_order(item: _Item) -> tuple:
    """sequenceNumber; without one, listEnumeration, then the code; then file order."""
    return (
        (0, item.sequence) if item.sequence is not None else (1, 0),
        (0, natural_key(item.list_enumeration)) if item.list_enumeration else (1, ()),
        (0, natural_key(item.coding)) if item.coding else (1, ()),
        item.index,
    )


def _tree_order(items: dict[uuid.UUID, _Item]) -> list[tuple[_Item, int, int]]:
    """(item, depth, 1-based position among siblings), parents first, siblings in order."""
    children: dict[uuid.UUID | None, list[_Item]] = defaultdict(list)
    for item in items.values():
        children[item.parent].append(item)
    for siblings in children.values():
        siblings.sort(key=_sibling_order)
    out: list[tuple[_Item, int, int]] = []
    stack = [(item, 1, n) for n, item in enumerate(children[None], start=1)][::-1]
    while stack:
        item, depth, position = stack.pop()
        out.append((item, depth, position))
        below = children.get(item.identifier, [])
        stack.extend((child, depth + 1, n) for n, child in reversed(list(enumerate(below, 1))))
    return out


def _item_fields(item: _Item, idnumber: str, problems: _Problems) -> CompetencyData:
    data = CompetencyData(
        idnumber=idnumber,
        short_name=item.short_name,
        identifier=item.identifier,
        where=item.path,
    )
    extension = item.extension
    if extension is None:
        if len(item.coding) > 50:
            problems.add(
                f"{item.path}.humanCodingScheme",
                gettext("'%(key)s' is longer than %(limit)d characters.")
                % {"key": "humanCodingScheme", "limit": 50},
            )
        data.code = item.coding[:50]
        # Another tool's statement: kept as it came, blank lines and line breaks included.
        data.description = "" if item.full_statement == item.short_name else item.full_statement
        data.description_format = Competency.DescriptionFormat.MARKDOWN
        return data
    where = f"{item.path}.extensions.{EXTENSION}"
    if "code" in extension:
        data.code = problems.text(extension, "code", where, max_length=50)
    elif len(item.coding) > 50:
        problems.add(
            f"{item.path}.humanCodingScheme",
            gettext("'%(key)s' is longer than %(limit)d characters.")
            % {"key": "humanCodingScheme", "limit": 50},
        )
    else:
        data.code = item.coding
    if "description" in extension:
        data.description = problems.text(extension, "description", where)
    else:
        data.description = item.full_statement
    description_format = extension.get("descriptionFormat", Competency.DescriptionFormat.HTML)
    if description_format not in Competency.DescriptionFormat.values:
        problems.add(
            f"{where}.descriptionFormat",
            gettext('\'%(key)s\' must be "html" or "markdown".') % {"key": "descriptionFormat"},
        )
        description_format = Competency.DescriptionFormat.HTML
    data.description_format = description_format
    rule_type = extension.get("ruleType") or ""
    if rule_type not in Competency.RuleType.values:
        problems.add(
            f"{where}.ruleType",
            gettext("Unknown rule type %(value)s.") % {"value": json.dumps(rule_type)[:40]},
        )
        rule_type = ""
    rule_outcome = extension.get("ruleOutcome") or 0
    if isinstance(rule_outcome, bool) or rule_outcome not in Competency.RuleOutcome.values:
        problems.add(
            f"{where}.ruleOutcome",
            gettext("'%(key)s' must be 0, 1, 2 or 3.") % {"key": "ruleOutcome"},
        )
        rule_outcome = 0
    data.rule_type, data.rule_outcome = rule_type, rule_outcome
    data.rule_config = extension.get("ruleConfig")
    if _has_nul(data.rule_config):
        problems.add(
            f"{where}.ruleConfig",
            gettext("'%(key)s' contains a NUL character.") % {"key": "ruleConfig"},
        )
    return data


def _has_nul(value: Any) -> bool:
    """PostgreSQL refuses NUL characters in text and JSON, so catch them here."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and "\x00" in node:
            return True
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def parse_case_package(data: bytes, filename: str) -> FrameworkData:
    """Read a CASE v1.0/v1.1 CFPackage, or raise ImportFailed listing every problem by JSON path.

    Identifiers are kept, so re-importing a package keeps its items recognisable. Writes nothing
    (it only looks up identifiers of items in other frameworks).
    """
    package = _load(data, filename)
    if not isinstance(package, dict):
        raise _fail(filename, gettext("The file must hold a JSON object (a CASE CFPackage)."))
    problems = _Problems()
    framework, doc_id, derive_taxonomy = _read_document(package.get("CFDocument"), problems)
    kept_definitions = _read_definitions(package, problems)
    if kept_definitions:
        framework.case_document = {**framework.case_document, **kept_definitions}
    items = _read_items(_list(package, "CFItems", problems), doc_id, problems)
    outside, kept = _read_associations(
        _list(package, "CFAssociations", problems), items, doc_id, problems
    )
    _break_cycles(items, problems)
    ordered = _tree_order(items)

    # ID numbers: the extension's, else a unique humanCodingScheme, else the identifier.
    codings = Counter(item.coding for item in items.values() if item.coding)
    idnumbers: dict[uuid.UUID, str] = {}
    used: dict[str, str] = {}
    too_deep = False
    for item, depth, _position in ordered:
        where = item.path
        idnumber = ""
        if item.extension is not None:
            idnumber = problems.text(
                item.extension, "idnumber", f"{item.path}.extensions.{EXTENSION}", max_length=100
            )
            where = f"{item.path}.extensions.{EXTENSION}.idnumber"
        if not idnumber:
            usable = item.coding and codings[item.coding] == 1 and len(item.coding) <= 100
            idnumber = item.coding if usable else str(item.identifier)
        if idnumber in used:
            problems.add(
                where,
                gettext("ID number '%(idnumber)s' is also used by %(path)s.")
                % {"idnumber": idnumber, "path": used[idnumber]},
            )
        used.setdefault(idnumber, item.path)
        idnumbers[item.identifier] = idnumber
        if depth > MAX_DEPTH and not too_deep:
            problems.add(
                item.placed_by,
                gettext(
                    "This item is at level %(level)d: a framework may have at most %(limit)d "
                    "levels."
                )
                % {"level": depth, "limit": MAX_DEPTH},
            )
            too_deep = True

    for item, depth, position in ordered:
        competency = _item_fields(item, idnumbers[item.identifier], problems)
        competency.parent_idnumber = idnumbers[item.parent] if item.parent else ""
        competency.sort_order = position
        competency.cross_references = sorted(idnumbers[ref] for ref in item.related)
        competency.case_item = _kept_item(item, competency, depth, position, doc_id, problems)
        framework.competencies.append(competency)

    # A cross reference the platform wrote to an item it holds is a cross reference again;
    # any other association leaving the package is kept as it came, and its far end is found
    # whenever one of the platform's frameworks holds it.
    known = set(
        Competency.objects.filter(identifier__in={o.target for o in outside if o.own})
        .values_list("identifier", flat=True)
        .distinct()
    )
    for o in outside:
        if o.own and o.target in known:
            if (idnumbers[o.anchor], o.target) not in framework.external_references:
                framework.external_references.append((idnumbers[o.anchor], o.target))
        else:
            kept.append(o)
    for k in sorted(kept, key=lambda k: k.index):
        framework.associations.append(
            AssociationData(
                idnumber=idnumbers[k.anchor],
                identifier=k.identifier,
                association_type=k.kind,
                target_identifier=k.target,
                outgoing=k.outgoing,
                other_idnumber=idnumbers[k.other] if k.other else "",
                target_title=k.title,
                target_uri=k.uri,
                received=k.received,
                where=k.path,
            )
        )

    if derive_taxonomy:
        framework.taxonomy = _taxonomy(ordered)

    if not problems.errors:
        problems.errors += validate(framework, filename)
    if problems.errors:
        raise ImportFailed(filename, problems.errors)
    return framework


def _kept_item(
    item: _Item,
    competency: CompetencyData,
    depth: int,
    position: int,
    doc_id: uuid.UUID | None,
    problems: _Problems,
) -> dict[str, Any] | None:
    """What the CFItem (and another tool's isChildOf placing it) said beyond the platform's
    fields, to write back, with the digests of what each kept field depends on (see _kept)."""
    kept = _kept(
        item.raw, item.path, _ITEM_MODELLED, _ITEM_WRITTEN, problems, _ITEM_CHECKED, item.extension
    )
    if item.child_of is not None:
        kept["childOf"] = item.child_of
    if not kept:
        return None
    kept["bound"] = item_bases(
        competency,
        parent=str(item.parent) if item.parent else "",
        position=position,
        depth=depth,
        document=str(doc_id),
    )
    return kept


def _taxonomy(ordered: list[tuple[_Item, int, int]]) -> list[str]:
    """Level names from CFItemType, when every level has one."""
    by_depth: dict[int, Counter[str]] = defaultdict(Counter)
    for item, depth, _ in ordered:
        if item.item_type:
            by_depth[depth][item.item_type] += 1
    deepest = max((depth for _, depth, _ in ordered), default=0)
    if not deepest or any(not by_depth[d] for d in range(1, deepest + 1)):
        return []
    return [by_depth[d].most_common(1)[0][0][:100] for d in range(1, deepest + 1)]


def import_case_package(data: bytes, *, filename: str, user: User | None) -> Framework:
    """Parse and save as a new draft in one step; ImportFailed means nothing was written."""
    return save_framework(parse_case_package(data, filename), filename=filename, user=user)
