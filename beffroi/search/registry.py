"""The kinds of object the search knows: each capability registers its ``Source`` once, in its
``AppConfig.ready()``. The search reads nothing of a capability but what its source gives."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from beffroi.search.documents import Document

# An agent (``beffroi.directory.models.Agent``): typed loosely so that the search imports no app.
Agent = Any


@dataclass(frozen=True)
class Source:
    kind: str
    label: str | Promise  # plural, lazy (shown in the reader's language): « Fichiers »…
    # The scopes this agent may see, for this kind.
    scopes: Callable[[Agent], Iterable[str]]
    # Every document of this kind, for ``beffroi search reindex``.
    documents: Callable[[], Iterable[Document]]
    # For kinds whose permissions are finer than a scope (the drive's shares, folders that stop
    # inheritance): of the candidate object ids, those the agent may read.
    visible: Callable[[Agent, list[str]], set[str]] | None = None
    # Where the kind sorts among the groups of results.
    order: int = 100


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Make ``source`` searchable (registering a kind again replaces it)."""
    _SOURCES[source.kind] = source


def sources() -> list[Source]:
    """The registered sources, in the order their groups show."""
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.kind))


def source(kind: str) -> Source | None:
    return _SOURCES.get(kind)
