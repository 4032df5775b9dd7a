"""The blobs' rows: which content is stored, under which object, with which key record.

A blob's row is written by the store when the object is complete (``claim``), before any
version points to it. Its ``created_at`` is the time it was last *claimed*: storing content
that is already there claims the existing row again, which tells the garbage collector that an
upload is about to point a version at it (see ``collect``).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from beffroi.files.blobs.errors import BlobError
from beffroi.files.models import Blob


def _record_of(sha256: str) -> bytes | None:
    found = Blob.objects.filter(sha256=sha256).values_list("wrapped_key", flat=True).first()
    return None if found is None else bytes(found)


def claim(sha256: str, size: int, record: bytes) -> bytes:
    """Record a new blob with ``record``, or, when the content is already stored, mark its row
    as claimed now and return its record (then the caller's object is a duplicate)."""
    with transaction.atomic():
        if Blob.objects.filter(sha256=sha256).update(created_at=timezone.now()):
            found = _record_of(sha256)
            if found is not None:
                return found
        try:
            with transaction.atomic():
                Blob.objects.create(sha256=sha256, size=size, wrapped_key=record)
        except IntegrityError:
            # Stored at the same moment by another upload: theirs is the one.
            found = _record_of(sha256)
            if found is None:
                raise
            return found
    return record


def replace_record(sha256: str, old: bytes, new: bytes) -> bool:
    """Swap a blob's key record, unless someone changed it since it was read."""
    return bool(Blob.objects.filter(sha256=sha256, wrapped_key=old).update(wrapped_key=new))


def record_of(sha256: str) -> bytes:
    """The key record of a stored blob."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise BlobError("not a SHA-256 address")
    found = _record_of(sha256)
    if found is None:
        raise BlobError(f"blob {sha256} is missing")
    return found
