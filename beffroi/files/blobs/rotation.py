"""``beffroi keys rotate``: a new master key, every data key re-wrapped, no data rewritten.

Each key record names the master key that wrapped it (its key id), and the keyring file may
hold several keys, the current one first. A rotation:

1. writes the keyring ``[new, old…]`` atomically (new file, fsync, rename; mode 0600): from then
   on every new record is wrapped by the new key and every old record still opens;
2. re-wraps each record (blobs, and resumable uploads in progress) not under the new key, one
   compare-and-swap update at a time, then makes a second pass for records written with the
   old key while the first ran (an upload finishing during a rotation also re-seals its own
   record if the key changed under it, see ``sealed.BlobWriter.commit``);
3. writes the keyring ``[new]``: the old key is no longer needed.

Killed at any point, every record still opens (its key is in the keyring), and running the
command again finishes the rotation under the same new key instead of starting another.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import models, transaction

from beffroi.audit.actions import record
from beffroi.files.blobs.errors import BlobError
from beffroi.files.blobs.keys import (
    Keyring,
    keyring,
    keyring_path,
    open_key,
    record_key_id,
    record_tag,
    seal_key,
    write_keyring,
)
from beffroi.files.models import Blob, UploadSession

BATCH = 500

# Every model holding key records in a ``wrapped_key`` column: the drive's, and those other
# apps register (the mail domains' DKIM keys) with ``register_key_records``.
_KEY_RECORD_MODELS: list[type[models.Model]] = [Blob, UploadSession]


def register_key_records(model: type[models.Model]) -> None:
    """Have ``beffroi keys rotate`` re-wrap the key records of ``model`` too."""
    if model not in _KEY_RECORD_MODELS:
        _KEY_RECORD_MODELS.append(model)


@dataclass(frozen=True)
class Rotation:
    key_id: str
    rewrapped: int
    retired: int
    resumed: bool


def _rewrap(model: type[models.Model], ring: Keyring) -> int:
    """Re-wrap every record of ``model`` under the current key; how many were."""
    current = ring.current_id
    stale = [
        (pk, bytes(wrapped))
        for pk, wrapped in model._default_manager.values_list("pk", "wrapped_key").iterator()
        if record_key_id(bytes(wrapped)) != current
    ]
    done = 0
    for start in range(0, len(stale), BATCH):
        with transaction.atomic():
            for pk, wrapped in stale[start : start + BATCH]:
                new = seal_key(open_key(wrapped, ring), ring.current, record_tag(wrapped))
                # Compare and swap: a record changed meanwhile is left to the second pass.
                done += model._default_manager.filter(pk=pk, wrapped_key=wrapped).update(
                    wrapped_key=new
                )
    return done


def _remaining(ring: Keyring) -> int:
    return sum(
        record_key_id(bytes(wrapped)) != ring.current_id
        for model in _KEY_RECORD_MODELS
        for wrapped in model._default_manager.values_list("wrapped_key", flat=True).iterator()
    )


def rotate_master_key() -> Rotation:
    """Rotate (or finish an interrupted rotation), and record it in the audit trail."""
    path = keyring_path()
    ring = keyring()
    resumed = len(ring.keys) > 1
    if not resumed:
        ring = Keyring((secrets.token_bytes(32), *ring.keys))
        write_keyring(path, ring)
    rewrapped = 0
    for _ in range(2):
        for model in _KEY_RECORD_MODELS:
            rewrapped += _rewrap(model, ring)
    if _remaining(ring):
        raise BlobError("some key records changed during the rotation: run it again")
    write_keyring(path, Keyring((ring.current,)))
    rotation = Rotation(
        key_id=ring.current_id.hex(),
        rewrapped=rewrapped,
        retired=len(ring.keys) - 1,
        resumed=resumed,
    )
    record(
        "files.keys.rotated",
        details={
            "key_id": rotation.key_id,
            "rewrapped": rotation.rewrapped,
            "retired": rotation.retired,
            "resumed": rotation.resumed,
        },
    )
    return rotation
