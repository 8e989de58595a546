"""The JSON-LD document loader: the contexts shipped in ``fellowships/reference_data/``.

Canonicalisation must never reach the network (it would be slow, could fail, and would let
whoever serves a context change what a signature covers), so any other URL is refused.
"""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

REFERENCE_DATA = Path(__file__).resolve().parent.parent / "reference_data"

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS = {
    VC_CONTEXT: "vc-context-v2.jsonld",
    OB_CONTEXT: "ob-context-3.0.3.json",
}


class ContextRefused(Exception):
    """A document named a context that is not shipped with the platform."""


@cache
def _read(filename: str) -> dict[str, Any]:
    return json.loads((REFERENCE_DATA / filename).read_text(encoding="utf-8"))


def reference_json(filename: str) -> dict[str, Any]:
    """A shipped file (a context or a schema), parsed; a copy, so callers may change it."""
    return copy.deepcopy(_read(filename))


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's loader interface; raises ``ContextRefused`` for anything not shipped."""
    filename = CONTEXTS.get(url)
    if filename is None:
        raise ContextRefused(
            gettext("The context %(url)s is not one the platform ships; it is not fetched.")
            % {"url": str(url)[:200]}
        )
    return {
        "contextUrl": None,
        "documentUrl": url,
        "contentType": "application/ld+json",
        "document": reference_json(filename),
    }
