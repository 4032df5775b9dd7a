"""Comparing words as people read them."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower case without accents: « Prénom » and « PRENOM » are the same header, and
    « Écran » sorts before « Sonorisation »."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def printable_line(text: str) -> str:
    """One line of text as it may go into a header or a title: control characters and line
    breaks (CR, LF, and Unicode's separators) become one space each run."""
    return _CONTROL_OR_BREAK.sub(" ", text).strip()
