"""The frameworks the platform ships with, loaded and published by ``load_frameworks``."""

import json
from pathlib import Path

from django.db import transaction

from competencies.interchange.tree import (
    CompetencyData,
    FrameworkData,
    ScaleValueData,
    save_framework,
)
from competencies.models import Framework

DATA = Path(__file__).resolve().parent.parent / "reference_data"
SHIPPED = ["rps-prescribing.json", "msk-core-capabilities.json", "msk-pocus.json"]


def read_shipped(name: str) -> FrameworkData:
    raw = json.loads((DATA / name).read_text(encoding="utf-8"))
    return FrameworkData(
        idnumber=raw["idnumber"],
        title=raw["title"],
        publisher=raw["publisher"],
        version=raw["version"],
        licence=raw["licence"],
        source_url=raw["source_url"],
        description=raw["description"],
        taxonomy=raw["taxonomy"],
        validity_months=raw["validity_months"],
        scale=[ScaleValueData(n, p, d) for n, p, d in raw["scale"]],
        competencies=[
            CompetencyData(
                idnumber=idn,
                parent_idnumber=parent,
                code=code,
                short_name=name,
                description=text,
                sort_order=i,
            )
            for i, (idn, parent, code, name, text) in enumerate(raw["competencies"])
        ],
    )


@transaction.atomic
def load_shipped_frameworks() -> list[Framework]:
    """Create and publish each shipped framework once; existing versions are left alone."""
    loaded = []
    for name in SHIPPED:
        data = read_shipped(name)
        existing = Framework.objects.filter(idnumber=data.idnumber, version=data.version).first()
        if existing:
            loaded.append(existing)
            continue
        framework = save_framework(data, filename=name, user=None)
        framework.get_latest_revision().publish(user=None, skip_permission_checks=True)
        framework.refresh_from_db()
        loaded.append(framework)
    return loaded
