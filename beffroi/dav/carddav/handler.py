"""One function per DAV method: parse, check through ``access``, write through ``actions``,
render. ``handle`` authenticates every request but OPTIONS and maps errors to DAV answers."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ET

from django.utils.translation import gettext as _

from beffroi.contacts import access, actions
from beffroi.contacts.directory_book import DirectoryBook
from beffroi.contacts.models import AddressBook
from beffroi.contacts.policies import abilities
from beffroi.contacts.vcard import InvalidCard
from beffroi.core.errors import BeffroiError, NotAllowed, NotFound
from beffroi.dav.carddav import properties, reports
from beffroi.dav.carddav.resources import Book, book_at, books_in_home
from beffroi.dav.common.handler import (
    Method,
    collection_exists,
    dav_handler,
    own_home,
    precondition_failed,
)
from beffroi.dav.common.messages import DavRequest, DavResponse
from beffroi.dav.common.propfind import (
    answer,
    partial_failure,
    property_update,
    refused,
    requested_properties,
    settable,
)
from beffroi.dav.common.xml import CARDDAV, DAV, Response, element, multistatus, parse, tag
from beffroi.directory.models import Agent

DAV_CLASSES = "1, 3, addressbook, extended-mkcol"
ALLOWED = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCOL"


def preconditions(problem: BeffroiError) -> DavResponse | None:
    if isinstance(problem, InvalidCard):
        return precondition_failed(problem.status, CARDDAV, problem.precondition, problem.message)
    if isinstance(problem, actions.AddressBookExists):
        return collection_exists(problem)
    if isinstance(problem, actions.UidConflict):
        return precondition_failed(409, CARDDAV, "no-uid-conflict", problem.message)
    return None


# --- PROPFIND and PROPPATCH ------------------------------------------------------------------


def propfind(request: DavRequest, agent: Agent) -> DavResponse:
    wanted = requested_properties(parse(request.body))
    deep = request.header("depth", "infinity").strip() != "0"
    segments = request.segments
    answers: list[Response] = []
    if not segments:
        href = request.href(collection=True)
        answers.append(
            answer(href, properties.root_properties(request, agent), wanted, properties.ALLPROP)
        )
        if deep:
            answers.append(_home_answer(request, agent, wanted))
    elif len(segments) == 1:
        own_home(segments[0], agent)
        answers.append(_home_answer(request, agent, wanted))
        if deep:
            for book in books_in_home(agent):
                answers.append(_book_answer(request, agent, book, wanted))
    elif len(segments) == 2:
        book = book_at(agent, segments[0], segments[1])
        answers.append(_book_answer(request, agent, book, wanted))
        if deep:
            for card in reports.cards_of(agent, book):
                href = properties.book_href(request, agent, book) + _quoted(card.name)
                available = properties.card_properties(card)
                answers.append(answer(href, available, wanted, properties.ALLPROP))
    elif len(segments) == 3:
        book = book_at(agent, segments[0], segments[1])
        card = _card(agent, book, segments[2])
        href = properties.book_href(request, agent, book) + _quoted(card.name)
        answers.append(answer(href, properties.card_properties(card), wanted, properties.ALLPROP))
    else:
        raise NotFound()
    return DavResponse.xml(207, multistatus(answers))


def proppatch(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) != 2:
        raise NotAllowed(_("Seules les propriétés d'un carnet d'adresses peuvent être modifiées."))
    book = _stored(book_at(agent, segments[0], segments[1]))
    if not abilities(agent, book).manage:
        raise NotAllowed()
    changes = _settable(property_update(parse(request.body)))
    href = properties.book_href(request, agent, book)
    refusals = refused(changes, _SETTABLE)
    if refusals:
        return DavResponse.xml(207, partial_failure(href, changes, refusals))
    actions.do_update_address_book(
        agent,
        book,
        name=changes.get(tag(DAV, "displayname")) or None,
        description=changes.get(tag(CARDDAV, "addressbook-description")),
    )
    return DavResponse.xml(207, multistatus([Response(href, found=[element(n) for n in changes])]))


_SETTABLE = (tag(DAV, "displayname"), tag(CARDDAV, "addressbook-description"))


def _settable(root: ET.Element) -> dict[str, str | None]:
    return settable(root, ignored=[tag(DAV, "resourcetype")])


def _home_answer(request: DavRequest, agent: Agent, wanted: list[str] | None) -> Response:
    href = request.href(agent.username, collection=True)
    return answer(href, properties.home_properties(request, agent), wanted, properties.ALLPROP)


def _book_answer(
    request: DavRequest, agent: Agent, book: Book, wanted: list[str] | None
) -> Response:
    href = properties.book_href(request, agent, book)
    available = properties.book_properties(request, agent, book)
    return answer(href, available, wanted, properties.ALLPROP)


# --- Collections ------------------------------------------------------------------------------


def mkcol(request: DavRequest, agent: Agent) -> DavResponse:
    """Extended MKCOL (RFC 5689) of an address book in one's own home."""
    segments = request.segments
    if len(segments) != 2:
        raise NotAllowed(_("Un carnet d'adresses se crée directement dans votre dossier."))
    own_home(segments[0], agent)
    root = parse(request.body)
    if root is None or root.tag != tag(DAV, "mkcol"):
        raise NotAllowed(_("Seuls des carnets d'adresses peuvent être créés ici (MKCOL étendu)."))
    path = f"{tag(DAV, 'set')}/{tag(DAV, 'prop')}/{tag(DAV, 'resourcetype')}"
    resourcetype = root.find(path)
    if resourcetype is None or resourcetype.find(tag(CARDDAV, "addressbook")) is None:
        raise NotAllowed(_("Seuls des carnets d'adresses peuvent être créés ici."))
    settings = _settable(root)
    actions.do_create_address_book(
        agent,
        slug=segments[1],
        name=settings.get(tag(DAV, "displayname")) or "",
        description=settings.get(tag(CARDDAV, "addressbook-description")) or "",
        address=request.address or None,
    )
    return DavResponse(201, headers={"Cache-Control": "no-store"})


