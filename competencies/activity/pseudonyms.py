"""Patient and episode keys are kept only as a keyed hash (HMAC-SHA256), never as given.

The key is ``settings.ACTIVITY_PSEUDONYM_KEY`` (derived from ``SECRET_KEY`` when unset), so
the same source key always gives the same pseudonym within a deployment (episodes join up
across imports) and a stolen table cannot be reversed by hashing guessed numbers without it.
On PostgreSQL the same HMAC is computed in SQL from the two padded keys, so keys never leave
the database session as text.
"""

import hashlib
import hmac

from django.conf import settings

_BLOCK = 64  # SHA-256's block size in bytes


def key() -> bytes:
    configured = getattr(settings, "ACTIVITY_PSEUDONYM_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"activity-pseudonym", hashlib.sha256).digest()


def pseudonym(value: str) -> str:
    """The stored form of a patient or episode key ('' stays '')."""
    if not value:
        return ""
    return hmac.new(key(), value.encode(), hashlib.sha256).hexdigest()


def padded_keys() -> tuple[bytes, bytes]:
    """HMAC's inner and outer keys, for computing ``pseudonym`` in SQL:
    sha256(outer || sha256(inner || message))."""
    raw = key()
    if len(raw) > _BLOCK:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(_BLOCK, b"\x00")
    inner = bytes(b ^ 0x36 for b in raw)
    outer = bytes(b ^ 0x5C for b in raw)
    return inner, outer
