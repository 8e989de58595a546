"""The NHS Knowledge and Skills Framework as a CASE v1.1 package.

The KSF lives in the ``ksf`` app as reference data rather than as an authored framework, but
other systems should be able to read it like any published standard, and a copy should import
here like any other CFPackage. So it is put into the neutral ``FrameworkData`` shape and goes
through the same CFDocument/CFItem/CFAssociation builders as frameworks do.

The tree is dimension group → dimension → level → indicator. Nothing in the KSF tables is
durable enough to carry an identifier (primary keys differ between databases), so every
identifier is a uuid5 of the document identifier and the item's human coding ("C", "HWB6",
"HWB6.3", "HWB6.3.b"): the same in every export and every database holding the KSF.
"""

import uuid
from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Max
from django.utils.text import Truncator
from wagtail.models import ModelLogEntry

from competencies.interchange.case import (
    NAMESPACE,
    case_document,
    case_package,
    case_timestamp,
)
from competencies.interchange.tree import CompetencyData, FrameworkData, ScaleValueData
from ksf.models import KSFDimension, KSFIndicator, KSFLevel

# Fixed for good: every KSF identifier is derived from the document identifier this gives.
DOCUMENT_KEY = "NHS-KSF-2010"
IDNUMBER = "NHS-KSF"
ITEM_IDNUMBER_PREFIX = "KSF-"
TITLE = "NHS Knowledge and Skills Framework"
PUBLISHER = "NHS Employers"
VERSION = "2010"
ADOPTION_STATUS = "Adopted"
DESCRIPTION = (
    "The knowledge and skills NHS staff apply in their work, set out as dimensions that are each "
    "described at four levels by indicators, for building post outlines and development reviews."
)
# Labels per depth; CASE CFItemTypes are named after them, so a re-export of an imported copy
# gives the same item types.
TAXONOMY = ["Dimension group", "Dimension", "Level", "Indicator"]
# Levels are items in the tree, so what is rated against a level or indicator is whether the
# person meets it.
SCALE = [ScaleValueData("Not yet met"), ScaleValueData("Met", proficient=True, is_default=True)]
LOCAL_NOTE = "Local indicator"
# Loads the shipped KSF; when it ran is the latest known change if the admin never edited it.
REFERENCE_MIGRATION = ("ksf", "0002_ksf_reference_data")


_DOCUMENT_IDENTIFIER = uuid.uuid5(NAMESPACE, DOCUMENT_KEY)


def ksf_document_identifier() -> uuid.UUID:
    """The KSF's CFDocument identifier; fixed, so every platform publishes the same one."""
    return _DOCUMENT_IDENTIFIER


def ksf_item_identifier(coding: str) -> uuid.UUID:
    """A KSF item's identifier from its human coding ("HWB6.3.b"), stable across databases."""
    return uuid.uuid5(_DOCUMENT_IDENTIFIER, coding)


def _group_codes(dimensions: list[KSFDimension]) -> dict[str, str]:
    """Group → code: the letters its dimension codes share ("HWB"), else the group's name."""
    prefixes: dict[str, set[str]] = defaultdict(set)
    for d in dimensions:
        prefixes[d.group].add(d.code.rstrip("0123456789"))
    shared = [next(iter(p)) for p in prefixes.values() if len(p) == 1]
    codes = {d.code for d in dimensions}
    out = {}
    for group, found in prefixes.items():
        prefix = next(iter(found)) if len(found) == 1 else ""
        usable = prefix and shared.count(prefix) == 1 and prefix not in codes
        out[group] = prefix if usable else group
    return out


def _entry(coding: str, parent: str, position: int, name: str, text: str = "") -> CompetencyData:
    short_name = " ".join(name.split())
    if len(short_name) > 255:  # Truncator is slow enough to matter over ~600 items
        short_name = Truncator(short_name).chars(255)
    return CompetencyData(
        idnumber=ITEM_IDNUMBER_PREFIX + coding,
        short_name=short_name,
        parent_idnumber=ITEM_IDNUMBER_PREFIX + parent if parent else "",
        code=coding,
        description=text if text and text != short_name else "",
        sort_order=position,
        identifier=ksf_item_identifier(coding),
    )


