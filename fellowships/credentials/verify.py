"""Is a credential good? Its schema, its proof, and whether it was revoked.

Everything is checked and every problem reported, in plain English, so a page or a command
can say why. Nothing here raises on bad input: a document that cannot be read is invalid.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from jsonschema import Draft201909Validator
from referencing import Registry, Resource

from fellowships.credentials import addresses, keys, proofs
from fellowships.credentials.loader import reference_json
from fellowships.models import Credential

CREDENTIAL_SCHEMA = "achievementcredential.schema.json"
PROFILE_SCHEMA = "profile.schema.json"
MAX_SCHEMA_PROBLEMS = 5


@dataclass
class Verification:
    valid: bool
    reasons: list[str] = field(default_factory=list)
    schema_valid: bool = False
    signature_valid: bool = False
    revoked: bool = False
    credential: Credential | None = None
    key_id: str | None = None


@cache
def _validator() -> Draft201909Validator:
    schema = reference_json(CREDENTIAL_SCHEMA)
    profile = reference_json(PROFILE_SCHEMA)
    # Every $ref resolves here: the schemas by their own $id, never over the network.
    registry = Registry().with_resources(
        [
            (schema["$id"], Resource.from_contents(schema)),
            (profile["$id"], Resource.from_contents(profile)),
        ]
    )
    return Draft201909Validator(
        schema, registry=registry, format_checker=Draft201909Validator.FORMAT_CHECKER
    )


def schema_problems(document: Any) -> list[str]:
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    problems = []
    for error in errors[:MAX_SCHEMA_PROBLEMS]:
        where = "/".join(str(p) for p in error.absolute_path) or gettext("the credential")
        problems.append(
            gettext("It does not follow the Open Badges 3.0 schema at %(where)s: %(problem)s")
            % {"where": where, "problem": error.message[:300]}
        )
    if len(errors) > MAX_SCHEMA_PROBLEMS:
        problems.append(
            gettext("... and %(count)s more schema problems.")
            % {"count": len(errors) - MAX_SCHEMA_PROBLEMS}
        )
    return problems


def _proof(document: dict[str, Any], result: Verification) -> None:
    """Set ``signature_valid`` and add the reasons it does not hold."""
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        result.reasons.append(gettext("It has no proof (or more than one), so it is not signed."))
        return
    if (
        proof.get("type") != proofs.PROOF_TYPE
        or proof.get("cryptosuite") != proofs.CRYPTOSUITE
        or proof.get("proofPurpose") != proofs.PROOF_PURPOSE
    ):
        result.reasons.append(
            gettext(
                "Its proof is not a Data Integrity proof by eddsa-rdfc-2022 for assertion, "
                "the only kind the platform issues."
            )
        )
        return
    key_id = addresses.key_id_from(proof.get("verificationMethod"))
    try:
        key = keys.load(key_id) if key_id else None
    except (keys.KeyNotFound, ValueError):
        key = None
    if key is None:
        result.reasons.append(
            gettext("The signature does not hold: it names a key that is not one of ours.")
        )
        return
    result.key_id = key_id
    try:
        dropped = proofs.dropped_terms(document)
        holds = proofs.check(document, proof, key.verifies)
    except Exception as exc:  # pyld wraps the loader's refusal and syntax errors
        result.reasons.append(
            gettext("The signature does not hold: it cannot be read as linked data (%(error)s).")
            % {"error": str(exc)[:200]}
        )
        return
    if dropped:
        result.reasons.append(
            gettext("It has fields no context defines, which a signature cannot cover: %(names)s.")
            % {"names": ", ".join(sorted(set(dropped))[:10])}
        )
        return
    if not holds:
        result.reasons.append(
            gettext(
                "The signature does not hold: the credential was changed after it was signed, "
                "or it was not signed with this key."
            )
        )
        return
    result.signature_valid = True


def _record(document: dict[str, Any], result: Verification) -> None:
    """Find our record of it: revoked, or different from what was issued, is invalid."""
    public_id = addresses.public_id_from(document.get("id"))
    credential = (
        Credential.objects.select_related("enrolment__staff", "enrolment__programme")
        .filter(public_id=public_id)
        .first()
        if public_id
        else None
    )
    if credential is None:
        result.reasons.append(gettext("The platform has no record of issuing this credential."))
        return
    result.credential = credential
    if credential.is_revoked:
        result.revoked = True
        result.reasons.append(
            gettext("It was revoked on %(date)s: %(reason)s")
            % {
                "date": date_format(localtime(credential.revoked_at), "j F Y"),
                "reason": credential.revoked_reason,
            }
        )
    if credential.document != document:
        result.reasons.append(gettext("It differs from the credential as the platform issued it."))


def verify(document: Any) -> Verification:
    result = Verification(valid=False)
    if not isinstance(document, dict):
        result.reasons.append(gettext("It is not a credential: a JSON object was expected."))
        return result
    problems = schema_problems(document)
    result.schema_valid = not problems
    result.reasons.extend(problems)
    _proof(document, result)
    _record(document, result)
    result.valid = result.schema_valid and result.signature_valid and not result.reasons
    return result
