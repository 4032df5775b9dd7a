"""Snippets: a short extract of the ORIGINAL text around the first word that matched, escaped,
with every matching word wrapped in ``<mark>``. Built in Python, the same on both engines."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from beffroi.search import french
from beffroi.search.query import Query

_WORD = french.WORD
SNIPPET_CHARS = 220
# How much text comes before the first matched word.
_LEAD_CHARS = 60
_SPACES = re.compile(r"\s+")


def _first_match(text: str, query: Query) -> re.Match[str] | None:
    for found in _WORD.finditer(text):
        if query.marks(french.term_of(found.group())):
            return found
    return None


def _marked(text: str, query: Query) -> str:
    pieces: list[str] = []
    at = 0
    for found in _WORD.finditer(text):
        pieces.append(escape(text[at : found.start()]))
        word = escape(found.group())
        pieces.append(
            f"<mark>{word}</mark>" if query.marks(french.term_of(found.group())) else word
        )
        at = found.end()
    pieces.append(escape(text[at:]))
    return "".join(pieces)


def highlight(text: str, query: Query) -> SafeString:
    """All of ``text`` (a title), escaped, matching words marked."""
    return mark_safe(_marked(text, query))  # noqa: S308 - every piece of text is escaped


def snippet(text: str, query: Query, *, size: int = SNIPPET_CHARS, look: bool = True) -> SafeString:
    """About ``size`` characters of ``text`` around its first matching word, escaped, with the
    matching words marked; the start of the text when no word matches (or when told not to
    ``look``: the caller knows none does)."""
    found = _first_match(text, query) if look else None
    start = 0
    if found is not None and found.start() > _LEAD_CHARS:
        start = found.start() - _LEAD_CHARS
        # Start on a word boundary: after the first space of the lead.
        space = text.find(" ", start, found.start())
        start = space + 1 if space != -1 else found.start()
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start + size // 2, end)
        end = space if space != -1 else end
    extract = _SPACES.sub(" ", text[start:end]).strip()
    html = _marked(extract, query)
    if start > 0:
        html = "… " + html
    if end < len(text):
        html += " …"
    return mark_safe(html)  # noqa: S308 - every piece of text is escaped
