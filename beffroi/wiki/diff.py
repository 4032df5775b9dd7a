"""A readable difference between two versions of a page: lines removed, added and kept, with
long unchanged stretches folded."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

CONTEXT = 3


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    text: str


def line_diff(old: str, new: str) -> list[DiffLine]:
    before = old.splitlines()
    after = new.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            same = before[i1:i2]
            if len(same) > 2 * CONTEXT + 1:
                lines.extend(DiffLine("same", t) for t in same[:CONTEXT])
                lines.append(DiffLine("gap", ""))
                lines.extend(DiffLine("same", t) for t in same[-CONTEXT:])
            else:
                lines.extend(DiffLine("same", t) for t in same)
            continue
        lines.extend(DiffLine("removed", t) for t in before[i1:i2])
        lines.extend(DiffLine("added", t) for t in after[j1:j2])
    if lines and lines[0].kind == "same" and len(lines) > CONTEXT and lines[CONTEXT].kind == "gap":
        lines = lines[CONTEXT:]
    return lines
