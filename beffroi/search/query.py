"""What someone typed in the search box, as terms the engines match: nothing else gets through.

Only words survive (``french.words``): quotes, stars, colons, dashes, ``NEAR``, ``AND``, ``OR``
and parentheses are never operators, the engines get each term quoted (FTS5) or as a lexeme
(PostgreSQL). Words between double quotes (or « » and “ ”) are a phrase. Every other word
must appear (AND), French stop words aside. With ``prefix``, the last word is being typed: the
word it will be has a stem that either starts with what is typed (« délib » → « deliber ») or
is the start of it (« amortisseme » → « amort », the stem of « amortissement »). So it matches
any term starting with it (or with its own stem), and any term equal to one of its starts of
three letters or more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from beffroi.search import french

# Words that carry no meaning on their own: dropped from a query (not from a phrase, and not
# from the index, so that phrases keep their positions). Folded.
STOP_WORDS = frozenset(
    """
    a au aux avec ce ces dans de des du elle en et il ils je la le les leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te
    tes toi ton tu un une vos votre vous y est sont
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_QUOTES = str.maketrans(dict.fromkeys("«»“”„", '"'))

# The shortest start of the word being typed that may be a whole stem, and the longest word
# looked at (each start is one more term for the engine).
_SHORTEST_STEM = 3
_LONGEST_TYPED = 24
# A query longer than this is cut: nobody types more, and each term costs a join.
MAX_QUERY_CHARS = 500
MAX_TERMS = 16


@dataclass(frozen=True)
class Query:
    """Terms that must all match: single terms, phrases, and the prefixes of the word being
    typed (any one of which may match)."""

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    # The word being typed: terms starting with one of ``prefixes``, or equal to one of
    # ``stems`` (its starts), match it.
    prefixes: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()
    # Every term a snippet should mark (the prefixes apart).
    marked: frozenset[str] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.terms or self.phrases or self.prefixes)

    def marks(self, term: str) -> bool:
        """Whether a word of the text, as the term ``term``, matches this query."""
        if term in self.marked:
            return True
        return bool(self.prefixes) and (term.startswith(self.prefixes) or term in self.stems)

    def found_in(self, analysed: str) -> bool:
        """Whether an analysed text (``french.analyse``) holds a term this query marks."""
        padded = f" {analysed} "
        return any(f" {term} " in padded for term in (*self.marked, *self.stems)) or any(
            f" {prefix}" in padded for prefix in self.prefixes
        )


def _typing(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The prefixes and the exact stems the word being typed matches."""
    word = word[:_LONGEST_TYPED]
    prefixes = tuple(dict.fromkeys([word, french.stem(word)]))
    starts = tuple(word[:length] for length in range(_SHORTEST_STEM, len(word)))
    return prefixes, starts


def parse(text: str, *, prefix: bool = False) -> Query:
    """The query in ``text``; an empty ``Query`` when it holds no word."""
    # French guillemets and typographic quotes delimit a phrase as straight quotes do.
    text = text[:MAX_QUERY_CHARS].translate(_QUOTES)
    pieces = text.split('"')
    # An unbalanced quote opens no phrase: what follows it is plain words.
    if len(pieces) % 2 == 0:
        pieces[-2:] = [pieces[-2] + " " + pieces[-1]]
    plain: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            plain.extend(french.words(piece))
        else:
            quoted = french.words(piece)
            if len(quoted) > 1:
                phrases.append(tuple(french.stem(word) for word in quoted))
            else:
                plain.extend(quoted)
    typing = ""
    ends_in_word = bool(text) and text[-1].isalnum()
    if prefix and ends_in_word and plain:
        typing = plain.pop()
    meaningful = [word for word in plain if word not in STOP_WORDS] or (
        [] if typing or phrases else plain
    )
    terms = tuple(dict.fromkeys(french.stem(word) for word in meaningful))[:MAX_TERMS]
    phrases = phrases[:MAX_TERMS]
    prefixes, stems = _typing(typing) if typing else ((), ())
    marked = frozenset(terms) | frozenset(term for phrase in phrases for term in phrase)
    return Query(terms=terms, phrases=tuple(phrases), prefixes=prefixes, stems=stems, marked=marked)
