"""What the blob store returns and raises, whatever the backend."""

from __future__ import annotations

from dataclasses import dataclass


class BlobError(Exception):
    """A blob is missing, damaged, or the master key is wrong."""


@dataclass(frozen=True)
class StoredBlob:
    """A committed blob: its address, its plaintext size, and its key record."""

    sha256: str
    size: int
    wrapped_key: bytes
