"""1EdTech CASE v1.0/v1.1 packages: export a framework as a CFPackage and read one back.

Other systems exchange standards as CASE, so a framework leaves and arrives as a CFPackage
(``CFDocument``, ``CFItems``, ``CFAssociations``, ``CFDefinitions``). The tree is carried by
``isChildOf`` associations (child → parent; top-level items are children of the CFDocument,
ordered by ``sequenceNumber``) and cross references by ``isRelatedTo`` (``exactMatchOf`` is
read the same way).

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
        "description": "<p>...</p>",  # only when it differs from fullStatement
        "ruleType": "" | "all" | "points",
        "ruleOutcome": 0 | 1 | 2 | 3,
        "ruleConfig": {...} | null,
    }

Every key is optional on import.
"""

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

    for c in data.competencies:
        identifier = str(c.identifier)
        uri = f"{base}/CFItems/{identifier}"
        links[identifier] = _link(c.short_name, identifier, uri)
        label = label_for_depth(depth[c.idnumber])
        if label not in item_types:
            type_id = _derived_identifier("CFItemType", label)
            item_types[label] = {
                "identifier": str(type_id),
                "uri": f"{base}/CFItemTypes/{type_id}",
                "title": label,
                "description": label,
                "hierarchyCode": str(depth[c.idnumber]),
                "lastChangeDateTime": stamp,
            }
        full_statement = _plain(c.description) or c.short_name
        extension: dict[str, Any] = {"idnumber": c.idnumber, "code": c.code}
        if c.description != full_statement:
            extension["description"] = c.description
        extension.update(
            ruleType=c.rule_type or "",
            ruleOutcome=c.rule_outcome or 0,
            ruleConfig=c.rule_config,
        )
        type_entry = item_types[label]
        items.append(
            {
                "identifier": identifier,
                "uri": uri,
                "fullStatement": full_statement,
                "abbreviatedStatement": c.short_name,
                "humanCodingScheme": c.code or c.idnumber,
                "listEnumeration": str(position[c.idnumber]),
                "CFItemType": label,
                "CFItemTypeURI": _link(label, type_entry["identifier"], type_entry["uri"]),
                "language": "en",
                "lastChangeDateTime": stamp,
                "CFDocumentURI": doc_link,
                "extensions": {EXTENSION: extension},
            }
        )
        parent = (
            links[str(by_idnumber[c.parent_idnumber].identifier)] if c.parent_idnumber else doc_link
        )
        associations.append(
            association(IS_CHILD_OF, links[identifier], parent, sequenceNumber=position[c.idnumber])
        )

    # Cross references are symmetrical: one isRelatedTo per pair, oriented by identifier.
    pairs: dict[Any, tuple[str, str]] = {}
    for c in data.competencies:
        for ref in c.cross_references:
            other = by_idnumber.get(ref)
            if other is None or other.identifier == c.identifier:
                continue
            a, b = sorted((str(c.identifier), str(other.identifier)))
            pairs.setdefault(frozenset((a, b)), (a, b))
    outside: set[str] = set()
    for source, target in data.external_references:
        origin, destination = str(by_idnumber[source].identifier), str(target)
        if origin == destination:
            continue  # the same item in another version of this framework
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

    definitions: dict[str, Any] = {
        "CFItemTypes": list(item_types.values()),
        "CFSubjects": [],
        "CFConcepts": [],
        "CFLicenses": [],
        "CFAssociationGroupings": [],
    }
    if "licenseURI" in document:
        definitions["CFLicenses"].append(
            {
                "identifier": document["licenseURI"]["identifier"],
                "uri": data.licence,
                "title": data.licence,
                "licenseText": data.licence,
                "lastChangeDateTime": stamp,
            }
        )
    return {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": definitions,
    }


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
        return json.loads(text, parse_constant=_reject_constant)
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
    return data, identifier, "taxonomy" not in extension


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
        items[identifier] = _Item(
            index=i,
            path=path,
            identifier=identifier,
            full_statement=full,
            short_name=Truncator(" ".join((abbreviated or full).split())).chars(255),
            coding=coding,
            item_type=item_type.strip(),
            extension=extension,
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


def _read_associations(
    raw: list,
    items: dict[uuid.UUID, _Item],
    doc_id: uuid.UUID | None,
    problems: _Problems,
) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    """Place items in the tree and collect references; returns references leaving the package
    as (item in the package, outside identifier, path of the outside node's identifier)."""
    pairs: set[frozenset[uuid.UUID]] = set()
    outside: list[tuple[uuid.UUID, uuid.UUID, str]] = []
    for k, association in enumerate(raw):
        path = f"$.CFAssociations[{k}]"
        if not isinstance(association, dict):
            problems.add(path, gettext("A CFAssociation must be an object."))
            continue
        kind = problems.text(association, "associationType", path, required=True).strip().lower()
        if kind not in _CHILD_TYPES | _RELATED_TYPES:
            continue  # isPeerOf, precedes, isTranslationOf ...: nothing to map them to
        problems.identifier(association, "identifier", path)
        problems.text(association, "uri", path, required=True)
        problems.moment(association, "lastChangeDateTime", path)
        origin = problems.node(association, "originNodeURI", path)
        destination = problems.node(association, "destinationNodeURI", path)
        sequence = _sequence(association, path, problems)
        if origin is None or destination is None:
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
            continue
        # isRelatedTo / exactMatchOf: a cross reference.
        if origin == destination or doc_id in (origin, destination):
            continue
        if origin in items and destination in items:
            pair = frozenset((origin, destination))
            if pair not in pairs:
                pairs.add(pair)
                items[origin].related.append(destination)
        elif origin in items:
            outside.append((origin, destination, destination_at))
        elif destination in items:
            outside.append((destination, origin, origin_at))
        else:
            problems.add(
                path, gettext("Neither end of this association is a CFItem in this package.")
            )
    return outside


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


def _tree_order(items: dict[uuid.UUID, _Item]) -> list[tuple[_Item, int, int]]:
    """(item, depth, 1-based position among siblings), parents first, by sequenceNumber."""
    children: dict[uuid.UUID | None, list[_Item]] = defaultdict(list)
    for item in items.values():
        children[item.parent].append(item)
    for siblings in children.values():
        siblings.sort(key=lambda i: (i.sequence is None, i.sequence or 0, i.index))
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
        data.description = "" if item.full_statement == item.short_name else item.full_statement
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
    items = _read_items(_list(package, "CFItems", problems), doc_id, problems)
    outside = _read_associations(
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

    for item, _depth, position in ordered:
        competency = _item_fields(item, idnumbers[item.identifier], problems)
        competency.parent_idnumber = idnumbers[item.parent] if item.parent else ""
        competency.sort_order = position
        competency.cross_references = sorted(idnumbers[ref] for ref in item.related)
        framework.competencies.append(competency)

    known = set(
        Competency.objects.filter(identifier__in={target for _, target, _ in outside})
        .values_list("identifier", flat=True)
        .distinct()
    )
    for source, target, where in outside:
        if target not in known:
            problems.add(
                where,
                gettext("No competency %(identifier)s exists in this package or on this platform.")
                % {"identifier": target},
            )
        elif (idnumbers[source], target) not in framework.external_references:
            framework.external_references.append((idnumbers[source], target))

    if derive_taxonomy:
        framework.taxonomy = _taxonomy(ordered)

    if not problems.errors:
        problems.errors += validate(framework, filename)
    if problems.errors:
        raise ImportFailed(filename, problems.errors)
    return framework


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
