"""Three-way merge of a page's text, line by line: what two people changed from the version
they both started from. Changes in different places are both kept; where both changed the same
lines differently, both texts are kept between markers and the saver is shown them."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

MINE = "<<<<<<< votre version"
SEPARATOR = "======="
THEIRS = ">>>>>>> version enregistrée entre-temps"


@dataclass(frozen=True)
class _Change:
    start: int  # first line of the base replaced
    end: int  # line after the last one replaced (== start for an insertion)
    lines: tuple[str, ...]
    side: str


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: int


def _changes(base: list[str], other: list[str], side: str) -> list[_Change]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        _Change(i1, i2, tuple(other[j1:j2]), side)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _overlaps(change: _Change, start: int, end: int) -> bool:
    if change.start < end:
        return True
    # Two insertions at the same place, or an insertion where a replaced region ends: ambiguous.
    return change.start == end and (change.start == change.end or start == end)


def _apply(base: list[str], start: int, end: int, changes: list[_Change]) -> list[str]:
    out: list[str] = []
    position = start
    for change in sorted(changes, key=lambda c: (c.start, c.end)):
        out.extend(base[position : change.start])
        out.extend(change.lines)
        position = max(position, change.end)
    out.extend(base[position:end])
    return out


def _lines(text: str) -> list[str]:
    # A missing newline at the very end (forms strip it) is not a change of the last line.
    return _ended(text.splitlines(keepends=True))


def merge(base: str, mine: str, theirs: str) -> Merged:
    base_lines = _lines(base)
    mine_lines = _lines(mine)
    theirs_lines = _lines(theirs)
    changes = sorted(
        _changes(base_lines, mine_lines, "mine") + _changes(base_lines, theirs_lines, "theirs"),
        key=lambda c: (c.start, c.end),
    )
    out: list[str] = []
    conflicts = 0
    position = 0
    index = 0
    while index < len(changes):
        cluster = [changes[index]]
        start, end = changes[index].start, changes[index].end
        index += 1
        while index < len(changes) and _overlaps(changes[index], start, end):
            cluster.append(changes[index])
            end = max(end, changes[index].end)
            index += 1
        out.extend(base_lines[position:start])
        position = end
        mine_part = _apply(base_lines, start, end, [c for c in cluster if c.side == "mine"])
        theirs_part = _apply(base_lines, start, end, [c for c in cluster if c.side == "theirs"])
        sides = {c.side for c in cluster}
        if sides == {"mine"} or mine_part == theirs_part:
            out.extend(mine_part)
        elif sides == {"theirs"}:
            out.extend(theirs_part)
        else:
            conflicts += 1
            out.append(MINE + "\n")
            out.extend(_ended(mine_part))
            out.append(SEPARATOR + "\n")
            out.extend(_ended(theirs_part))
            out.append(THEIRS + "\n")
    out.extend(base_lines[position:])
    return Merged("".join(out), conflicts)


def _ended(lines: list[str]) -> list[str]:
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines
