"""Reading the mail store for a person: one choke point, one answer for missing and forbidden."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from beffroi.core.errors import NotFound
from beffroi.mail.models import Alias, Delegation, Folder, Mailbox, Message
from beffroi.mail.policies import abilities, delegations_reaching, signed_in_agent
from beffroi.mail.store import read_raw


def access_mailboxes(user: Any) -> list[Mailbox]:
    """The agent's own mailbox first, then those delegated to them for reading."""
    agent = signed_in_agent(user)
    if agent is None:
        return []
    own = list(Mailbox.objects.filter(owner=agent))
    delegated = (
        Mailbox.objects.exclude(owner=agent)
        .filter(delegations_reaching(agent, "delegations__"), delegations__read=True)
        .distinct()
        .order_by("address")
    )
    return own + list(delegated)


def access_mailbox(user: Any, mailbox_id: uuid.UUID | str) -> Mailbox:
    try:
        key = uuid.UUID(str(mailbox_id))
    except ValueError:
        raise NotFound() from None
    mailbox = Mailbox.objects.filter(pk=key).first()
    if mailbox is None or not abilities(user, mailbox).read:
        raise NotFound()
    return mailbox


def access_folder(user: Any, mailbox: Mailbox, name: str) -> Folder:
    folder = Folder.objects.select_related("mailbox").filter(mailbox=mailbox, name=name).first()
    if folder is None or not abilities(user, mailbox).read:
        raise NotFound()
    return folder


def access_folders(user: Any, mailbox: Mailbox) -> list[Folder]:
    if not abilities(user, mailbox).read:
        raise NotFound()
    return list(Folder.objects.filter(mailbox=mailbox).order_by("name"))


def access_messages(user: Any, folder: Folder, uids: Iterable[int] | None = None) -> list[Message]:
    """The messages of ``folder`` (those among ``uids`` if given), by UID."""
    if not abilities(user, folder.mailbox).read:
        raise NotFound()
    messages = Message.objects.filter(folder=folder)
    if uids is not None:
        messages = messages.filter(uid__in=list(uids))
    return list(messages.order_by("uid"))


def access_message_bytes(user: Any, message: Message) -> bytes:
    """The message exactly as it was received."""
    if not abilities(user, message.folder.mailbox).read:
        raise NotFound()
    return read_raw(message.blob_id)


@dataclass(frozen=True)
class SendingAddresses:
    """The addresses an agent may put in From: (``as_self``: theirs, their aliases and those
    delegated "send as"), and those only "on behalf" (From: it, Sender: the agent)."""

    own: str | None
    as_self: frozenset[str]
    on_behalf: frozenset[str]

    def may_send_from(self, address: str) -> bool:
        return address in self.as_self or address in self.on_behalf


def _addresses(mailboxes: Iterable[Mailbox]) -> set[str]:
    boxes = list(mailboxes)
    found = {mailbox.address for mailbox in boxes}
    found.update(Alias.objects.filter(mailbox__in=boxes).values_list("address", flat=True))
    return found


def access_sending_addresses(user: Any) -> SendingAddresses:
    agent = signed_in_agent(user)
    if agent is None:
        return SendingAddresses(own=None, as_self=frozenset(), on_behalf=frozenset())
    own = Mailbox.objects.filter(owner=agent).first()
    granted = Delegation.objects.filter(delegations_reaching(agent)).select_related("mailbox")
    send_as = [delegation.mailbox for delegation in granted if delegation.send_as]
    on_behalf = [delegation.mailbox for delegation in granted if delegation.send_on_behalf]
    as_self = _addresses([*([own] if own else []), *send_as])
    return SendingAddresses(
        own=own.address if own else None,
        as_self=frozenset(as_self),
        on_behalf=frozenset(_addresses(on_behalf) - as_self),
    )
