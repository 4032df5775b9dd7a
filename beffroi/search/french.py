"""French text as the index sees it: the same analysis on what is written and what is asked.

Lower case, accents folded (« Église » and « eglise » are one word), elisions dropped
(« l'église » is « église »), then Snowball's French stemmer, so that « délibérations » and
« délibération », « construire » and « construit » meet. Snowball leaves the irregular « -aux »
plurals alone (« travaux » stems to « traval », « travail » to « travail »): they are mapped to
their singular first.

The analysed text is plain words separated by spaces, each only letters and digits: SQLite FTS5's
``unicode61`` tokenizer and PostgreSQL's ``simple`` configuration cut it the same way, so both
engines index the same terms.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

from beffroi.core.text import fold

# A word: letters and digits (no underscore), as both engines' tokenizers cut them.
WORD = re.compile(r"[^\W_]+")
# « l'», « d'», « qu'», « jusqu'»…, with a straight or a typographic apostrophe.
_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’](?=\w)")

# Plurals Snowball does not bring back to their singular (folded, as they reach the stemmer).
IRREGULAR = {
    "travaux": "travail",
    "vitraux": "vitrail",
    "baux": "bail",
    "emaux": "email",
    "coraux": "corail",
    "soupiraux": "soupirail",
    "vantaux": "vantail",
    "ventaux": "ventail",
    "chevaux": "cheval",
    "journaux": "journal",
    "locaux": "local",
    "yeux": "oeil",
    "cieux": "ciel",
}

# A word longer than this is no word (a hash, a base64 line): kept as it is, not stemmed.
_LONGEST_STEMMED = 40

_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The index term of one folded word."""
    if len(word) > _LONGEST_STEMMED or word.isdigit():
        return word
    return str(_stemmer.stemWord(IRREGULAR.get(word, word)))


# Longer than this, a "word" is noise (PostgreSQL would drop it, FTS5 not): both skip it.
LONGEST_WORD = 100


@lru_cache(maxsize=200_000)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    folded = fold(chunk).replace("œ", "oe").replace("æ", "ae")
    found = WORD.findall(_ELISION.sub(" ", folded))
    return tuple(word for word in found if len(word) <= LONGEST_WORD)


def words(text: str) -> list[str]:
    """The folded words of ``text``, elisions dropped, in order."""
    # Folding goes chunk by chunk (between spaces): a text repeats its words, and each chunk
    # is folded once (folding is most of the cost of indexing).
    found: list[str] = []
    for chunk in text.split():
        found.extend(_chunk_words(chunk))
    return found


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order."""
    return [stem(word) for word in words(text)]


def analyse(text: str) -> str:
    """``text`` as the engines index it: its terms, separated by spaces."""
    return " ".join(terms(text))


@lru_cache(maxsize=200_000)
def term_of(word: str) -> str:
    """The index term of one word as it appears in a text (for snippets)."""
    found = terms(word)
    return found[0] if found else ""
