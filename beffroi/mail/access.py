"""Reading the mail store for a person: one choke point, one answer for missing and forbidden."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q

from beffroi.core.errors import NotFound
from beffroi.directory.models import Agent
from beffroi.mail.models import Alias, Assignment, Delegation, Folder, Mailbox, Message
from beffroi.mail.policies import (
    abilities,
    delegations_reaching,
    may_answer_invitations,
    may_manage_domains,
    signed_in_agent,
)
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


# --- The webmail ----------------------------------------------------------------------------


def access_folder_by_id(user: Any, folder_id: uuid.UUID) -> Folder:
    """A folder of a mailbox ``user`` reads, by id (missing and forbidden alike)."""
    folder = Folder.objects.select_related("mailbox").filter(pk=folder_id).first()
    if folder is None or not abilities(user, folder.mailbox).read:
        raise NotFound()
    return folder


def access_message(user: Any, message_id: uuid.UUID) -> Message:
    message = Message.objects.select_related("folder__mailbox").filter(pk=message_id).first()
    if message is None or not abilities(user, message.folder.mailbox).read:
        raise NotFound()
    return message


def access_own_message(user: Any, message_id: uuid.UUID) -> Message:
    """A message of ``user``'s own mailbox (a shared mailbox's, even readable, is not found)."""
    message = access_message(user, message_id)
    if not may_answer_invitations(user, message.folder.mailbox):
        raise NotFound()
    return message


def access_unread_counts(user: Any, mailbox: Mailbox) -> dict[uuid.UUID, int]:
    """Unread messages per folder of ``mailbox``."""
    if not abilities(user, mailbox).read:
        raise NotFound()
    counts = (
        Message.objects.filter(folder__mailbox=mailbox, seen=False, deleted=False)
        .values("folder_id")
        .annotate(unread=Count("pk"))
    )
    return {row["folder_id"]: row["unread"] for row in counts}


@dataclass(frozen=True)
class ConversationRow:
    thread_id: uuid.UUID
    latest: Message
    count: int
    unread: int
    assignment: Assignment | None


def access_conversations(
    user: Any, folder: Folder, *, offset: int = 0, limit: int = 50
) -> tuple[list[ConversationRow], int]:
    """The conversations of ``folder`` (its messages grouped by thread), newest first, a page
    of them, and how many there are."""
    if not abilities(user, folder.mailbox).read:
        raise NotFound()
    threads = (
        Message.objects.filter(folder=folder)
        .values("thread_id")
        .annotate(
            latest=Max("internal_date"),
            count=Count("pk"),
            unread=Count("pk", filter=Q(seen=False)),
        )
        .order_by("-latest")
    )
    total = threads.count()
    page = list(threads[offset : offset + limit])
    ids = [row["thread_id"] for row in page]
    newest: dict[uuid.UUID, Message] = {}
    for message in Message.objects.filter(folder=folder, thread_id__in=ids).order_by(
        "-internal_date", "-uid"
    ):
        newest.setdefault(message.thread_id, message)
    assignments = {
        a.thread_id: a
        for a in Assignment.objects.select_related("assignee").filter(
            mailbox=folder.mailbox, thread_id__in=ids
        )
    }
    rows = [
        ConversationRow(
            thread_id=row["thread_id"],
            latest=newest[row["thread_id"]],
            count=row["count"],
            unread=row["unread"],
            assignment=assignments.get(row["thread_id"]),
        )
        for row in page
        if row["thread_id"] in newest
    ]
    return rows, total


def access_conversation(
    user: Any, mailbox: Mailbox, thread_id: uuid.UUID
) -> tuple[list[Message], Assignment | None]:
    """The messages of one conversation of ``mailbox``, oldest first, and its assignment."""
    if not abilities(user, mailbox).read:
        raise NotFound()
    messages = list(
        Message.objects.select_related("folder")
        .filter(folder__mailbox=mailbox, thread_id=thread_id)
        .order_by("internal_date", "uid")
    )
    if not messages:
        raise NotFound()
    assignment = (
        Assignment.objects.select_related("assignee")
        .filter(mailbox=mailbox, thread_id=thread_id)
        .first()
    )
    return messages, assignment


def access_delegates(user: Any, mailbox: Mailbox) -> list[Agent]:
    """The agents who read ``mailbox`` (those a conversation may be assigned to)."""
    if not abilities(user, mailbox).read:
        raise NotFound()
    grants = Delegation.objects.filter(mailbox=mailbox, read=True)
    agents = Agent.objects.filter(
        Q(pk__in=grants.values("agent")) | Q(agent_groups__in=grants.values("group"))
    )
    if mailbox.owner_id:
        agents = agents | Agent.objects.filter(pk=mailbox.owner_id)
    return sorted(
        (a for a in agents.distinct() if abilities(a, mailbox).read), key=lambda a: a.display_name
    )


# --- the console: shared mailboxes, managed by the organisation's administrators -------------


def access_shared_mailboxes(user: Any) -> list[Mailbox]:
    """Every shared mailbox, with its delegations and aliases (administrators only)."""
    if not may_manage_domains(user):
        raise NotFound()
    return list(
        Mailbox.objects.filter(kind=Mailbox.Kind.SHARED)
        .prefetch_related("delegations__agent", "delegations__group", "aliases")
        .order_by("address")
    )


def access_managed_mailbox(user: Any, mailbox_id: uuid.UUID | str) -> Mailbox:
    """A mailbox whose delegations, aliases and quota ``user`` manages (its content stays
    unread: managing is not reading)."""
    mailbox = (
        Mailbox.objects.prefetch_related("delegations__agent", "delegations__group", "aliases")
        .filter(pk=mailbox_id)
        .first()
    )
    if mailbox is None or not abilities(user, mailbox).manage:
        raise NotFound()
    return mailbox
