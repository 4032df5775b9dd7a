"""What a CardDAV path names. An agent's home ``/dav/card/<username>/`` holds their own books
(by slug), the books shared with them (``partage-<id>``) and the organisation's directory
(``annuaire``)."""

from __future__ import annotations

from beffroi.contacts import access, actions
from beffroi.contacts.directory_book import SLUG as DIRECTORY_SLUG
from beffroi.contacts.directory_book import DirectoryBook
from beffroi.contacts.models import AddressBook
from beffroi.contacts.policies import directory_abilities
from beffroi.core.errors import NotFound
from beffroi.dav.common.handler import own_home
from beffroi.directory.models import Agent

Book = AddressBook | DirectoryBook


def segment_of(agent: Agent, book: Book) -> str:
    """The name of ``book`` in ``agent``'s home."""
    if isinstance(book, DirectoryBook):
        return DIRECTORY_SLUG
    if book.owner_id == agent.pk:
        return book.slug
    return f"{actions.SHARED_PREFIX}{book.pk}"


def book_at(agent: Agent, username: str, segment: str) -> Book:
    """The book ``/<username>/<segment>/``; one's own "contacts" is created on first use, so
    that a client may write to it before it ever listed the home."""
    own_home(username, agent)
    if segment == DIRECTORY_SLUG:
        return access.access_directory_book(agent)
    if segment.startswith(actions.SHARED_PREFIX):
        book = access.access_address_book_by_id(agent, segment[len(actions.SHARED_PREFIX) :])
        if book.owner_id == agent.pk:
            raise NotFound()
        return book
    if segment == actions.DEFAULT_BOOK_SLUG:
        actions.do_ensure_default_address_book(agent)
    return access.access_address_book(agent, username, segment)


def books_in_home(agent: Agent) -> list[Book]:
    actions.do_ensure_default_address_book(agent)
    books: list[Book] = list(access.access_address_books(agent))
    if directory_abilities(agent).read:
        books.append(access.access_directory_book(agent))
    return books
