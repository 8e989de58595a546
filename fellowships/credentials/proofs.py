"""The ``eddsa-rdfc-2022`` Data Integrity proof (W3C VC Data Integrity EdDSA Cryptosuites).

Sign: canonicalise the proof options (with the document's ``@context``) and the document
without its proof (RDF canonicalisation, URDNA2015 as N-Quads), hash each with SHA-256, sign
``proofOptionsHash + documentHash`` with Ed25519; ``proofValue`` is ``z`` + base58btc.
Verify does the same with the proof as found, less its ``proofValue``.
"""

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

import base58
from pyld import jsonld

from fellowships.credentials.documents import timestamp
from fellowships.credentials.keys import IssuerKey
from fellowships.credentials.loader import document_loader

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"


def canonical(document: dict[str, Any]) -> str:
    """RDF canonicalisation (N-Quads), contexts from the shipped files only."""
    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )


def dropped_terms(document: dict[str, Any]) -> list[str]:
    """Properties the contexts do not define: JSON-LD would drop them, unsigned, unseen."""
    dropped: list[str] = []

    def note(term: str | None) -> None:
        dropped.append(str(term))

    jsonld.expand(document, {"documentLoader": document_loader}, on_property_dropped=note)
    return dropped


def hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """SHA-256(canonical proof options) + SHA-256(canonical document), in that order."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof_options.items() if k != "proofValue"}
    options["@context"] = document["@context"]
    options_hash = hashlib.sha256(canonical(options).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonical(unsigned).encode("utf-8")).digest()
    return options_hash + document_hash


def sign(document: dict[str, Any], key: IssuerKey, *, created: datetime.datetime) -> dict[str, Any]:
    """The document with an embedded proof by ``key`` (the document is not changed)."""
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": timestamp(created),
        "verificationMethod": key.verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = key.sign(hash_data(document, options))
    proof = {**options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}
    # A list: the Open Badges 3.0 schema has ``proof`` as an array of proofs.
    return {**{k: v for k, v in document.items() if k != "proof"}, "proof": [proof]}


def check(
    document: dict[str, Any], proof: dict[str, Any], verifies: Callable[[bytes, bytes], bool]
) -> bool:
    """Whether ``proof`` holds over ``document``; ``verifies(signature, data)`` is the key's."""
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    try:
        signature = base58.b58decode(value[1:])
    except ValueError:
        return False
    return verifies(signature, hash_data(document, proof))
