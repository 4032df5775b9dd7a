"""What every backend shares: naming objects, sealing records, opening blobs by address.

A new object gets a random 16-byte tag as its name, known before its content (so that an S3
multipart upload can go straight to its final key, with no copy afterwards). Its content
address, the SHA-256 of the plaintext, is known at the end; the blob's row then maps the address
to the tag through the key record. Two uploads of the same content at once write two objects,
and the row decides which one is the blob; the other is deleted at once (or, after a crash, by
the garbage collector).
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from beffroi.files.blobs import catalogue
from beffroi.files.blobs.errors import BlobError
from beffroi.files.blobs.keys import (
    NO_TAG,
    TAG_BYTES,
    keyring,
    open_key,
    record_key_id,
    record_tag,
    seal_key,
)
from beffroi.files.blobs.sealed import BlobReader, BlobWriter, Sink, Source


@dataclass(frozen=True)
class StoredObject:
    """An object in the store: its tag and when it was last written."""

    tag: bytes
    modified_at: datetime


@dataclass(frozen=True)
class Leftover:
    """The remains of an upload that never finished, and when it was last written to."""

    name: str
    modified_at: datetime


class BlobStore(ABC):
    """Encrypted, content-addressed blobs; see ``beffroi.files.blobs``."""

    def __init__(self, *, chunk_bytes: int) -> None:
        self.chunk_bytes = chunk_bytes

    # --- What a backend provides ------------------------------------------------------------

    @abstractmethod
    def _sink(self, tag: bytes) -> Sink: ...

    @abstractmethod
    def _source(self, tag: bytes) -> Source:
        """Raises ``BlobError`` when the object is missing."""

    @abstractmethod
    def objects(self) -> Iterator[StoredObject]:
        """Every finished object."""

    @abstractmethod
    def delete_object(self, tag: bytes) -> None: ...

    @abstractmethod
    def leftovers(self) -> Iterator[Leftover]:
        """Unfinished uploads (temporary files, incomplete multipart uploads)."""

    @abstractmethod
    def delete_leftover(self, leftover: Leftover) -> None: ...

    # --- The interface ----------------------------------------------------------------------

    def open_write(self) -> BlobWriter:
        """A writer into a new object, invisible until ``commit``."""
        tag = secrets.token_bytes(TAG_BYTES)

        def seal(data_key: bytes) -> bytes:
            return seal_key(data_key, keyring().current, tag)

        def reseal(data_key: bytes, record: bytes) -> bytes | None:
            ring = keyring()
            if record_key_id(record) == ring.current_id:
                return None
            return seal_key(data_key, ring.current, tag)

        return BlobWriter(
            self._sink(tag),
            tag=tag,
            chunk_bytes=self.chunk_bytes,
            seal_record=seal,
            reseal=reseal,
        )

    def open_read(self, sha256: str) -> BlobReader:
        """A seekable reader of the blob's plaintext; a range decrypts only what it touches."""
        record = catalogue.record_of(sha256)
        tag = record_tag(record)
        if tag == NO_TAG:
            raise BlobError(f"blob {sha256} is in a format this version no longer reads")
        data_key = open_key(record)
        return BlobReader(
            self._source(tag), tag=tag, data_key=data_key, chunk_bytes=self.chunk_bytes
        )

    def read_range(self, sha256: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` (exclusive) of the plaintext."""
        with self.open_read(sha256) as reader:
            reader.seek(start)
            return reader.read(max(0, end - start))

    def exists(self, sha256: str) -> bool:
        try:
            catalogue.record_of(sha256)
        except BlobError:
            return False
        return True

    def tag_of(self, sha256: str) -> bytes:
        """The name of the object holding the blob ``sha256``."""
        return record_tag(catalogue.record_of(sha256))
