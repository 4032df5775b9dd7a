"""Every write to address books: one transaction each, the book's revision bumped with it.

Creating, deleting and sharing a book is audited, and so is an import; card writes are not
(numerous, and the book's own business), but each bumps the revision and logs a ``CardChange``
for sync tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.audit.actions import record
from beffroi.contacts import search, vcard
from beffroi.contacts.directory_book import SLUG as DIRECTORY_SLUG
from beffroi.contacts.models import AddressBook, AddressBookShare, Card, CardChange, ShareRole
from beffroi.contacts.policies import abilities
from beffroi.core.errors import BeffroiError, InvalidInput, NotAllowed, NotFound
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.directory.models import Agent, AgentGroup, Department

DEFAULT_BOOK_SLUG = "contacts"
SHARED_PREFIX = "partage-"
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f/\\]")

Grantee = Agent | AgentGroup | Department


class StaleVersion(BeffroiError):
    """The client's idea of the card (If-Match, If-None-Match) is no longer true."""

    code = "version_perimee"
    http_status = 412
    default_message = gettext_lazy(
        "Le contact a été modifié entre-temps : rechargez-le avant de l'enregistrer."
    )


class UidConflict(InvalidInput):
    code = "uid_deja_utilise"
    http_status = 409


class AddressBookExists(InvalidInput):
    code = "carnet_existant"
    http_status = 409


@dataclass(frozen=True)
class PutResult:
    card: Card
    created: bool


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def do_ensure_default_address_book(agent: Agent) -> AddressBook:
    """The agent's "Contacts", created the first time a client or page looks for it."""
    existing = AddressBook.objects.filter(owner=agent).order_by("created_at").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        book, created = AddressBook.objects.get_or_create(
            owner=agent, slug=DEFAULT_BOOK_SLUG, defaults={"name": _("Contacts")}
        )
        if created:
            record(
                "contacts.address_book_created",
                actor=agent,
                target=book,
                details={"slug": book.slug, "default": True},
            )
    return book


def do_create_address_book(
    agent: Agent,
    *,
    slug: str,
    name: str = "",
    description: str = "",
    address: str | None = None,
) -> AddressBook:
    if not _SLUG.fullmatch(slug) or slug == DIRECTORY_SLUG or slug.startswith(SHARED_PREFIX):
        raise InvalidInput(
            fields={"slug": [_("Cet identifiant de carnet d'adresses n'est pas valide.")]}
        )
    fields = _checked_fields(name=name or slug, description=description)
    with transaction.atomic():
        if AddressBook.objects.filter(owner=agent, slug=slug).exists():
            raise AddressBookExists(
                fields={"slug": [_("Un carnet d'adresses porte déjà cet identifiant.")]}
            )
        book = AddressBook.objects.create(owner=agent, slug=slug, **fields)
        record(
            "contacts.address_book_created",
            actor=agent,
            target=book,
            address=address,
            details={"slug": slug, "name": book.name},
        )
        _publish(book)
    return book


def do_update_address_book(
    agent: Agent, book: AddressBook, *, name: str | None = None, description: str | None = None
) -> AddressBook:
    if not abilities(agent, book).manage:
        raise NotAllowed()
    fields = _checked_fields(name=name, description=description)
    with transaction.atomic():
        locked = AddressBook.objects.select_for_update().get(pk=book.pk)
        for field, value in fields.items():
            setattr(locked, field, value)
        locked.revision += 1
        locked.save()
        _publish(locked)
    return locked


def do_delete_address_book(agent: Agent, book: AddressBook, *, address: str | None = None) -> None:
    if not abilities(agent, book).delete:
        raise NotAllowed(_("Seul le propriétaire d'un carnet d'adresses peut le supprimer."))
    with transaction.atomic():
        record(
            "contacts.address_book_deleted",
            actor=agent,
            target=book,
            address=address,
            details={"slug": book.slug, "name": book.name, "cards": book.cards.count()},
        )
        _publish(book)
        search.cards_removed(book.cards.values_list("pk", flat=True))
        book.delete()


