"""REPORTs on an address book: addressbook-query and addressbook-multiget (RFC 6352 §8.6,
§8.7) and sync-collection (RFC 6578)."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import vobject  # type: ignore[import-untyped, unused-ignore]
from django.utils.translation import gettext as _

from beffroi.contacts import access
from beffroi.contacts.directory_book import DirectoryBook
from beffroi.core.errors import NotAllowed
from beffroi.dav.carddav import properties
from beffroi.dav.carddav.properties import AnyCard
from beffroi.dav.carddav.resources import Book, book_at
from beffroi.dav.common.messages import DavRequest, DavResponse
from beffroi.dav.common.propfind import answer
from beffroi.dav.common.reports import (
    logged_answers,
    multiget,
    sync_collection,
    unsupported_report,
)
from beffroi.dav.common.sync import revision_in
from beffroi.dav.common.xml import (
    CARDDAV,
    DAV,
    InvalidXml,
    Response,
    element,
    multistatus,
    parse,
    tag,
)
from beffroi.directory.models import Agent

ADDRESS_DATA = tag(CARDDAV, "address-data")
# Properties read from the search columns, without parsing the card.
_INDEXED = {"FN": "full_name", "EMAIL": "emails", "TEL": "phones", "ORG": "organisation"}


@dataclass
class Wanted:
    names: list[str] | None

    @property
    def with_data(self) -> bool:
        return self.names is None or ADDRESS_DATA in self.names


def report(request: DavRequest, agent: Agent) -> DavResponse:
    root = parse(request.body)
    if root is None:
        raise InvalidXml("report body expected")
    segments = request.segments
    if len(segments) != 2:
        raise NotAllowed(_("Ce rapport s'adresse à un carnet d'adresses."))
    book = book_at(agent, segments[0], segments[1])
    prop = root.find(tag(DAV, "prop"))
    wanted = Wanted(names=None if prop is None else [child.tag for child in prop])
    if root.tag == tag(CARDDAV, "addressbook-query"):
        return _query(request, agent, book, root, wanted)
    if root.tag == tag(CARDDAV, "addressbook-multiget"):
        return _multiget(request, agent, book, root, wanted)
    if root.tag == tag(DAV, "sync-collection"):
        return _sync(request, agent, book, root, wanted)
    return unsupported_report()


def cards_of(agent: Agent, book: Book, names: list[str] | None = None) -> Sequence[AnyCard]:
    if isinstance(book, DirectoryBook):
        return access.access_directory_cards(agent, names=names)
    return access.access_cards(agent, book, names)


# --- addressbook-query ------------------------------------------------------------------------


def _query(
    request: DavRequest, agent: Agent, book: Book, root: ET.Element, wanted: Wanted
) -> DavResponse:
    filter_node = root.find(tag(CARDDAV, "filter"))
    if filter_node is None:
        raise InvalidXml("addressbook-query needs a filter")
    prop_filters = filter_node.findall(tag(CARDDAV, "prop-filter"))
    all_of = filter_node.get("test", "anyof") == "allof"
    limit = _limit(root)
    answers = []
    for card in cards_of(agent, book):
        results = [_prop_matches(card, prop_filter) for prop_filter in prop_filters]
        if not prop_filters or (all(results) if all_of else any(results)):
            answers.append(_card_answer(request, agent, book, card, wanted))
    if limit is not None and len(answers) > limit:
        answers = answers[:limit]
        answers.append(Response(properties.book_href(request, agent, book), status=507))
    return DavResponse.xml(207, multistatus(answers))


def _limit(root: ET.Element) -> int | None:
    text = root.findtext(f"{tag(CARDDAV, 'limit')}/{tag(CARDDAV, 'nresults')}")
    if text is None:
        return None
    if not text.strip().isdigit():
        raise InvalidXml("nresults must be a number")
    return int(text.strip())


def _prop_matches(card: AnyCard, prop_filter: ET.Element) -> bool:
    name = prop_filter.get("name", "").upper()
    lines = _lines(card, name)
    if prop_filter.find(tag(CARDDAV, "is-not-defined")) is not None:
        return not lines
    tests = [
        *(
            _text_matches([value for value, _params in lines], node)
            for node in prop_filter.findall(tag(CARDDAV, "text-match"))
        ),
        *(
            _param_matches(lines, node)
            for node in prop_filter.findall(tag(CARDDAV, "param-filter"))
        ),
    ]
    if not lines:
        return False
    if not tests:
        return True
    return all(tests) if prop_filter.get("test", "anyof") == "allof" else any(tests)


def _param_matches(lines: list[tuple[str, dict[str, list[str]]]], node: ET.Element) -> bool:
    name = node.get("name", "").upper()
    values = [value for _value, params in lines for value in params.get(name, [])]
    if node.find(tag(CARDDAV, "is-not-defined")) is not None:
        return not values
    text_match = node.find(tag(CARDDAV, "text-match"))
    if text_match is None:
        return bool(values)
    return bool(values) and _text_matches(values, text_match)


def _text_matches(values: list[str], node: ET.Element) -> bool:
    needle = node.text or ""
    collation = node.get("collation", "i;unicode-casemap")
    if collation != "i;octet":
        needle = needle.casefold()
        values = [value.casefold() for value in values]
    found = any(_matches(value, needle, node.get("match-type", "contains")) for value in values)
    return found != (node.get("negate-condition") == "yes")


def _matches(value: str, needle: str, kind: str) -> bool:
    if kind == "equals":
        return value == needle
    if kind == "starts-with":
        return value.startswith(needle)
    if kind == "ends-with":
        return value.endswith(needle)
    return needle in value


def _lines(card: AnyCard, name: str) -> list[tuple[str, dict[str, list[str]]]]:
    """The values (and parameters) of the property ``name`` of a card."""
    column = _INDEXED.get(name)
    if column is not None:
        text = str(getattr(card, column))
        return [(value, {}) for value in text.split("\n") if value]
    if name == "UID":
        return [(card.uid, {})]
    return _parsed_lines(card.data, name)


def _parsed_lines(text: str, name: str) -> list[tuple[str, dict[str, list[str]]]]:
    try:
        parsed: Any = vobject.readOne(text, validate=False)
    except Exception:  # a stored card was checked on the way in: this is only a safety net
        return []
    found = []
    for line in parsed.contents.get(name.lower(), []):
        value = line.value
        if isinstance(value, list):
            value = ";".join(str(part) for part in value)
        params = {
            key.upper(): [str(v).upper() for v in values] for key, values in line.params.items()
        }
        found.append((str(value), params))
    return found


# --- addressbook-multiget ---------------------------------------------------------------------


def _multiget(
    request: DavRequest, agent: Agent, book: Book, root: ET.Element, wanted: Wanted
) -> DavResponse:
    return multiget(
        root,
        properties.book_href(request, agent, book),
        lambda names: cards_of(agent, book, names),
        lambda card: card.name,
        lambda card: _card_answer(request, agent, book, card, wanted),
    )


# --- sync-collection --------------------------------------------------------------------------


def _sync(
    request: DavRequest, agent: Agent, book: Book, root: ET.Element, wanted: Wanted
) -> DavResponse:
    def card_answer(card: AnyCard) -> Response:
        return _card_answer(request, agent, book, card, wanted)

    def gone(name: str) -> Response:
        return Response(
            properties.book_href(request, agent, book) + urllib.parse.quote(name), status=404
        )

    def since(token: str) -> list[Response] | None:
        if isinstance(book, DirectoryBook):
            changes = access.access_directory_changes_since(agent, token)
            if changes is None:
                return None
            return [card_answer(card) for card in changes.changed] + [
                gone(name) for name in changes.removed
            ]
        revision = revision_in(token, book.pk, book.revision)
        if revision is None:
            return None
        logged = access.access_changes_since(agent, book, revision, up_to=book.revision)
        alive = [change.name for change in logged if not change.deleted]
        found = {card.name: card for card in access.access_cards(agent, book, alive)}
        return logged_answers(logged, found, card_answer, gone)

    # The book was read at the start of this request: its token is the new one, and a change
    # committed since then is left for the next sync.
    return sync_collection(
        root,
        properties.book_token(book),
        lambda: [card_answer(card) for card in cards_of(agent, book)],
        since,
        _("Ce jeton de synchronisation n'est pas valide : relisez tout le carnet."),
    )


# --- rendering --------------------------------------------------------------------------------


def _card_answer(
    request: DavRequest, agent: Agent, book: Book, card: AnyCard, wanted: Wanted
) -> Response:
    href = properties.book_href(request, agent, book) + urllib.parse.quote(card.name, safe="@")
    available = properties.card_properties(card)
    if wanted.with_data:
        available[ADDRESS_DATA] = lambda: element(ADDRESS_DATA, card.data)
    # Without names: the etag and the card, what clients fetch cards for.
    return answer(href, available, wanted.names, [tag(DAV, "getetag"), ADDRESS_DATA])
