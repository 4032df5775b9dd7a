"""Tasks in the one search box: seen by the members of their workspace."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beffroi.search.documents import Document
from beffroi.search.registry import Source
from beffroi.search.registry import register as register_source
from beffroi.tasks.models import Card
from beffroi.workspaces.policies import scopes_of


def documents() -> Iterator[Document]:
    cards = Card.objects.filter(trashed_at=None, board__workspace__trashed_at=None).select_related(
        "board__workspace"
    )
    for card in cards.iterator(chunk_size=500):
        yield Document(
            kind="task",
            object_id=str(card.pk),
            scope=f"workspace:{card.board.workspace_id}",
            title=card.title,
            body="\n".join([card.description, " ".join(card.labels)]),
            url=reverse("tasks:card", args=[card.board.workspace.slug, card.pk]),
            updated_at=card.updated_at,
        )


def register() -> None:
    register_source(
        Source(
            kind="task",
            label=_("Tâches"),
            scopes=scopes_of,
            documents=documents,
            order=30,
        )
    )
