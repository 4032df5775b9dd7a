"""The blob store: file contents, encrypted at rest and addressed by their SHA-256.

One small interface, whatever the backend (local disk by default, an S3-compatible store when
``BEFFROI_S3_BUCKET`` is set)::

    with store.open_write() as writer:   # a temporary object, invisible until committed
        writer.write(chunk) ...
        stored = writer.commit()         # -> StoredBlob(sha256, size, wrapped_key)
    reader = store.open_read(sha256)     # seekable; a range decrypts only the chunks it touches

Each blob has its own random 256-bit data key. Its key record (the data key wrapped by the
current master key, with that key's id) lives in the blob's database row, not in the object, so
``beffroi keys rotate`` re-wraps every data key without rewriting any data. Identical content is
stored once. The modules: ``keys`` (keyring and key records), ``sealed`` (the encrypted format,
writer and reader), ``store`` (what backends share), ``local`` and ``s3`` (the backends),
``catalogue`` (the rows), ``collect`` (garbage collection), ``rotation`` (key rotation).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from beffroi.files.blobs.errors import BlobError, StoredBlob
from beffroi.files.blobs.keys import master_key, unwrap_key, wrap_key
from beffroi.files.blobs.local import LocalBlobStore
from beffroi.files.blobs.s3 import S3BlobStore, S3Location
from beffroi.files.blobs.sealed import BlobReader, BlobWriter
from beffroi.files.blobs.store import BlobStore

__all__ = [
    "BlobError",
    "BlobReader",
    "BlobStore",
    "BlobWriter",
    "LocalBlobStore",
    "S3BlobStore",
    "StoredBlob",
    "blob_store",
    "master_key",
    "unwrap_key",
    "wrap_key",
]


def blob_store() -> BlobStore:
    """The configured store (read from the settings each time, so tests can move it)."""
    s3 = settings.FILES_S3
    if s3 is not None:
        return S3BlobStore(S3Location(**s3), chunk_bytes=settings.FILES_CHUNK_BYTES)
    return LocalBlobStore(Path(settings.FILES_BLOB_DIR), chunk_bytes=settings.FILES_CHUNK_BYTES)
