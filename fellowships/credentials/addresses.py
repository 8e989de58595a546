"""The platform URLs a credential names.

They are written into signed credentials, so they must stay put: the portal serves them
from ``cms.portal.credential_urls``, included at ``credentials/`` (a test checks the two
agree). The base is ``settings.WAGTAILADMIN_BASE_URL``.
"""

import re
import uuid

from django.conf import settings

from competencies.interchange.case import CASE_PATH

PREFIX = "/credentials"
KEY_ID_PATTERN = r"[0-9]{8}T[0-9]{12}Z"
_KEY_ID = re.compile(rf"^{KEY_ID_PATTERN}$")


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def credential_url(public_id: uuid.UUID | str) -> str:
    """The credential's id: its public verification page."""
    return f"{base_url()}{PREFIX}/{public_id}/"


def public_id_from(credential_id: object) -> uuid.UUID | None:
    """The public id of one of our credentials from its id; None for anyone else's."""
    if not isinstance(credential_id, str):
        return None
    prefix = f"{base_url()}{PREFIX}/"
    if not credential_id.startswith(prefix) or not credential_id.endswith("/"):
        return None
    try:
        return uuid.UUID(credential_id[len(prefix) : -1])
    except ValueError:
        return None


def is_key_id(value: object) -> bool:
    return isinstance(value, str) and bool(_KEY_ID.match(value))


def key_url(key_id: str) -> str:
    """The public key document (a Multikey)."""
    return f"{base_url()}{PREFIX}/keys/{key_id}/"


def verification_method(key_id: str) -> str:
    return f"{key_url(key_id)}#{key_id}"


def key_id_from(method: object) -> str | None:
    """The key id named by one of our verification method URLs; None for anything else."""
    if not isinstance(method, str) or "#" not in method:
        return None
    key_id = method.rsplit("#", 1)[1]
    if not is_key_id(key_id) or method != verification_method(key_id):
        return None
    return key_id


def controller() -> str:
    """Who controls the issuer keys: the platform (one key signs for every organisation)."""
    return f"{base_url()}/"


def issuer_url(organisation_code: str) -> str:
    return f"{base_url()}{PREFIX}/issuers/{organisation_code}/"


def cfitem_url(identifier: uuid.UUID | str) -> str:
    """Where the platform's CASE API serves a CFItem (``/ims/case/v1p1/CFItems/<id>``)."""
    return f"{base_url()}{CASE_PATH}/CFItems/{identifier}"
