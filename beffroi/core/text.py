"""Comparing words as people read them."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents: « Prénom » and « PRENOM » are the same header, and
    « Écran » sorts before « Sonorisation »."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
