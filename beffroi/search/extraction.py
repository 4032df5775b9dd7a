"""The text of a document, for the index: plain text, Markdown, CSV, PDF, OpenDocument
(odt, ods, odp) and Office (docx, xlsx, pptx).

Run by the worker, never in a request. Every limit is checked before the work it bounds, so a
zip bomb, a 500-page PDF or a hostile XML file costs at most: ``MAX_SOURCE_BYTES`` read,
``MAX_XML_BYTES`` decompressed (read in a bounded way: a zip's declared sizes are not trusted),
``MAX_PDF_PAGES`` pages, ``TIME_LIMIT_SECONDS`` (checked between pages and parts), and
``MAX_BODY_CHARS`` of text kept. XML goes through defusedxml (no entities, no external
references). A file beyond a limit keeps the text read so far, or only its name.
"""

from __future__ import annotations

import io
import logging
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from defusedxml import ElementTree

from beffroi.search.documents import MAX_BODY_CHARS

logger = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 50 * 1024 * 1024
MAX_TEXT_BYTES = 4 * MAX_BODY_CHARS
MAX_XML_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_PDF_PAGES = 300
TIME_LIMIT_SECONDS = 30.0

TEXT_EXTENSIONS = frozenset(["txt", "text", "md", "markdown", "csv", "tsv", "log"])
PDF = "pdf"
OPENDOCUMENT = frozenset(["odt", "ods", "odp", "ott", "ots", "otp"])
OFFICE = frozenset(["docx", "xlsx", "pptx"])
SUPPORTED = TEXT_EXTENSIONS | OPENDOCUMENT | OFFICE | {PDF}


@dataclass(frozen=True)
class Extracted:
    text: str
    # Why the text is missing or partial: "" when complete.
    reason: str = ""


class _Limit(Exception):
    """A limit was reached: keep what was read."""


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def extractable(name: str) -> bool:
    """Whether the index reads the content of a file called ``name``."""
    return extension(name) in SUPPORTED


class _Budget:
    def __init__(self) -> None:
        self.deadline = time.monotonic() + TIME_LIMIT_SECONDS
        self.pieces: list[str] = []
        self.size = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Limit("time limit")

    def add(self, text: str) -> None:
        if not text:
            return
        self.pieces.append(text)
        self.size += len(text)
        if self.size >= MAX_BODY_CHARS:
            raise _Limit("text limit")

    @property
    def text(self) -> str:
        return "".join(self.pieces)[:MAX_BODY_CHARS]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets exported on Windows: cp1252 reads every byte but five; latin-1 all.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _plain(source: IO[bytes], budget: _Budget) -> None:
    data = source.read(MAX_TEXT_BYTES)
    # A multi-byte character cut at the limit is dropped, not misread.
    budget.add(_decode(data) if len(data) < MAX_TEXT_BYTES else _decode_cut(data))


def _decode_cut(data: bytes) -> str:
    try:
        return data.decode("utf-8", errors="ignore")
    except UnicodeDecodeError:  # pragma: no cover - errors="ignore" never raises
        return ""


def _pdf(source: IO[bytes], budget: _Budget) -> None:
    from pypdf import PdfReader

    reader = PdfReader(source)
    if reader.is_encrypted and not reader.decrypt(""):
        raise _Limit("encrypted")
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES:
            raise _Limit("page limit")
        budget.check_time()
        budget.add(page.extract_text() + "\n")


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member of ``archive``, read no further than ``MAX_XML_BYTES`` whatever it declares."""
    with archive.open(name) as member:
        data = member.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise _Limit("decompressed size limit")
    return data


def _xml_text(
    data: bytes,
    budget: _Budget,
    *,
    only: frozenset[str] | None = None,
    breaks: frozenset[str] = frozenset(["p", "h"]),
) -> None:
    """The text of an XML document: every text node, or only those of elements named in
    ``only`` (local names); a line break after each element named in ``breaks``."""
    root = ElementTree.fromstring(data)
    pieces: list[str] = []
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        name = str(element.tag).rsplit("}", 1)[-1]  # type: ignore[attr-defined]
        if closing:
            if name in breaks:
                pieces.append("\n")
            elif name in ("tab", "s", "line-break", "br"):
                pieces.append(" ")
            if only is None and element.tail:  # type: ignore[attr-defined]
                pieces.append(element.tail)  # type: ignore[attr-defined]
            continue
        if (only is None or name in only) and element.text:  # type: ignore[attr-defined]
            pieces.append(element.text)  # type: ignore[attr-defined]
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(list(element)))  # type: ignore[call-overload]
    budget.add("".join(pieces))


def _zip_parts(source: IO[bytes], pick: Callable[[list[str]], list[str]]) -> list[bytes]:
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
        if len(names) > MAX_ZIP_MEMBERS:
            raise _Limit("too many parts")
        return [_member(archive, name) for name in pick(names)]


def _opendocument(source: IO[bytes], budget: _Budget) -> None:
    for part in _zip_parts(source, lambda names: [n for n in names if n == "content.xml"]):
        _xml_text(part, budget)


def _numbered(names: list[str], prefix: str) -> list[str]:
    found = [n for n in names if n.startswith(prefix) and n.endswith(".xml")]
    return sorted(
        found, key=lambda n: int("".join(c for c in n[len(prefix) :] if c.isdigit()) or 0)
    )


def _office(kind: str, source: IO[bytes], budget: _Budget) -> None:
    if kind == "docx":
        parts = _zip_parts(source, lambda names: [n for n in names if n == "word/document.xml"])
        only, breaks = frozenset(["t"]), frozenset(["p"])
    elif kind == "xlsx":
        parts = _zip_parts(source, lambda names: [n for n in names if n == "xl/sharedStrings.xml"])
        only, breaks = frozenset(["t"]), frozenset(["si"])
    else:
        parts = _zip_parts(source, lambda names: _numbered(names, "ppt/slides/slide"))
        only, breaks = frozenset(["t"]), frozenset(["p"])
    for part in parts:
        budget.check_time()
        _xml_text(part, budget, only=only, breaks=breaks)


def extract(name: str, source: IO[bytes], size: int) -> Extracted:
    """The text of the file called ``name`` whose content ``source`` (seekable) holds."""
    kind = extension(name)
    if kind not in SUPPORTED:
        return Extracted("", "unsupported")
    if size > MAX_SOURCE_BYTES:
        return Extracted("", "too large")
    budget = _Budget()
    reason = ""
    try:
        if kind in TEXT_EXTENSIONS:
            _plain(source, budget)
        elif kind == PDF:
            _pdf(source, budget)
        elif kind in OPENDOCUMENT:
            _opendocument(source, budget)
        else:
            _office(kind, source, budget)
    except _Limit as limit:
        reason = str(limit)
    except Exception as error:  # a damaged or hostile file: its name is still indexed
        logger.info("no text extracted from %s: %s", kind, error)
        reason = f"unreadable: {type(error).__name__}"
    return Extracted(budget.text, reason)


def extract_bytes(name: str, data: bytes) -> Extracted:
    return extract(name, io.BytesIO(data), len(data))
