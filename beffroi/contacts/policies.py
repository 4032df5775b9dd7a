"""What a person may do with an address book: one answer, read by the DAV adapter, the API and
the web.

The owner may do everything. A share grants a role: a reader reads, an editor also writes
cards, a manager also renames the book and shares it. Only the owner deletes it. A share with a
department reaches the agents of that department and of the departments below it. The global
address book is read-only, for every signed-in agent but guests (who see only themselves in the
directory).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from beffroi.contacts.models import AddressBook, AddressBookShare, ShareRole
from beffroi.directory import queries
from beffroi.directory.models import Agent


@dataclass(frozen=True)
class AddressBookAbilities:
    read: bool = False
    write_cards: bool = False
    manage: bool = False  # rename, share
    delete: bool = False


NOTHING = AddressBookAbilities()
READER = AddressBookAbilities(read=True)
EDITOR = AddressBookAbilities(read=True, write_cards=True)
MANAGER = AddressBookAbilities(read=True, write_cards=True, manage=True)
OWNER = AddressBookAbilities(read=True, write_cards=True, manage=True, delete=True)
_BY_ROLE = {ShareRole.READER: READER, ShareRole.EDITOR: EDITOR, ShareRole.MANAGER: MANAGER}
_RANK = {ShareRole.READER: 1, ShareRole.EDITOR: 2, ShareRole.MANAGER: 3}


def signed_in_agent(user: Any) -> Agent | None:
    if isinstance(user, Agent) and user.is_authenticated and user.can_sign_in:
        return user
    return None


def abilities(user: Any, book: AddressBook) -> AddressBookAbilities:
    agent = signed_in_agent(user)
    if agent is None:
        return NOTHING
    if book.owner_id == agent.pk:
        return OWNER
    role = role_of(agent, book)
    return _BY_ROLE[role] if role is not None else NOTHING


def directory_abilities(user: Any) -> AddressBookAbilities:
    agent = signed_in_agent(user)
    if agent is None or agent.kind == Agent.Kind.GUEST:
        return NOTHING
    return READER


def role_of(agent: Agent, book: AddressBook) -> ShareRole | None:
    """The highest role the shares of ``book`` grant ``agent``."""
    roles = [
        ShareRole(role)
        for role in AddressBookShare.objects.filter(address_book=book)
        .filter(shares_reaching(agent))
        .values_list("role", flat=True)
    ]
    return max(roles, key=lambda role: _RANK[role]) if roles else None


def shares_reaching(agent: Agent, prefix: str = "") -> Q:
    """The filter on shares (through ``prefix``, e.g. ``"shares__"``) that reach ``agent``."""
    departments: set[uuid.UUID] = set()
    for department_id in queries.department_ids_of(agent):
        departments.add(department_id)
        departments.update(queries.ancestors_of(department_id))
    return (
        Q(**{f"{prefix}agent": agent})
        | Q(**{f"{prefix}group__members": agent})
        | Q(**{f"{prefix}department__in": departments})
    )