def do_share_address_book(
    agent: Agent,
    book: AddressBook,
    grantee: Grantee,
    role: str,
    *,
    address: str | None = None,
) -> AddressBookShare:
    """Share ``book`` with an agent, a group or a department, or change the role it has."""
    if not abilities(agent, book).manage:
        raise NotAllowed()
    if role not in ShareRole.values:
        raise InvalidInput(fields={"role": [_("Rôle inconnu.")]})
    if isinstance(grantee, Agent) and grantee.pk == book.owner_id:
        raise InvalidInput(fields={"grantee": [_("Le propriétaire a déjà tous les droits.")]})
    key = _grantee_key(grantee)
    with transaction.atomic():
        share, created = AddressBookShare.objects.update_or_create(
            address_book=book, **key, defaults={"role": role}
        )
        record(
            "contacts.address_book_shared",
            actor=agent,
            target=book,
            address=address,
            details={"with": _grantee_label(grantee), "role": role, "new": created},
        )
        _publish(book)
    return share


def do_unshare_address_book(
    agent: Agent, share: AddressBookShare, *, address: str | None = None
) -> None:
    book = share.address_book
    if not abilities(agent, book).manage:
        raise NotAllowed()
    grantee = share.agent or share.group or share.department
    with transaction.atomic():
        record(
            "contacts.address_book_unshared",
            actor=agent,
            target=book,
            address=address,
            details={"with": _grantee_label(grantee) if grantee else "", "role": share.role},
        )
        share.delete()
        _publish(book)


def do_put_card(
    agent: Agent,
    book: AddressBook,
    name: str,
    data: bytes | str,
    *,
    if_match: str | None = None,
    if_none_match: bool = False,
) -> PutResult:
    """Create or replace the card ``name`` of the book.

    ``if_match`` is the ETag the client last saw (the write fails if it changed since);
    ``if_none_match`` asks to create only (it fails if the name is taken).
    """
    if not abilities(agent, book).write_cards:
        raise NotAllowed()
    _check_name(name)
    checked = vcard.parse_card(data)
    with transaction.atomic():
        locked = AddressBook.objects.select_for_update().get(pk=book.pk)
        card = Card.objects.filter(address_book=locked, name=name).first()
        _check_versions(card, if_match=if_match, if_none_match=if_none_match)
        result = _store(locked, card, name, checked)
    return result


def do_delete_card(
    agent: Agent, book: AddressBook, name: str, *, if_match: str | None = None
) -> None:
    if not abilities(agent, book).write_cards:
        raise NotAllowed()
    with transaction.atomic():
        locked = AddressBook.objects.select_for_update().get(pk=book.pk)
        card = Card.objects.filter(address_book=locked, name=name).first()
        if card is None:
            raise NotFound()
        _check_versions(card, if_match=if_match, if_none_match=False)
        search.cards_removed([card.pk])
        card.delete()
        _log_change(locked, name, card.uid, deleted=True)


def do_import_cards(
    agent: Agent, book: AddressBook, data: bytes | str, *, address: str | None = None
) -> ImportResult:
    """Every card of a ``.vcf`` file, or none: a card whose UID the book has replaces it, a
    card without UID gets one. A refused card names its rank in the file."""
    if not abilities(agent, book).write_cards:
        raise NotAllowed()
    blocks = vcard.split_cards(data)
    checked: list[vcard.CardData] = []
    for rank, block in enumerate(blocks, start=1):
        try:
            checked.append(vcard.parse_card(vcard.with_uid(block)))
        except vcard.InvalidCard as problem:
            raise vcard.InvalidCard(
                _("Fiche n° %(rank)s : %(reason)s") % {"rank": rank, "reason": problem.message},
                precondition=problem.precondition,
                status=problem.status,
            ) from None
    uids = [card.uid for card in checked]
    if len(set(uids)) != len(uids):
        raise UidConflict(
            _("Le fichier contient plusieurs fiches avec le même identifiant (UID)."),
            fields={"data": [_("UID en double dans le fichier.")]},
        )
    created = updated = 0
    with transaction.atomic():
        locked = AddressBook.objects.select_for_update().get(pk=book.pk)
        existing = {card.uid: card for card in Card.objects.filter(address_book=locked)}
        for card_data in checked:
            card = existing.get(card_data.uid)
            name = card.name if card else vcard.resource_name_for(card_data.uid)
            while card is None and Card.objects.filter(address_book=locked, name=name).exists():
                name = vcard.resource_name_for("")
            _store(locked, card, name, card_data)
            created, updated = (created + 1, updated) if card is None else (created, updated + 1)
        record(
            "contacts.cards_imported",
            actor=agent,
            target=locked,
            address=address,
            details={"created": created, "updated": updated},
        )
    return ImportResult(created=created, updated=updated)


