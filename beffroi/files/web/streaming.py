"""Answers that stream: a file's bytes and a folder as a zip, never held whole in memory.

Under ASGI Django buffers a *synchronous* iterator whole before sending it, so the iterator is
handed over as an asynchronous one there, each step run in the thread that owns the database
connection; under WSGI (and the test client) it stays synchronous.

The zip is written by ``zipfile`` into a sink that only counts and hands back what was written
since the last chunk: with no ``seek`` on the sink, ``zipfile`` puts each entry's sizes and CRC
in a data descriptor after its data, so nothing is buffered beyond one block.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from typing import Literal, Protocol
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

BLOCK_BYTES = 1024 * 1024
# Content already compressed gains nothing from deflate but costs CPU.
_STORED_PREFIXES = ("image/", "video/", "audio/")
_STORED_TYPES = frozenset(
    [
        "application/zip",
        "application/pdf",
        "application/gzip",
        "application/x-7z-compressed",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ]
)


def _next_chunk(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


async def _in_database_thread(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    step = sync_to_async(_next_chunk, thread_sensitive=True)
    while True:
        chunk = await step(chunks)
        if chunk is None:
            return
        yield chunk


def streaming_response(
    request: HttpRequest, chunks: Iterator[bytes], content_type: str
) -> StreamingHttpResponse:
    content: Iterator[bytes] | AsyncIterator[bytes] = chunks
    if isinstance(request, ASGIRequest):
        content = _in_database_thread(chunks)
    return StreamingHttpResponse(content, content_type=content_type)


def content_disposition(kind: str, name: str) -> str:
    """``attachment``/``inline`` with the name in ASCII and in UTF-8 (RFC 6266)."""
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


class Source(Protocol):
    """What a file's content is read from (a blob reader)."""

    def read(self, size: int = -1, /) -> bytes: ...
    def close(self) -> None: ...


def read_blocks(source: Source, limit: int | None = None) -> Iterator[bytes]:
    """``source`` in blocks (``limit`` bytes at most, if given), closing it at the end (or when
    the client goes away)."""
    left = limit
    try:
        while left is None or left > 0:
            block = source.read(BLOCK_BYTES if left is None else min(BLOCK_BYTES, left))
            if not block:
                return
            if left is not None:
                left -= len(block)
            yield block
    finally:
        source.close()


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
UNSATISFIABLE: Literal["unsatisfiable"] = "unsatisfiable"


def requested_range(
    range_header: str, if_range: str, etag: str, size: int
) -> tuple[int, int] | Literal["unsatisfiable"] | None:
    """The single byte range a client asks for, as ``(first, last)`` inclusive: ``None`` for
    the whole file (no range, several ranges, or an ``If-Range`` for another version), or
    ``UNSATISFIABLE`` for a range beyond the end (RFC 9110, section 14)."""
    found = _RANGE.fullmatch(range_header.strip())
    if found is None or (if_range and if_range != f'"{etag}"'):
        return None
    first, last = found.groups()
    if not first and not last:
        return None
    if not first:
        length = int(last)
        if length == 0 or size == 0:
            return UNSATISFIABLE
        return (max(0, size - length), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        return UNSATISFIABLE
    if end < start:
        return None
    return (start, end)


class Opener(Protocol):
    def __call__(self) -> Source: ...


class ZipEntry(Protocol):
    """A file (``open`` gives its bytes) or, with ``open`` None, an empty folder ("a/b/")."""

    @property
    def path(self) -> str: ...
    @property
    def modified_at(self) -> datetime: ...
    @property
    def content_type(self) -> str: ...
    @property
    def open(self) -> Opener | None: ...


class _Sink:
    """Where ``zipfile`` writes: keeps only what was written since the last ``take``."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._position = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    if local.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)


def _compression(content_type: str) -> int:
    if content_type in _STORED_TYPES or content_type.startswith(_STORED_PREFIXES):
        return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED


def zip_chunks(entries: Iterable[ZipEntry]) -> Iterator[bytes]:
    """A zip archive of ``entries``, produced block by block."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", allowZip64=True) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.path, date_time=_zip_time(entry.modified_at))
            if entry.open is None:
                info.external_attr = 0o40755 << 16 | 0x10
                archive.writestr(info, b"")
            else:
                info.compress_type = _compression(entry.content_type)
                info.external_attr = 0o100644 << 16
                source = entry.open()
                try:
                    with archive.open(info, "w", force_zip64=True) as target:
                        while block := source.read(BLOCK_BYTES):
                            target.write(block)
                            yield sink.take()
                finally:
                    source.close()
            yield sink.take()
    yield sink.take()
