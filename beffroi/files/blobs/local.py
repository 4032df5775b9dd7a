"""Blobs on the local disk (the default): ``<dir>/<ab>/<tag>``, uploads under ``<dir>/tmp/``.

A new object is written to ``tmp/<tag>.part``, fsynced, then renamed into place and the
directory fsynced: a crash leaves at most a temporary file, never a truncated object.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from beffroi.files.blobs.errors import BlobError
from beffroi.files.blobs.store import BlobStore, Leftover, StoredObject

_HEX = frozenset("0123456789abcdef")


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


class _FileSink:
    def __init__(self, temporary: Path, final: Path) -> None:
        self._temporary = temporary
        self._final = final
        temporary.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._file: BinaryIO = open(temporary, "xb")  # noqa: SIM115

    def write(self, data: bytes) -> None:
        self._file.write(data)

    def finish(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(self._temporary, self._final)
        _fsync_directory(self._final.parent)

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._temporary.unlink(missing_ok=True)

    def remove(self) -> None:
        self._final.unlink(missing_ok=True)


class _FileSource:
    def __init__(self, path: Path) -> None:
        try:
            self._descriptor = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            raise BlobError(f"blob object {path.name} is missing") from None
        self.size = os.fstat(self._descriptor).st_size

    def read_at(self, offset: int, length: int) -> bytes:
        return os.pread(self._descriptor, length, offset)

    def close(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1


class LocalBlobStore(BlobStore):
    """Blobs under a directory of the local disk (``BEFFROI_DATA_DIR/blobs`` by default)."""

    def __init__(self, root: Path, *, chunk_bytes: int) -> None:
        super().__init__(chunk_bytes=chunk_bytes)
        self.root = root

    def _object_path(self, tag: bytes) -> Path:
        name = tag.hex()
        return self.root / name[:2] / name

    def _sink(self, tag: bytes) -> _FileSink:
        return _FileSink(self.root / "tmp" / f"{tag.hex()}.part", self._object_path(tag))

    def _source(self, tag: bytes) -> _FileSource:
        return _FileSource(self._object_path(tag))

    def path_of(self, sha256: str) -> Path:
        """The file holding the blob ``sha256`` (ciphertext)."""
        return self._object_path(self.tag_of(sha256))

    def objects(self) -> Iterator[StoredObject]:
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if len(folder.name) != 2 or not set(folder.name) <= _HEX or not folder.is_dir():
                continue
            for path in folder.iterdir():
                if len(path.name) == 32 and set(path.name) <= _HEX:
                    with contextlib.suppress(FileNotFoundError):
                        yield StoredObject(bytes.fromhex(path.name), _modified(path))

    def delete_object(self, tag: bytes) -> None:
        self._object_path(tag).unlink(missing_ok=True)

    def leftovers(self) -> Iterator[Leftover]:
        temporary = self.root / "tmp"
        if not temporary.is_dir():
            return
        for path in temporary.iterdir():
            with contextlib.suppress(FileNotFoundError):
                yield Leftover(path.name, _modified(path))

    def delete_leftover(self, leftover: Leftover) -> None:
        (self.root / "tmp" / leftover.name).unlink(missing_ok=True)
