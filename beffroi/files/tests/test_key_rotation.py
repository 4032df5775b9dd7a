"""``beffroi keys rotate`` on the local disk and on S3 (SeaweedFS): a new master key wraps every
data key, no data is rewritten, and a rotation cut short still leaves everything readable."""

from __future__ import annotations

import stat

import pytest
from django.core.management import call_command

from beffroi.audit.models import AuditEvent
from beffroi.files.blobs import blob_store
from beffroi.files.blobs.keys import (
    Keyring,
    key_id,
    keyring,
    open_key,
    record_tag,
    seal_key,
    write_keyring,
)
from beffroi.files.blobs.rotation import rotate_master_key
from beffroi.files.models import Blob

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("blob_backend")]

MINUTES = b"Proces-verbal du conseil municipal. " * 4000


def _store(content: bytes):
    with blob_store().open_write() as writer:
        writer.write(content)
        return writer.commit()


def _read(sha256: str) -> bytes:
    with blob_store().open_read(sha256) as reader:
        return reader.read()


def _objects() -> dict[bytes, object]:
    return {stored.tag: stored.modified_at for stored in blob_store().objects()}


def test_a_rotation_rewraps_every_data_key_and_retires_the_old_master_key(settings, capsys):
    """After ``keys rotate`` the key file holds one new key (mode 0600), every blob reads back
    with it alone, no object was rewritten, and the rotation is in the audit trail."""
    first, second = _store(MINUTES), _store(b"Budget primitif")
    old = keyring().current
    objects_before = _objects()

    call_command("keys", "rotate")

    path = settings.FILES_MASTER_KEY_FILE
    ring = keyring()
    assert ring.keys != (old,)
    assert len(ring.keys) == 1
    assert old.hex() not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _read(first.sha256) == MINUTES
    assert _read(second.sha256) == b"Budget primitif"
    assert _objects() == objects_before
    for record in Blob.objects.values_list("wrapped_key", flat=True):
        assert bytes(record)[1:9] == ring.current_id
    event = AuditEvent.objects.get(action="files.keys.rotated")
    assert event.details["rewrapped"] == 2
    assert event.details["key_id"] == ring.current_id.hex()
    assert "Clé maîtresse renouvelée" in capsys.readouterr().out


def test_a_rotation_cut_short_leaves_everything_readable_and_a_rerun_finishes_it(settings):
    """Killed after writing the new keyring and re-wrapping only part of the keys, every blob
    still reads; running the command again ends on the same new key, the old one retired."""
    first, second = _store(MINUTES), _store(b"Budget primitif")
    path = settings.FILES_MASTER_KEY_FILE
    old = keyring().current
    new = bytes(range(32))
    # The state a rotation killed half-way leaves: both keys, one record re-wrapped.
    write_keyring(path, Keyring((new, old)))
    half = Blob.objects.get(sha256=first.sha256)
    record = bytes(half.wrapped_key)
    half.wrapped_key = seal_key(open_key(record), new, record_tag(record))
    half.save(update_fields=["wrapped_key"])

    assert _read(first.sha256) == MINUTES
    assert _read(second.sha256) == b"Budget primitif"

    rotation = rotate_master_key()

    assert rotation.resumed
    assert rotation.key_id == key_id(new).hex()
    assert rotation.rewrapped == 1
    assert keyring().keys == (new,)
    assert _read(first.sha256) == MINUTES
    assert _read(second.sha256) == b"Budget primitif"


def test_new_uploads_after_a_rotation_use_the_new_key():
    """A blob stored after the rotation is wrapped by the new key and reads back."""
    rotate_master_key()
    stored = _store(b"Deliberation 2026-04")

    assert bytes(Blob.objects.get(sha256=stored.sha256).wrapped_key)[1:9] == keyring().current_id
    assert _read(stored.sha256) == b"Deliberation 2026-04"
