"""The raw bytes of messages, in the drive's encrypted blob store.

A message is written as a blob before any row points to it (so nothing is ever half-written:
a failure after this leaves an unreferenced blob, which the collector removes after its grace
period); the rows then hold it through ``PROTECT`` foreign keys, which the collector honours.
Identical bytes (one message to several local recipients) are stored once.
"""

from __future__ import annotations

from beffroi.files.blobs import StoredBlob, blob_store


def store_raw(raw: bytes) -> StoredBlob:
    with blob_store().open_write() as writer:
        writer.write(raw)
        return writer.commit()


def read_raw(sha256: str) -> bytes:
    with blob_store().open_read(sha256) as reader:
        return reader.read()
