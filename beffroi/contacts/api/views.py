"""Contacts endpoints: parse, access, act, serialize. Cards travel as fields or as vCard text;
the actions check them as they check a CardDAV client's."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status, UploadedFile

from beffroi.api.auth import caller, caller_address
from beffroi.api.schemas import (
    AUTHENTICATED_ERRORS,
    BODY_ERRORS,
    PATH_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
)
from beffroi.contacts import access, actions, vcard
from beffroi.contacts.api.schemas import (
    AddressBookIn,
    AddressBookOut,
    BookShareIn,
    BookShareOut,
    CardDetailOut,
    CardIn,
    CardOut,
    CardSearchIn,
    ImportOut,
)
from beffroi.contacts.directory_book import SLUG as DIRECTORY_SLUG
from beffroi.contacts.directory_book import DirectoryBook, DirectoryCard
from beffroi.contacts.models import AddressBook, AddressBookShare, Card
from beffroi.contacts.policies import abilities, directory_abilities
from beffroi.core.errors import InvalidInput, NotAllowed
from beffroi.directory.models import Agent

router = Router(tags=["contacts"])

READ_ERRORS = {404: ErrorOut, **AUTHENTICATED_ERRORS, **PATH_ERRORS}
SAVE_ERRORS = {404: ErrorOut, 409: ErrorOut, 412: ErrorOut, **BODY_ERRORS, **PATH_ERRORS}
DELETE_ERRORS = {404: ErrorOut, 412: ErrorOut, **WRITE_ERRORS, **PATH_ERRORS}

Book = AddressBook | DirectoryBook
AnyCard = Card | DirectoryCard
Role = Literal["owner", "manager", "editor", "reader"]


def _book(agent: Agent, book_id: str) -> Book:
    if book_id == DIRECTORY_SLUG:
        return access.access_directory_book(agent)
    return access.access_address_book_by_id(agent, book_id)


def _stored(book: Book) -> AddressBook:
    if isinstance(book, DirectoryBook):
        raise NotAllowed(_("L'annuaire de l'organisation est en lecture seule."))
    return book


def _book_out(request: HttpRequest, agent: Agent, book: Book) -> AddressBookOut:
    home = f"/dav/card/{agent.username}/"
    if isinstance(book, DirectoryBook):
        return AddressBookOut(
            id=DIRECTORY_SLUG,
            slug=DIRECTORY_SLUG,
            name=book.name,
            description=book.description,
            owner="",
            role="reader",
            read_only=True,
            dav_url=request.build_absolute_uri(f"{home}{DIRECTORY_SLUG}/"),
        )
    granted = abilities(agent, book)
    role: Role = "reader"
    if granted.delete:
        role = "owner"
    elif granted.manage:
        role = "manager"
    elif granted.write_cards:
        role = "editor"
    segment = book.slug if book.owner_id == agent.pk else f"{actions.SHARED_PREFIX}{book.pk}"
    return AddressBookOut(
        id=str(book.pk),
        slug=book.slug,
        name=book.name,
        description=book.description,
        owner=book.owner.username,
        role=role,
        read_only=not granted.write_cards,
        dav_url=request.build_absolute_uri(f"{home}{segment}/"),
    )


def _card_id(card: AnyCard) -> str:
    return str(card.agent.pk) if isinstance(card, DirectoryCard) else str(card.pk)


def _card_out(card: AnyCard) -> CardOut:
    return CardOut(
        id=_card_id(card),
        uid=card.uid,
        etag=card.etag,
        full_name=card.full_name,
        emails=[line for line in card.emails.split("\n") if line],
        phones=[line for line in card.phones.split("\n") if line],
        organisation=card.organisation,
    )


def _detail(card: AnyCard) -> CardDetailOut:
    return CardDetailOut(**_card_out(card).model_dump(), vcard=card.data)


def _card(agent: Agent, book: Book, card_id: str) -> AnyCard:
    if isinstance(book, DirectoryBook):
        return access.access_directory_card(agent, f"{card_id}.vcf")
    return access.access_card_by_id(agent, book, card_id)


def _cards(agent: Agent, book: Book, search: str) -> Sequence[AnyCard]:
    if isinstance(book, DirectoryBook):
        return access.access_directory_cards(agent, search=search)
    return access.search_cards(agent, book, search)


def _fields(payload: CardIn) -> vcard.CardFields:
    if not payload.full_name.strip():
        raise InvalidInput(fields={"full_name": [_("Indiquez le nom du contact.")]})
    return vcard.CardFields(
        full_name=payload.full_name,
        given_name=payload.given_name,
        family_name=payload.family_name,
        organisation=payload.organisation,
        title=payload.title,
        email=payload.email,
        phone=payload.phone,
        mobile=payload.mobile,
        note=payload.note,
    )


# --- Address books ----------------------------------------------------------------------------


@router.get(
    "/books",
    response={200: list[AddressBookOut], **AUTHENTICATED_ERRORS},
    summary="Mes carnets d'adresses",
)
def list_books(request: HttpRequest) -> list[AddressBookOut]:
    agent = caller(request)
    actions.do_ensure_default_address_book(agent)
    books: list[Book] = list(access.access_address_books(agent))
    if directory_abilities(agent).read:
        books.append(access.access_directory_book(agent))
    return [_book_out(request, agent, book) for book in books]


@router.post(
    "/books",
    response={201: AddressBookOut, 409: ErrorOut, **BODY_ERRORS},
    summary="Créer un carnet d'adresses",
)
def create_book(request: HttpRequest, payload: AddressBookIn) -> Status[AddressBookOut]:
    agent = caller(request)
    book = actions.do_create_address_book(
        agent,
        slug=payload.slug,
        name=payload.name,
        description=payload.description,
        address=caller_address(request),
    )
    return Status(201, _book_out(request, agent, book))


@router.get(
    "/books/{book_id}",
    response={200: AddressBookOut, **READ_ERRORS},
    summary="Un carnet d'adresses",
)
def get_book(request: HttpRequest, book_id: str) -> AddressBookOut:
    agent = caller(request)
    return _book_out(request, agent, _book(agent, book_id))


@router.delete(
    "/books/{book_id}",
    response={204: None, **DELETE_ERRORS},
    summary="Supprimer un carnet d'adresses",
    description="Seul le propriétaire supprime un carnet, avec ses contacts.",
)
def delete_book(request: HttpRequest, book_id: str) -> Status[None]:
    agent = caller(request)
    book = _stored(_book(agent, book_id))
    actions.do_delete_address_book(agent, book, address=caller_address(request))
    return Status(204, None)


# --- Shares -----------------------------------------------------------------------------------


def _share_out(share: AddressBookShare) -> BookShareOut:
    if share.agent is not None:
        return BookShareOut(
            id=share.pk,
            kind="agent",
            grantee_id=share.agent.pk,
            label=share.agent.display_name,
            role=share.role,
        )
    if share.group is not None:
        return BookShareOut(
            id=share.pk,
            kind="group",
            grantee_id=share.group.pk,
            label=share.group.name,
            role=share.role,
        )
    assert share.department is not None
    return BookShareOut(
        id=share.pk,
        kind="department",
        grantee_id=share.department.pk,
        label=share.department.name,
        role=share.role,
    )


@router.get(
    "/books/{book_id}/shares",
    response={200: list[BookShareOut], **READ_ERRORS},
    summary="Partages d'un carnet",
)
def list_shares(request: HttpRequest, book_id: str) -> list[BookShareOut]:
    agent = caller(request)
    book = _stored(_book(agent, book_id))
    return [_share_out(share) for share in access.access_shares(agent, book)]


@router.post(
    "/books/{book_id}/shares",
    response={201: BookShareOut, **SAVE_ERRORS},
    summary="Partager un carnet",
    description="Avec un agent, un groupe ou un service (et les services en dessous), "
    "comme lecteur, éditeur ou gestionnaire. Partager de nouveau change le rôle.",
)
def share_book(request: HttpRequest, book_id: str, payload: BookShareIn) -> Status[BookShareOut]:
    agent = caller(request)
    book = _stored(_book(agent, book_id))
    grantee = access.access_grantee(agent, payload.kind, payload.grantee_id)
    share = actions.do_share_address_book(
        agent, book, grantee, payload.role, address=caller_address(request)
    )
    return Status(201, _share_out(share))


@router.delete(
    "/books/{book_id}/shares/{share_id}",
    response={204: None, **DELETE_ERRORS},
    summary="Retirer un partage",
)
def unshare_book(request: HttpRequest, book_id: str, share_id: uuid.UUID) -> Status[None]:
    agent = caller(request)
    book = _stored(_book(agent, book_id))
    share = access.access_share_by_id(agent, book, share_id)
    actions.do_unshare_address_book(agent, share, address=caller_address(request))
    return Status(204, None)


# --- Cards ------------------------------------------------------------------------------------


@router.get(
    "/books/{book_id}/cards",
    response={200: list[CardOut], **READ_ERRORS},
    summary="Contacts d'un carnet",
    description="Filtrés par `q` (chaque mot dans le nom, l'adresse électronique, le "
    "téléphone ou l'organisation).",
)
def list_cards(request: HttpRequest, book_id: str, filters: Query[CardSearchIn]) -> list[CardOut]:
    agent = caller(request)
    return [_card_out(card) for card in _cards(agent, _book(agent, book_id), filters.q)]


@router.get(
    "/books/{book_id}/cards/{card_id}",
    response={200: CardDetailOut, **READ_ERRORS},
    summary="Un contact, avec sa fiche vCard",
)
def get_card(request: HttpRequest, book_id: str, card_id: str) -> CardDetailOut:
    agent = caller(request)
    return _detail(_card(agent, _book(agent, book_id), card_id))


@router.post(
    "/books/{book_id}/cards",
    response={201: CardDetailOut, **SAVE_ERRORS},
    summary="Créer un contact",
)
def create_card(request: HttpRequest, book_id: str, payload: CardIn) -> Status[CardDetailOut]:
    agent = caller(request)
    book = _stored(_book(agent, book_id))
    text = payload.vcard if payload.vcard else vcard.build_card(_fields(payload))
    checked = vcard.parse_card(text)
    result = actions.do_put_card(
        agent, book, vcard.resource_name_for(checked.uid), text, if_none_match=True
    )
    return Status(201, _detail(result.card))


@router.put(
    "/books/{book_id}/cards/{card_id}",
    response={200: CardDetailOut, **SAVE_ERRORS},
    summary="Modifier un contact",
    description="Les champs remplacent ceux de la fiche, les autres propriétés (photo, "
    "adresses…) sont gardées ; ou `vcard` remplace la fiche entière.",
)
def update_card(request: HttpRequest, book_id: str, card_id: str, payload: CardIn) -> CardDetailOut:
    agent = caller(request)
    book = _stored(_book(agent, book_id))
    card = access.access_card_by_id(agent, book, card_id)
    text = payload.vcard if payload.vcard else vcard.update_card(card.data, _fields(payload))
    result = actions.do_put_card(agent, book, card.name, text, if_match=payload.etag or card.etag)
    return _detail(result.card)


@router.delete(
    "/books/{book_id}/cards/{card_id}",
    response={204: None, **DELETE_ERRORS},
    summary="Supprimer un contact",
)
def delete_card(request: HttpRequest, book_id: str, card_id: str) -> Status[None]:
    agent = caller(request)
    book = _stored(_book(agent, book_id))
    card = access.access_card_by_id(agent, book, card_id)
    actions.do_delete_card(agent, book, card.name)
    return Status(204, None)


# --- Import and export ------------------------------------------------------------------------


@router.post(
    "/books/{book_id}/import",
    response={200: ImportOut, **SAVE_ERRORS},
    summary="Importer un fichier .vcf",
    description="Envoi multipart (champ « file »). Toutes les fiches ou aucune : une fiche "
    "dont l'UID existe remplace le contact, une fiche sans UID en reçoit un.",
)
def import_cards(request: HttpRequest, book_id: str, file: File[UploadedFile]) -> ImportOut:
    agent = caller(request)
    book = _stored(_book(agent, book_id))
    if (file.size or 0) > vcard.MAX_IMPORT_BYTES:
        raise vcard.InvalidCard(
            _("Le fichier dépasse la taille autorisée (10 Mio)."), precondition="max-resource-size"
        )
    result = actions.do_import_cards(agent, book, file.read(), address=caller_address(request))
    return ImportOut(created=result.created, updated=result.updated)


@router.get(
    "/books/{book_id}/export",
    response={200: None, **READ_ERRORS},
    summary="Exporter un carnet en .vcf",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Les fiches vCard du carnet, à la suite",
                "content": {"text/vcard": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_cards(request: HttpRequest, book_id: str) -> HttpResponse:
    agent = caller(request)
    book = _book(agent, book_id)
    cards = (
        _cards(agent, book, "")
        if isinstance(book, DirectoryBook)
        else access.access_cards(agent, book)
    )
    body = "".join(card.data if card.data.endswith("\n") else card.data + "\r\n" for card in cards)
    response = HttpResponse(body.encode("utf-8"), content_type="text/vcard; charset=utf-8")
    filename = f"{book.slug}.vcf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
