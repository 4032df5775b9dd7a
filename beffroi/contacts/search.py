"""Contacts in the search: a card's name, e-mail addresses and organisation, for those who may
read its address book (``book:<uuid>``). The organisation's own directory is the « agent »
kind (``beffroi.directory.search``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beffroi.contacts.access import access_address_books
from beffroi.contacts.models import Card
from beffroi.search.documents import Document
from beffroi.search.indexing import index_many_on_commit, remove_many_on_commit
from beffroi.search.registry import Source, register

KIND = "contact"
_BATCH = 500


def document_of(card: Card) -> Document:
    title = card.full_name or card.emails.split("\n")[0] or card.uid
    lines = [title, card.emails, card.organisation]
    return Document(
        kind=KIND,
        object_id=str(card.pk),
        scope=f"book:{card.address_book_id}",
        title=title,
        body="\n".join(line for line in lines if line),
        url=reverse("contacts:card", args=[str(card.address_book_id), str(card.pk)]),
        updated_at=card.updated_at,
    )


def card_changed(card: Card) -> None:
    """A card was written: its entry, on commit."""
    index_many_on_commit([document_of(card)])


def cards_removed(card_ids: Iterable[Any]) -> None:
    """Cards were deleted (one, or a whole book's): out of the index, on commit."""
    remove_many_on_commit(KIND, [str(pk) for pk in card_ids])


def _scopes(agent: Any) -> list[str]:
    return [f"book:{book.pk}" for book in access_address_books(agent)]


def _all_documents() -> Iterator[Document]:
    ids = list(Card.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), _BATCH):
        yield from (
            document_of(card) for card in Card.objects.filter(pk__in=ids[start : start + _BATCH])
        )


def register_source() -> None:
    register(
        Source(
            kind=KIND,
            label=_("Contacts"),
            scopes=_scopes,
            documents=_all_documents,
            order=50,
        )
    )