def _header() -> FrameworkData:
    return FrameworkData(
        idnumber=IDNUMBER,
        title=TITLE,
        description=DESCRIPTION,
        publisher=PUBLISHER,
        version=VERSION,
        taxonomy=list(TAXONOMY),
        scale=[ScaleValueData(v.name, v.proficient, v.is_default) for v in SCALE],
        identifier=ksf_document_identifier(),
    )


def ksf_framework_data() -> tuple[FrameworkData, set[uuid.UUID]]:
    """The KSF in the neutral shape every format is written from, parents before children.

    Also returns the identifiers of local indicators, which CASE marks with a note.
    """
    data = _header()
    dimensions = list(KSFDimension.objects.order_by("sort_order", "code"))
    levels: dict[int, list[KSFLevel]] = defaultdict(list)
    for level in KSFLevel.objects.order_by("level"):
        levels[level.dimension_id].append(level)
    indicators: dict[int, list[KSFIndicator]] = defaultdict(list)
    for indicator in KSFIndicator.objects.order_by("letter"):
        indicators[indicator.level_id].append(indicator)

    by_group: dict[str, list[KSFDimension]] = {}  # first dimension's sort order orders groups
    for d in dimensions:
        by_group.setdefault(d.group, []).append(d)
    group_codes = _group_codes(dimensions)
    local: set[uuid.UUID] = set()
    add = data.competencies.append
    for g, (group, members) in enumerate(by_group.items(), start=1):
        group_code = group_codes[group]
        add(_entry(group_code, "", g, group))
        for n, dimension in enumerate(members, start=1):
            add(_entry(dimension.code, group_code, n, dimension.title))
            for level in levels[dimension.pk]:
                level_code = f"{dimension.code}.{level.level}"
                add(_entry(level_code, dimension.code, level.level, level.title))
                for k, indicator in enumerate(indicators[level.pk], start=1):
                    entry = _entry(
                        f"{level_code}.{indicator.letter}",
                        level_code,
                        k,
                        indicator.text,
                        indicator.text,
                    )
                    add(entry)
                    if indicator.is_local:
                        local.add(entry.identifier)
    return data, local


def _stamp() -> str:
    """The KSF's last change: its newest admin log entry, else when it was loaded here."""
    types = ContentType.objects.get_for_models(KSFDimension, KSFLevel, KSFIndicator).values()
    edited = ModelLogEntry.objects.filter(content_type__in=types).aggregate(
        latest=Max("timestamp")
    )["latest"]
    app, name = REFERENCE_MIGRATION
    loaded = (
        MigrationRecorder.Migration.objects.filter(app=app, name=name)
        .values_list("applied", flat=True)
        .first()
    )
    moments = [m for m in (edited, loaded) if m is not None]
    return case_timestamp(max(moments) if moments else None)


def export_ksf_case_document(*, base_url: str) -> dict[str, Any]:
    """The KSF's CFDocument alone, for listings that should not build the whole package."""
    return case_document(
        _header(), adoption_status=ADOPTION_STATUS, base_url=base_url, stamp=_stamp()
    )


def export_ksf_case_package(*, base_url: str) -> dict[str, Any]:
    """The KSF as a CFPackage; identifiers are the same in every export and database."""
    stamp = _stamp()
    data, local = ksf_framework_data()
    document = case_document(data, adoption_status=ADOPTION_STATUS, base_url=base_url, stamp=stamp)
    package = case_package(
        document,
        data,
        base_url=base_url,
        stamp=stamp,
        label_for_depth=lambda depth: TAXONOMY[depth - 1],
    )
    for item in package["CFItems"]:
        if uuid.UUID(item["identifier"]) in local:
            item["notes"] = LOCAL_NOTE
    return package
