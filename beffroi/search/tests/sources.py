"""A source of test documents, registered for a test and forgotten after it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from beffroi.search import registry
from beffroi.search.documents import Document
from beffroi.search.indexing import index_now
from beffroi.search.registry import Source

KIND = "essai"
WHEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def page(
    object_id: str, title: str, body: str = "", scope: str = "org", **changes: Any
) -> Document:
    return Document(
        kind=changes.get("kind", KIND),
        object_id=object_id,
        scope=scope,
        title=title,
        body=body,
        url=f"/essai/{object_id}/",
        updated_at=changes.get("updated_at", WHEN),
    )


@dataclass
class EssaiSource:
    """Documents to index, the scopes each agent sees (by username; « org » for anyone not
    listed), and an optional exact check."""

    documents: list[Document] = field(default_factory=list)
    scopes_by_username: dict[str, list[str]] = field(default_factory=dict)
    visible: Callable[[Any, list[str]], set[str]] | None = None
    kind: str = KIND

    def index(self, *documents: Document) -> None:
        self.documents.extend(documents)
        index_now(documents)

    def _scopes(self, agent: Any) -> list[str]:
        return self.scopes_by_username.get(agent.username, ["org"])

    def _documents(self) -> Iterator[Document]:
        return iter(self.documents)

    def register(self) -> None:
        registry.register(
            Source(
                kind=self.kind,
                label="Essais",
                scopes=self._scopes,
                documents=self._documents,
                visible=self.visible,
                order=0,
            )
        )

    def unregister(self) -> None:
        registry._SOURCES.pop(self.kind, None)
