"""The encrypted format of a blob, and the writer and reader every backend shares.

An object is a header (``BFB2`` and the object's 16-byte tag, its name in the store) followed
by the content cut into fixed-size chunks, each sealed with AES-256-GCM under the blob's own
data key and a nonce made of its index; the associated data binds the index and whether it is
the last chunk, so chunks cannot be reordered, dropped or the blob truncated unnoticed. The
data key is not in the object: its key record (see ``keys``) is in the blob's database row, so
that a key rotation re-wraps it without touching the object.

A backend gives a *sink* (where a new object's bytes go until it is complete) and a *source*
(random access to a stored object's bytes); this module does the rest.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from beffroi.files.blobs import catalogue
from beffroi.files.blobs.errors import BlobError, StoredBlob
from beffroi.files.blobs.keys import TAG_BYTES

MAGIC = b"BFB2"
HEADER_BYTES = len(MAGIC) + TAG_BYTES
SEAL_BYTES = 16


def nonce(index: int) -> bytes:
    return b"\0\0\0\0" + index.to_bytes(8, "big")


def associated(index: int, last: bool) -> bytes:
    return index.to_bytes(8, "big") + (b"\1" if last else b"\0")


class Sink(Protocol):
    """Where a new object is written; nothing is visible before ``finish``."""

    def write(self, data: bytes) -> None: ...

    def finish(self) -> None:
        """Make the object whole and durable under its final name."""

    def abort(self) -> None:
        """Forget an unfinished object."""

    def remove(self) -> None:
        """Delete the finished object (the same content was already stored)."""


class Source(Protocol):
    """Random access to a stored object."""

    size: int

    def read_at(self, offset: int, length: int) -> bytes: ...

    def close(self) -> None: ...


class BlobWriter:
    """Encrypts and hashes a stream into a sink; ``commit`` makes it a blob."""

    def __init__(
        self,
        sink: Sink,
        *,
        tag: bytes,
        chunk_bytes: int,
        seal_record: Callable[[bytes], bytes],
        reseal: Callable[[bytes, bytes], bytes | None],
    ) -> None:
        self._sink = sink
        self._tag = tag
        self._chunk_bytes = chunk_bytes
        self._data_key = AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self._data_key)
        self._seal_record = seal_record
        self._reseal = reseal
        self._hash = hashlib.sha256()
        self._pending = bytearray()
        self._index = 0
        self._size = 0
        self._done = False
        self._sink.write(MAGIC + tag)

    def write(self, data: bytes) -> int:
        if self._done:
            raise BlobError("this blob writer is closed")
        self._hash.update(data)
        self._size += len(data)
        self._pending += data
        # Keep the last chunk pending: only commit knows it is the last one.
        while len(self._pending) > self._chunk_bytes:
            self._seal(bytes(self._pending[: self._chunk_bytes]), last=False)
            del self._pending[: self._chunk_bytes]
        return len(data)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        self._sink.write(
            self._aead.encrypt(nonce(self._index), chunk, associated(self._index, last))
        )
        self._index += 1

    def commit(self) -> StoredBlob:
        """Seal the last chunk, finish the object, and record it (or find it already stored)."""
        if self._done:
            raise BlobError("this blob writer is closed")
        try:
            self._seal(bytes(self._pending), last=True)
            self._pending.clear()
            self._sink.finish()
        except BaseException:
            self.abort()
            raise
        self._done = True
        sha256 = self._hash.hexdigest()
        ours = self._seal_record(self._data_key)
        try:
            record = catalogue.claim(sha256, self._size, ours)
            if record == ours:
                # A key rotation may have passed between sealing and claiming: re-seal then.
                resealed = self._reseal(self._data_key, ours)
                if resealed is not None and catalogue.replace_record(sha256, ours, resealed):
                    record = resealed
        except BaseException:
            self._sink.remove()
            raise
        if record != ours:
            self._sink.remove()  # the same content is already stored: keep that one
        return StoredBlob(sha256=sha256, size=self._size, wrapped_key=record)

    def abort(self) -> None:
        """Forget everything written: nothing becomes visible."""
        if self._done:
            return
        self._done = True
        self._pending.clear()
        self._sink.abort()

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self._done:
            self.abort()


class BlobReader(io.RawIOBase):
    """A seekable, read-only view of a blob's plaintext."""

    def __init__(self, source: Source, *, tag: bytes, data_key: bytes, chunk_bytes: int) -> None:
        super().__init__()
        self._source = source
        header = source.read_at(0, HEADER_BYTES)
        if header != MAGIC + tag:
            source.close()
            raise BlobError("damaged blob (wrong header)")
        self._aead = AESGCM(data_key)
        self._chunk_bytes = chunk_bytes
        body = source.size - HEADER_BYTES
        sealed = chunk_bytes + SEAL_BYTES
        self._chunks = max(1, -(-body // sealed))
        remainder = body - (self._chunks - 1) * sealed
        if remainder < SEAL_BYTES:
            source.close()
            raise BlobError("damaged blob (truncated)")
        self.size = (self._chunks - 1) * chunk_bytes + remainder - SEAL_BYTES
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        sealed_bytes = self._chunk_bytes + SEAL_BYTES
        sealed = self._source.read_at(HEADER_BYTES + index * sealed_bytes, sealed_bytes)
        last = index == self._chunks - 1
        try:
            plain = self._aead.decrypt(nonce(index), sealed, associated(index, last))
        except Exception as error:
            raise BlobError("a blob chunk failed authentication") from error
        self._cached = (index, plain)
        return plain

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self._position
        size = min(size, self.size - self._position)
        parts: list[bytes] = []
        while size > 0:
            index, offset = divmod(self._position, self._chunk_bytes)
            piece = self._chunk(index)[offset : offset + size]
            parts.append(piece)
            self._position += len(piece)
            size -= len(piece)
        return b"".join(parts)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._source.close()
            self._cached = None
        super().close()
