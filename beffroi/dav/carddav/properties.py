"""The DAV properties of CardDAV resources: root, home (also the principal), address book,
address object. Each function answers the names it knows; ``propfind.answer`` picks."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ET

from beffroi.contacts.directory_book import DirectoryBook, DirectoryCard
from beffroi.contacts.models import AddressBook, Card
from beffroi.contacts.policies import abilities, directory_abilities
from beffroi.contacts.vcard import MAX_CARD_BYTES, SUPPORTED_VERSIONS
from beffroi.dav.carddav.resources import Book, segment_of
from beffroi.dav.common.messages import DavRequest
from beffroi.dav.common.propfind import (
    Getter,
    allprop,
    collection_properties,
    object_properties,
    principal_properties,
    privileges,
    with_home,
    with_root,
)
from beffroi.dav.common.sync import sync_token
from beffroi.dav.common.xml import CALDAV, CARDDAV, DAV, element, tag
from beffroi.directory.models import Agent

CALDAV_MOUNT_POINT = "/dav/cal"

AnyCard = Card | DirectoryCard

ALLPROP = allprop(tag(CARDDAV, "addressbook-home-set"))


def book_token(book: Book) -> str:
    if isinstance(book, DirectoryBook):
        return book.token
    return sync_token(book.pk, book.revision)


def _principal_props(request: DavRequest, agent: Agent) -> dict[str, Getter]:
    home = request.href(agent.username, collection=True)
    # One principal for both: a client that came for contacts finds the calendars too.
    calendars = f"{CALDAV_MOUNT_POINT}/{urllib.parse.quote(agent.username, safe='@')}/"
    return principal_properties(
        request.href(collection=True),
        home,
        {tag(CARDDAV, "addressbook-home-set"): home, tag(CALDAV, "calendar-home-set"): calendars},
    )


def root_properties(request: DavRequest, agent: Agent) -> dict[str, Getter]:
    return with_root(_principal_props(request, agent))


def home_properties(request: DavRequest, agent: Agent) -> dict[str, Getter]:
    return with_home(_principal_props(request, agent), agent.display_name)


def book_properties(request: DavRequest, agent: Agent, book: Book) -> dict[str, Getter]:
    rights = (
        directory_abilities(agent) if isinstance(book, DirectoryBook) else abilities(agent, book)
    )
    owner = (
        book.owner.username
        if isinstance(book, AddressBook) and book.owner_id != agent.pk
        else agent.username
    )
    props = collection_properties(
        tag(CARDDAV, "addressbook"),
        book.name,
        book_token(book),
        request.href(owner, collection=True),
        privileges(write=rights.write_cards, manage=rights.manage),
        (
            tag(CARDDAV, "addressbook-query"),
            tag(CARDDAV, "addressbook-multiget"),
            tag(DAV, "sync-collection"),
        ),
    )
    props[tag(CARDDAV, "addressbook-description")] = lambda: element(
        tag(CARDDAV, "addressbook-description"), book.description
    )
    props[tag(CARDDAV, "supported-address-data")] = lambda: element(
        tag(CARDDAV, "supported-address-data"),
        None,
        *(_address_data_type(version) for version in SUPPORTED_VERSIONS),
    )
    props[tag(CARDDAV, "max-resource-size")] = lambda: element(
        tag(CARDDAV, "max-resource-size"), str(MAX_CARD_BYTES)
    )
    return props


def book_href(request: DavRequest, agent: Agent, book: Book) -> str:
    return request.href(agent.username, segment_of(agent, book), collection=True)


def card_properties(card: AnyCard) -> dict[str, Getter]:
    return object_properties(card.etag, "text/vcard; charset=utf-8", card.data, card.updated_at)


def _address_data_type(version: str) -> ET.Element:
    node = element(tag(CARDDAV, "address-data-type"))
    node.set("content-type", "text/vcard")
    node.set("version", version)
    return node