# --- Objects ----------------------------------------------------------------------------------


def get(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) != 3:
        raise NotFound()
    book = book_at(agent, segments[0], segments[1])
    card = _card(agent, book, segments[2])
    body = b"" if request.method == "HEAD" else card.data.encode("utf-8")
    return DavResponse(200, body, {"Content-Type": "text/vcard; charset=utf-8", "ETag": card.etag})


def put(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) != 3:
        raise NotAllowed(_("Un contact s'enregistre dans un carnet d'adresses."))
    book = _stored(book_at(agent, segments[0], segments[1]))
    result = actions.do_put_card(
        agent,
        book,
        segments[2],
        request.body,
        if_match=request.header("if-match").strip() or None,
        if_none_match=request.header("if-none-match").strip() == "*",
    )
    return DavResponse(201 if result.created else 204, headers={"ETag": result.card.etag})


def delete(request: DavRequest, agent: Agent) -> DavResponse:
    segments = request.segments
    if len(segments) == 2:
        book = _stored(book_at(agent, segments[0], segments[1]))
        actions.do_delete_address_book(agent, book, address=request.address or None)
        return DavResponse(204)
    if len(segments) != 3:
        raise NotAllowed()
    book = _stored(book_at(agent, segments[0], segments[1]))
    actions.do_delete_card(
        agent, book, segments[2], if_match=request.header("if-match").strip() or None
    )
    return DavResponse(204)


def _stored(book: Book) -> AddressBook:
    if isinstance(book, DirectoryBook):
        raise NotAllowed(_("L'annuaire de l'organisation est en lecture seule."))
    return book


def _card(agent: Agent, book: Book, name: str) -> properties.AnyCard:
    if isinstance(book, DirectoryBook):
        return access.access_directory_card(agent, name)
    return access.access_card(agent, book, name)


def _quoted(name: str) -> str:
    return urllib.parse.quote(name, safe="@")


METHODS: dict[str, Method] = {
    "PROPFIND": propfind,
    "PROPPATCH": proppatch,
    "MKCOL": mkcol,
    "GET": get,
    "HEAD": get,
    "PUT": put,
    "DELETE": delete,
    "REPORT": reports.report,
}


handle = dav_handler(METHODS, dav_classes=DAV_CLASSES, allowed=ALLOWED, preconditions=preconditions)
