"""Master keys: the keyring file, key ids, and the wrapping of data keys.

The keyring is the file named by ``BEFFROI_MASTER_KEY_FILE``: one master key per line, 64
hexadecimal digits, the first line being the current one; blank lines and ``#`` comments are
ignored. A file holding a single key (the original format) is a keyring of one. Other lines
are retired keys that some wrapped keys may still use during a rotation.

A key id is the first 8 bytes of a hash of the key: it names the key without revealing it, and
is stored in every wrapped key, so that a reader picks the right master key whatever the
rotation has reached. A wrapped key ("key record") is::

    0x02 | key id (8) | object tag (16) | nonce (12) | AES-256-GCM(data key) (48)

The associated data binds the key id and the tag (the name of the blob's object), so a record
cannot be moved onto another blob. Records of the first format (nonce and ciphertext only,
60 bytes) are still opened, with whichever key of the keyring authenticates them.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from beffroi.files.blobs.errors import BlobError

NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID_BYTES = 8
RECORD_VERSION = b"\x02"
LEGACY_RECORD_BYTES = NONCE_BYTES + 32 + 16
RECORD_BYTES = 1 + KEY_ID_BYTES + TAG_BYTES + LEGACY_RECORD_BYTES
KEY_WRAP_CONTEXT = b"beffroi-blob-key-v1"
NO_TAG = bytes(TAG_BYTES)


def key_id(key: bytes) -> bytes:
    """The public name of a master key."""
    return hashlib.sha256(b"beffroi-master-key-id\0" + key).digest()[:KEY_ID_BYTES]


@dataclass(frozen=True)
class Keyring:
    """The master keys, current first."""

    keys: tuple[bytes, ...]

    @property
    def current(self) -> bytes:
        return self.keys[0]

    @property
    def current_id(self) -> bytes:
        return key_id(self.current)

    def find(self, identifier: bytes) -> bytes:
        for key in self.keys:
            if key_id(key) == identifier:
                return key
        raise BlobError(f"master key {identifier.hex()} is not in the keyring")


def _parse(path: Path, text: str) -> Keyring:
    keys: list[bytes] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            key = bytes.fromhex(line)
        except ValueError:
            raise BlobError(f"master key file {path} does not hold hexadecimal") from None
        if len(key) != 32:
            raise BlobError(f"master key file {path} must hold 32 bytes (64 hex digits) a line")
        if key not in keys:
            keys.append(key)
    if not keys:
        raise BlobError(f"master key file {path} holds no key")
    return Keyring(tuple(keys))


def write_keyring(path: Path, keyring: Keyring) -> None:
    """Replace the keyring file atomically (a temporary file, fsynced, renamed; mode 0600):
    a crash leaves either the old keyring or the new one, whole."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write("# Beffroi master keys: the first is current, the others retired.\n")
            handle.writelines(key.hex() + "\n" for key in keyring.keys)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _read_or_create(path: Path, *, create: bool) -> Keyring:
    try:
        return _parse(path, path.read_text(encoding="ascii"))
    except FileNotFoundError:
        if not create:
            raise BlobError(f"master key file {path} is missing") from None
    key = secrets.token_bytes(32)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_or_create(path, create=False)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return Keyring((key,))


def keyring_path() -> Path:
    path = settings.FILES_MASTER_KEY_FILE
    if path is None:
        raise BlobError("BEFFROI_MASTER_KEY_FILE is not set")
    return Path(path)


def keyring() -> Keyring:
    """The keyring: from BEFFROI_MASTER_KEY_FILE, or (development) generated once."""
    return _read_or_create(keyring_path(), create=not settings.PRODUCTION)


def master_key() -> bytes:
    """The current master key."""
    return keyring().current


# --- Key records ----------------------------------------------------------------------------


def seal_key(data_key: bytes, master: bytes, tag: bytes = NO_TAG) -> bytes:
    """A key record: ``data_key`` wrapped by ``master`` for the object named by ``tag``."""
    identifier = key_id(master)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(master).encrypt(nonce, data_key, KEY_WRAP_CONTEXT + identifier + tag)
    return RECORD_VERSION + identifier + tag + nonce + sealed


def record_key_id(record: bytes) -> bytes | None:
    """The id of the master key a record was wrapped with (None for a first-format record)."""
    if len(record) == RECORD_BYTES and record[:1] == RECORD_VERSION:
        return record[1 : 1 + KEY_ID_BYTES]
    return None


def record_tag(record: bytes) -> bytes:
    """The name of the object a record opens (zeros for a record not bound to an object)."""
    if record_key_id(record) is None:
        return NO_TAG
    return record[1 + KEY_ID_BYTES : 1 + KEY_ID_BYTES + TAG_BYTES]


def _open_legacy(record: bytes, ring: Keyring) -> bytes:
    """A first-format record names no key: the one that authenticates it wrapped it."""
    if len(record) != LEGACY_RECORD_BYTES:
        raise BlobError("not a key record")
    for key in ring.keys:
        try:
            return AESGCM(key).decrypt(record[:NONCE_BYTES], record[NONCE_BYTES:], KEY_WRAP_CONTEXT)
        except InvalidTag:
            continue
    raise BlobError("cannot unwrap the data key (wrong master key?)")


def open_key(record: bytes, ring: Keyring | None = None) -> bytes:
    """The data key inside ``record``, with whichever key of the keyring wrapped it."""
    ring = keyring() if ring is None else ring
    identifier = record_key_id(record)
    try:
        if identifier is None:
            return _open_legacy(record, ring)
        tag = record_tag(record)
        body = record[1 + KEY_ID_BYTES + TAG_BYTES :]
        return AESGCM(ring.find(identifier)).decrypt(
            body[:NONCE_BYTES], body[NONCE_BYTES:], KEY_WRAP_CONTEXT + identifier + tag
        )
    except BlobError:
        raise
    except Exception as error:
        raise BlobError("cannot unwrap the data key (wrong master key?)") from error


def wrap_key(data_key: bytes, master: bytes) -> bytes:
    """A key record for ``data_key`` bound to no object (resumable uploads use these)."""
    return seal_key(data_key, master)


def unwrap_key(wrapped: bytes, master: bytes) -> bytes:
    """The data key of ``wrapped``: with ``master`` when it wrapped it, else with the keyring
    (the record may have been re-wrapped by a rotation since it was read)."""
    identifier = record_key_id(wrapped)
    if identifier is None or identifier == key_id(master):
        return open_key(wrapped, Keyring((master,)))
    return open_key(wrapped)
