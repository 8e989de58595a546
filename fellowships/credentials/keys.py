"""The issuer's Ed25519 keys: files outside the database, the newest one signs.

Keys live in ``settings.FELLOWSHIP_CREDENTIAL_KEY_DIR`` (default ``BASE_DIR/var/credential-keys``)
as ``<key_id>.pem`` (PKCS#8, readable by the owner only). The key id is the moment the key was
made (``20261201T155200123456Z``), so the newest sorts last. The first key is made on first
use; ``manage.py rotate_credential_key`` makes a new one, which signs from then on, and the
older ones stay so what they signed still verifies. A key whose file is removed no longer
verifies anything it signed.
"""

import fcntl
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

from fellowships.credentials import addresses

SETTING = "FELLOWSHIP_CREDENTIAL_KEY_DIR"
# The multicodec prefix of an Ed25519 public key (0xed, as an unsigned varint: 0xed 0x01).
ED25519_MULTICODEC = b"\xed\x01"


class KeyNotFound(LookupError):
    pass


def key_dir() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "credential-keys"
    return Path(getattr(settings, SETTING, None) or default)


def multibase_public_key(public_key: Ed25519PublicKey) -> str:
    """A Multikey ``publicKeyMultibase``: ``z`` + base58btc(0xed01 + the 32 raw bytes)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode("ascii")


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ValueError("not base58btc multibase")
    decoded = base58.b58decode(value[1:])
    if not decoded.startswith(ED25519_MULTICODEC) or len(decoded) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


@dataclass(frozen=True)
class IssuerKey:
    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_key_multibase(self) -> str:
        return multibase_public_key(self.public_key)

    @property
    def verification_method(self) -> str:
        return addresses.verification_method(self.key_id)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def verifies(self, signature: bytes, data: bytes) -> bool:
        try:
            self.public_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def multikey(self) -> dict[str, str]:
        """The public key document served at the verification method's address."""
        return {
            "@context": "https://w3id.org/security/multikey/v1",
            "id": self.verification_method,
            "type": "Multikey",
            "controller": addresses.controller(),
            "publicKeyMultibase": self.public_key_multibase,
        }


def _path(key_id: str) -> Path:
    if not addresses.is_key_id(key_id):  # never a path from outside: ids have one shape
        raise KeyNotFound(key_id)
    return key_dir() / f"{key_id}.pem"


def key_ids() -> list[str]:
    """Every key id held, oldest first."""
    directory = key_dir()
    if not directory.is_dir():
        return []
    return sorted(
        p.stem for p in directory.glob("*.pem") if p.is_file() and addresses.is_key_id(p.stem)
    )


def load(key_id: str) -> IssuerKey:
    """One of our keys by id; ``KeyNotFound`` if there is no such key file."""
    path = _path(key_id)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise KeyNotFound(key_id) from exc
    private_key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise KeyNotFound(key_id)
    return IssuerKey(key_id, private_key)


@contextmanager
def _locked():
    """One process at a time makes keys, so two first uses do not make two keys."""
    directory = key_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield directory
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_new(directory: Path) -> IssuerKey:
    key_id = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    while (directory / f"{key_id}.pem").exists() or (key_ids() and key_id <= key_ids()[-1]):
        key_id = f"{int(key_id[:8]):08d}T{int(key_id[9:-1]) + 1:012d}Z"
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(directory / f"{key_id}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(directory / f"{key_id}.pem", 0o600)  # whatever the umask said
    return IssuerKey(key_id, private_key)


def signing_key() -> IssuerKey:
    """The newest key, made now if there is none yet."""
    ids = key_ids()
    if ids:
        return load(ids[-1])
    with _locked() as directory:
        ids = key_ids()
        return load(ids[-1]) if ids else _write_new(directory)


def rotate() -> IssuerKey:
    """Make a new key, which signs from now on; the older ones stay for verification."""
    with _locked() as directory:
        return _write_new(directory)