def _store(book: AddressBook, card: Card | None, name: str, checked: vcard.CardData) -> PutResult:
    """Write one checked card into the locked ``book``."""
    other = Card.objects.filter(address_book=book, uid=checked.uid).exclude(name=name)
    if other.exists():
        raise UidConflict(
            _("Un autre contact de ce carnet porte déjà cet identifiant (UID)."),
            fields={"uid": [checked.uid]},
        )
    created = card is None
    if card is None:
        card = Card(address_book=book, name=name)
    card.uid = checked.uid
    card.version = checked.version
    card.data = checked.text
    card.etag = checked.etag
    card.full_name = checked.full_name
    card.emails = "\n".join(checked.emails)
    card.phones = "\n".join(checked.phones)
    card.organisation = checked.organisation
    card.save()
    _log_change(book, name, checked.uid, deleted=False)
    search.card_changed(card)
    return PutResult(card=card, created=created)


def _check_versions(card: Card | None, *, if_match: str | None, if_none_match: bool) -> None:
    if if_none_match and card is not None:
        raise StaleVersion(_("Un contact existe déjà à cette adresse."))
    if if_match is not None and if_match != "*" and (card is None or card.etag != if_match):
        raise StaleVersion()
    if if_match == "*" and card is None:
        raise StaleVersion()


def _check_name(name: str) -> None:
    if not name or len(name) > 255 or name.startswith(".") or _CONTROL.search(name):
        raise InvalidInput(fields={"name": [_("Ce nom de ressource n'est pas valide.")]})


def _checked_fields(*, name: str | None, description: str | None) -> dict[str, str]:
    fields: dict[str, str] = {}
    if name is not None:
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidInput(
                fields={"name": [_("Le nom du carnet d'adresses doit faire 1 à 200 caractères.")]}
            )
        fields["name"] = name
    if description is not None:
        if len(description) > 500:
            raise InvalidInput(
                fields={"description": [_("La description fait 500 caractères au plus.")]}
            )
        if "\x00" in description:
            # No database stores a NUL in text (PostgreSQL refuses it).
            raise InvalidInput(
                fields={"description": [_("Ce texte contient des caractères non permis.")]}
            )
        fields["description"] = description.strip()
    return fields


def _grantee_key(grantee: Grantee) -> dict[str, Any]:
    if isinstance(grantee, Agent):
        return {"agent": grantee}
    if isinstance(grantee, AgentGroup):
        return {"group": grantee}
    return {"department": grantee}


def _grantee_label(grantee: Grantee) -> str:
    if isinstance(grantee, Agent):
        return grantee.username
    if isinstance(grantee, AgentGroup):
        return f"groupe:{grantee.name}"
    return f"service:{grantee.code}"


def _log_change(book: AddressBook, name: str, uid: str, *, deleted: bool) -> None:
    """Bump the revision (the book row is locked by the caller) and log the change."""
    book.revision += 1
    book.save(update_fields=["revision", "updated_at"])
    CardChange.objects.update_or_create(
        address_book=book,
        name=name,
        defaults={"uid": uid, "revision": book.revision, "deleted": deleted},
    )
    _publish(book)


def _publish(book: AddressBook) -> None:
    payload: dict[str, Any] = {"address_book": str(book.pk), "revision": book.revision}
    publish_on_commit([agent_group(book.owner_id)], "contacts.changed", payload)
