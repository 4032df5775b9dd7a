"""Reading address books for a person: one choke point, one answer for missing and forbidden."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q

from beffroi.contacts import directory_book
from beffroi.contacts.directory_book import DirectoryBook, DirectoryCard, DirectoryChanges
from beffroi.contacts.models import AddressBook, AddressBookShare, Card, CardChange
from beffroi.contacts.policies import (
    abilities,
    directory_abilities,
    shares_reaching,
    signed_in_agent,
)
from beffroi.core.errors import NotFound
from beffroi.directory.models import Agent, AgentGroup, Department

Grantee = Agent | AgentGroup | Department

SEARCH_LIMIT = 200


def access_address_books(user: Any) -> list[AddressBook]:
    """The books ``user`` owns, then those shared with them (stored books only)."""
    agent = signed_in_agent(user)
    if agent is None:
        return []
    own = list(AddressBook.objects.filter(owner=agent).select_related("owner"))
    shared = (
        AddressBook.objects.exclude(owner=agent)
        .filter(shares_reaching(agent, "shares__"))
        .select_related("owner")
        .distinct()
    )
    return own + list(shared.order_by("name"))


def access_address_book(user: Any, owner_username: str, slug: str) -> AddressBook:
    book = (
        AddressBook.objects.select_related("owner")
        .filter(owner__username=owner_username, slug=slug)
        .first()
    )
    return _readable(user, book)


def access_address_book_by_id(user: Any, book_id: uuid.UUID | str) -> AddressBook:
    try:
        key = uuid.UUID(str(book_id))
    except ValueError:
        raise NotFound() from None
    return _readable(user, AddressBook.objects.select_related("owner").filter(pk=key).first())


def access_directory_book(user: Any) -> DirectoryBook:
    if not directory_abilities(user).read:
        raise NotFound()
    return directory_book.directory_book()


def access_shares(user: Any, book: AddressBook) -> list[AddressBookShare]:
    """Who the book is shared with: for those who may change it."""
    if not abilities(user, book).manage:
        raise NotFound()
    shares = AddressBookShare.objects.filter(address_book=book)
    return list(shares.select_related("agent", "group", "department").order_by("created_at"))


def access_share_by_id(user: Any, book: AddressBook, share_id: uuid.UUID) -> AddressBookShare:
    share = AddressBookShare.objects.filter(address_book=book, pk=share_id).first()
    if share is None or not abilities(user, book).manage:
        raise NotFound()
    return share


def access_cards(user: Any, book: AddressBook, names: list[str] | None = None) -> list[Card]:
    """Every card of the book, or those of ``names`` that exist."""
    _readable(user, book)
    cards = Card.objects.filter(address_book=book)
    if names is not None:
        cards = cards.filter(name__in=names)
    return list(cards.order_by("name"))


def access_card(user: Any, book: AddressBook, name: str) -> Card:
    _readable(user, book)
    card = Card.objects.filter(address_book=book, name=name).first()
    if card is None:
        raise NotFound()
    return card


def access_card_by_id(user: Any, book: AddressBook, card_id: uuid.UUID | str) -> Card:
    _readable(user, book)
    try:
        key = uuid.UUID(str(card_id))
    except ValueError:
        raise NotFound() from None
    card = Card.objects.filter(address_book=book, pk=key).first()
    if card is None:
        raise NotFound()
    return card


def search_cards(user: Any, book: AddressBook, search: str = "") -> list[Card]:
    """The cards whose name, e-mail, phone or organisation contain every word of ``search``."""
    _readable(user, book)
    cards = Card.objects.filter(address_book=book)
    for word in search.split()[:5]:
        cards = cards.filter(
            Q(full_name__icontains=word)
            | Q(emails__icontains=word)
            | Q(phones__icontains=word)
            | Q(organisation__icontains=word)
        )
    return list(cards.order_by("full_name", "name")[:SEARCH_LIMIT])


def access_changes_since(
    user: Any, book: AddressBook, revision: int, *, up_to: int
) -> list[CardChange]:
    """What changed in the book after ``revision`` and until ``up_to`` (the last change of each
    name). A change made meanwhile, past ``up_to``, is for the next sync."""
    _readable(user, book)
    changes = CardChange.objects.filter(
        address_book=book, revision__gt=revision, revision__lte=up_to
    )
    return list(changes.order_by("revision"))


def access_directory_cards(
    user: Any, *, names: list[str] | None = None, search: str = ""
) -> list[DirectoryCard]:
    access_directory_book(user)
    return directory_book.directory_cards(names=names, search=search)


def access_directory_card(user: Any, name: str) -> DirectoryCard:
    found = access_directory_cards(user, names=[name])
    if not found:
        raise NotFound()
    return found[0]


def access_directory_changes_since(user: Any, token: str) -> DirectoryChanges | None:
    access_directory_book(user)
    return directory_book.directory_changes_since(token)


def _readable(user: Any, book: AddressBook | None) -> AddressBook:
    if book is None or not abilities(user, book).read:
        raise NotFound()
    return book


def access_grantee(user: Any, kind: str, grantee_id: uuid.UUID) -> Grantee:
    """The agent, group or department a book may be shared with: any the sharer can name
    (active colleagues, groups, departments; a guest names none)."""
    agent = signed_in_agent(user)
    if agent is None or agent.kind == Agent.Kind.GUEST:
        raise NotFound()
    found: Grantee | None
    if kind == "agent":
        found = Agent.objects.filter(pk=grantee_id, status=Agent.Status.ACTIVE).first()
    elif kind == "group":
        found = AgentGroup.objects.filter(pk=grantee_id).first()
    elif kind == "department":
        found = Department.objects.filter(pk=grantee_id).first()
    else:
        found = None
    if found is None:
        raise NotFound()
    return found
