"""Free names for a file arriving where its name is taken: « devis.pdf » becomes
« devis (2).pdf », then « devis (3).pdf »… (deposits through a public link, restores from the
trash)."""

from __future__ import annotations

from beffroi.files.models import Node
from beffroi.files.names import MAX_NAME_BYTES


def numbered(name: str, number: int) -> str:
    """``name`` with `` (number)`` before its extension, kept within 255 bytes."""
    stem, dot, extension = name.rpartition(".")
    if not stem:  # no extension, or a name such as « .bashrc »
        stem, dot, extension = name, "", ""
    suffix = f" ({number})" + dot + extension
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    return stem.rstrip(". ") + suffix


def _taken(parent: Node, name: str) -> bool:
    return Node.objects.filter(parent=parent, name=name, trashed_at=None).exists()


def free_name(parent: Node, name: str) -> str:
    """``name``, or the first numbered form of it that no living child of ``parent`` uses."""
    candidate, number = name, 1
    while _taken(parent, candidate):
        number += 1
        candidate = numbered(name, number)
    return candidate
