"""The blob store: file contents, encrypted at rest and addressed by their SHA-256.

One small interface, whatever the backend::

    with store.open_write() as writer:   # a temporary object, invisible until committed
        writer.write(chunk) ...
        stored = writer.commit()         # -> StoredBlob(sha256, size, wrapped_key)
    reader = store.open_read(sha256)     # seekable; a range decrypts only the chunks it touches

Each blob has its own random 256-bit data key, wrapped (AES-256-GCM) by the master key read from
``BEFFROI_MASTER_KEY_FILE``. The content is cut into fixed-size chunks, each sealed with
AES-256-GCM under a nonce made of its index; the associated data binds the index and whether it
is the last chunk, so chunks cannot be reordered, dropped or the blob truncated unnoticed.

On disk (the local backend) a blob is ``<dir>/<ab>/<sha256>``: a header (magic, wrapped key),
then the sealed chunks. It is written under ``<dir>/tmp/``, fsynced, then linked into place
(never over an existing blob) and the directory fsynced: a crash leaves at most an orphan in
``tmp/``, never a truncated blob.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

MAGIC = b"BFB1"
TAG_BYTES = 16
NONCE_BYTES = 12
WRAPPED_KEY_BYTES = NONCE_BYTES + 32 + TAG_BYTES
HEADER_BYTES = len(MAGIC) + WRAPPED_KEY_BYTES
KEY_WRAP_CONTEXT = b"beffroi-blob-key-v1"


class BlobError(Exception):
    """A blob is missing, damaged, or the master key is wrong."""


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    wrapped_key: bytes


# --- Master key -----------------------------------------------------------------------------


def _read_or_create_master_key(path: Path, *, create: bool) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not create:
            raise BlobError(f"master key file {path} is missing") from None
        key = secrets.token_bytes(32)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _read_or_create_master_key(path, create=False)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return key
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise BlobError(f"master key file {path} does not hold hexadecimal") from None
    if len(key) != 32:
        raise BlobError(f"master key file {path} must hold 32 bytes (64 hex digits)")
    return key


def master_key() -> bytes:
    """The master key: from BEFFROI_MASTER_KEY_FILE, or (development) generated once."""
    path = settings.FILES_MASTER_KEY_FILE
    if path is None:
        raise BlobError("BEFFROI_MASTER_KEY_FILE is not set")
    return _read_or_create_master_key(Path(path), create=not settings.PRODUCTION)


def wrap_key(data_key: bytes, master: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(master).encrypt(nonce, data_key, KEY_WRAP_CONTEXT)


def unwrap_key(wrapped: bytes, master: bytes) -> bytes:
    try:
        return AESGCM(master).decrypt(
            wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], KEY_WRAP_CONTEXT
        )
    except Exception as error:
        raise BlobError("cannot unwrap the data key (wrong master key?)") from error


def _nonce(index: int) -> bytes:
    return b"\0\0\0\0" + index.to_bytes(8, "big")


def _associated(index: int, last: bool) -> bytes:
    return index.to_bytes(8, "big") + (b"\1" if last else b"\0")


# --- Writing --------------------------------------------------------------------------------


class BlobWriter:
    """Encrypts and hashes a stream into a temporary file; ``commit`` makes it a blob."""

    def __init__(self, root: Path, chunk_bytes: int, master: bytes) -> None:
        self._root = root
        self._chunk_bytes = chunk_bytes
        self._data_key = AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self._data_key)
        self._wrapped = wrap_key(self._data_key, master)
        self._hash = hashlib.sha256()
        self._pending = bytearray()
        self._index = 0
        self._size = 0
        self._done = False
        temporary = root / "tmp"
        temporary.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._temporary_path = temporary / f"{uuid.uuid4().hex}.part"
        self._file: BinaryIO = open(self._temporary_path, "xb")  # noqa: SIM115
        self._file.write(MAGIC + self._wrapped)

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
        sealed = self._aead.encrypt(_nonce(self._index), chunk, _associated(self._index, last))
        self._file.write(sealed)
        self._index += 1

    def commit(self) -> StoredBlob:
        """Seal the last chunk, flush to disk and link the blob into place."""
        if self._done:
            raise BlobError("this blob writer is closed")
        try:
            self._seal(bytes(self._pending), last=True)
            self._pending.clear()
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            sha256 = self._hash.hexdigest()
            final = _blob_path(self._root, sha256)
            final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            try:
                # A link never replaces: the same content stored twice at once keeps one copy.
                os.link(self._temporary_path, final)
                _fsync_directory(final.parent)
                wrapped = self._wrapped
            except FileExistsError:
                wrapped = _read_header(final)
        except BaseException:
            self.abort()
            raise
        self._discard()
        return StoredBlob(sha256=sha256, size=self._size, wrapped_key=wrapped)

    def abort(self) -> None:
        """Forget everything written: nothing becomes visible."""
        self._discard()

    def _discard(self) -> None:
        self._done = True
        self._pending.clear()
        if not self._file.closed:
            self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self._temporary_path.unlink()

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


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _blob_path(root: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise BlobError("not a SHA-256 address")
    return root / sha256[:2] / sha256


def _read_header(path: Path) -> bytes:
    with open(path, "rb") as handle:
        header = handle.read(HEADER_BYTES)
    if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
        raise BlobError(f"damaged blob {path.name}")
    return header[len(MAGIC) :]


# --- Reading --------------------------------------------------------------------------------


class BlobReader(io.RawIOBase):
    """A seekable, read-only view of a blob's plaintext."""

    def __init__(self, path: Path, chunk_bytes: int, master: bytes) -> None:
        super().__init__()
        self._file: BinaryIO = open(path, "rb")  # noqa: SIM115
        header = self._file.read(HEADER_BYTES)
        if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
            self._file.close()
            raise BlobError(f"damaged blob {path.name}")
        self._aead = AESGCM(unwrap_key(header[len(MAGIC) :], master))
        self._chunk_bytes = chunk_bytes
        body = os.fstat(self._file.fileno()).st_size - HEADER_BYTES
        sealed = chunk_bytes + TAG_BYTES
        self._chunks = max(1, -(-body // sealed))
        remainder = body - (self._chunks - 1) * sealed
        if remainder < TAG_BYTES:
            self._file.close()
            raise BlobError(f"damaged blob {path.name}")
        self.size = (self._chunks - 1) * chunk_bytes + remainder - TAG_BYTES
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
        self._file.seek(HEADER_BYTES + index * (self._chunk_bytes + TAG_BYTES))
        sealed = self._file.read(self._chunk_bytes + TAG_BYTES)
        last = index == self._chunks - 1
        try:
            plain = self._aead.decrypt(_nonce(index), sealed, _associated(index, last))
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
        self._file.close()
        self._cached = None
        super().close()


# --- The store ------------------------------------------------------------------------------


class LocalBlobStore:
    """Blobs under a directory of the local disk (``BEFFROI_DATA_DIR/blobs`` by default)."""

    def __init__(self, root: Path, *, chunk_bytes: int, master: bytes) -> None:
        self.root = root
        self.chunk_bytes = chunk_bytes
        self._master = master

    def open_write(self) -> BlobWriter:
        return BlobWriter(self.root, self.chunk_bytes, self._master)

    def open_read(self, sha256: str) -> BlobReader:
        path = _blob_path(self.root, sha256)
        try:
            return BlobReader(path, self.chunk_bytes, self._master)
        except FileNotFoundError:
            raise BlobError(f"blob {sha256} is missing") from None

    def read_range(self, sha256: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` (exclusive) of the plaintext."""
        with self.open_read(sha256) as reader:
            reader.seek(start)
            return reader.read(max(0, end - start))

    def exists(self, sha256: str) -> bool:
        return _blob_path(self.root, sha256).exists()

    def path_of(self, sha256: str) -> Path:
        return _blob_path(self.root, sha256)


def blob_store() -> LocalBlobStore:
    """The configured store (read from the settings each time, so tests can move it)."""
    return LocalBlobStore(
        Path(settings.FILES_BLOB_DIR),
        chunk_bytes=settings.FILES_CHUNK_BYTES,
        master=master_key(),
    )
