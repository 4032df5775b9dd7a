"""Lists from the directory's departments and groups: creating one, what a message to it
becomes (a copy for each member's mailbox, with ``List-Id`` and ``List-Post``), and the
moderator's decisions on held messages.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.mail.addresses import parse_address
from beffroi.mail.errors import AddressTaken, NotLocalDomain, UnknownRecipient
from beffroi.mail.index import header, parse
from beffroi.mail.models import Domain, HeldMessage, Mailbox, MailingList
from beffroi.mail.policies import may_manage_domains, signed_in_agent
from beffroi.mail.queries import list_for_address, mailbox_for_address
from beffroi.mail.store import read_raw, store_raw


class PostingRefused(InvalidInput):
    code = "liste_ecriture_refusee"
    http_status = 403
    default_message = gettext_lazy("Vous ne pouvez pas écrire à cette liste.")


def member_ids(mailing_list: MailingList) -> set[uuid.UUID]:
    """The members now (resolved at each delivery): active agents of the department or group."""
    if mailing_list.department_id is not None:
        agents = Agent.objects.filter(memberships__department_id=mailing_list.department_id)
    else:
        agents = Agent.objects.filter(agent_groups=mailing_list.group)
    return set(agents.filter(status=Agent.Status.ACTIVE).values_list("pk", flat=True))


def member_mailboxes(mailing_list: MailingList) -> list[Mailbox]:
    return list(Mailbox.objects.filter(owner_id__in=member_ids(mailing_list)).order_by("address"))


def may_post(mailing_list: MailingList, envelope_sender: str, *, from_outside: bool) -> bool:
    """Whether ``envelope_sender`` may write to the list. Mail arriving at the MX from the
    world is never taken for an agent's (agents write through submission, authenticated)."""
    if mailing_list.who_may_post == MailingList.Posting.ANYONE:
        return True
    if from_outside:
        return False
    sender = mailbox_for_address(envelope_sender) if envelope_sender else None
    if sender is None or sender.owner_id is None:
        return False
    if mailing_list.who_may_post == MailingList.Posting.ORGANISATION:
        return True
    return sender.owner_id in member_ids(mailing_list)


def is_moderator(user: Any, mailing_list: MailingList) -> bool:
    agent = signed_in_agent(user)
    return agent is not None and (agent.pk == mailing_list.moderator_id or agent.is_superuser)


def needs_moderation(mailing_list: MailingList, envelope_sender: str) -> bool:
    if not mailing_list.moderated:
        return False
    sender = mailbox_for_address(envelope_sender) if envelope_sender else None
    return sender is None or sender.owner_id is None or sender.owner_id != mailing_list.moderator_id


def with_list_headers(mailing_list: MailingList, raw: bytes) -> bytes:
    """The copy members get: ``List-Id`` (RFC 2919) and ``List-Post`` (RFC 2369) on top."""
    local = mailing_list.address.partition("@")[0]
    name = "".join(c for c in mailing_list.name if c.isprintable() and c not in '"\\<>')[:100]
    headers = (
        f'List-Id: "{name}" <{local}.{mailing_list.domain.name}>\r\n'
        f"List-Post: <mailto:{mailing_list.address}>\r\n"
    )
    return headers.encode("utf-8") + raw


def hold(mailing_list: MailingList, raw: bytes, envelope_sender: str) -> HeldMessage:
    """Keep the message for the moderator (the blob first, then the row)."""
    stored = store_raw(raw)
    message = parse(raw)
    return HeldMessage.objects.create(
        mailing_list=mailing_list,
        blob_id=stored.sha256,
        size=stored.size,
        envelope_sender=envelope_sender[:320],
        sender=header(message, "from")[:2000],
        subject=header(message, "subject")[:2000],
    )


@dataclass(frozen=True)
class NewList:
    address: str
    name: str
    department: Department | None = None
    group: AgentGroup | None = None
    who_may_post: str = MailingList.Posting.ORGANISATION
    moderated: bool = False
    moderator: Agent | None = None


def do_create_list(
    new: NewList, *, acting: Agent | None = None, address: str | None = None
) -> MailingList:
    """A list for a department or a group, at a free address of a local domain."""
    if acting is not None and not may_manage_domains(acting):
        raise NotAllowed()
    name = " ".join(new.name.split())
    if not name or len(name) > 200:
        raise InvalidInput(fields={"name": [_("Donnez un nom à la liste.")]})
    if (new.department is None) == (new.group is None):
        raise InvalidInput(_("Une liste est celle d'un service ou d'un groupe."))
    if new.who_may_post not in MailingList.Posting.values:
        raise InvalidInput(fields={"who_may_post": [_("Choix inconnu.")]})
    if new.moderated and new.moderator is None:
        raise InvalidInput(fields={"moderator": [_("Une liste modérée a un modérateur.")]})
    parsed = parse_address(new.address)
    with transaction.atomic():
        domain = Domain.objects.filter(name=parsed.domain).first()
        if domain is None:
            raise NotLocalDomain()
        if mailbox_for_address(str(parsed)) is not None or list_for_address(str(parsed)):
            raise AddressTaken()
        mailing_list = MailingList.objects.create(
            domain=domain,
            address=str(parsed),
            name=name,
            department=new.department,
            group=new.group,
            who_may_post=new.who_may_post,
            moderated=new.moderated,
            moderator=new.moderator,
        )
        record(
            "mail.list_created",
            actor=acting,
            target=mailing_list,
            address=address,
            details={
                "address": mailing_list.address,
                "of": new.department.code if new.department else str(new.group),
                "who_may_post": new.who_may_post,
                "moderated": new.moderated,
            },
        )
    return mailing_list


def held_for(user: Any) -> list[HeldMessage]:
    """The messages waiting for this moderator's decision."""
    agent = signed_in_agent(user)
    if agent is None:
        return []
    held = HeldMessage.objects.select_related("mailing_list")
    if not agent.is_superuser:
        held = held.filter(mailing_list__moderator=agent)
    return list(held.order_by("created_at"))


def access_held(user: Any, held_id: Any) -> HeldMessage:
    try:
        key = uuid.UUID(str(held_id))
    except ValueError:
        raise NotFound() from None
    held = HeldMessage.objects.select_related("mailing_list__domain").filter(pk=key).first()
    if held is None or not is_moderator(user, held.mailing_list):
        raise NotFound()
    return held


def do_moderate(
    held: HeldMessage, *, approve: bool, acting: Agent | None, address: str | None = None
) -> int:
    """Approve (deliver to the members as they are now) or refuse a held message; returns
    how many mailboxes got it. ``acting`` None is the console's administrator."""
    from beffroi.mail.actions.messages import do_deliver

    if acting is not None and not is_moderator(acting, held.mailing_list):
        raise NotFound()
    delivered = 0
    with transaction.atomic():
        locked = HeldMessage.objects.select_for_update().filter(pk=held.pk).first()
        if locked is None:
            raise NotFound()
        mailing_list = held.mailing_list
        if approve:
            members = [mailbox.address for mailbox in member_mailboxes(mailing_list)]
            if members:
                raw = with_list_headers(mailing_list, read_raw(locked.blob_id))
                delivered = len(do_deliver(raw, locked.envelope_sender, members).messages)
        locked.delete()
        record(
            "mail.list_message_moderated",
            actor=acting,
            target=mailing_list,
            address=address,
            details={"approved": approve, "subject": held.subject[:200], "mailboxes": delivered},
        )
    return delivered


@dataclass
class Expansion:
    """Where a message to these recipients goes: ``(mailbox, bytes)`` once per mailbox (the
    list's copy carries its headers), and the moderated lists that hold it."""

    copies: list[tuple[Mailbox, bytes]]
    held: list[MailingList]


def expand(
    recipients: Iterable[str], envelope_sender: str, raw: bytes, *, from_outside: bool
) -> Expansion:
    """Resolve the recipients: mailboxes and aliases directly, lists to their members now.
    A mailbox reached directly and through a list, or through two lists, gets one copy.
    ``UnknownRecipient`` or ``PostingRefused`` for any recipient refuses the whole message."""
    direct: dict[uuid.UUID, Mailbox] = {}
    reached: list[MailingList] = []
    for recipient in recipients:
        mailbox = mailbox_for_address(recipient)
        if mailbox is not None:
            direct.setdefault(mailbox.pk, mailbox)
            continue
        mailing_list = list_for_address(recipient)
        if mailing_list is None:
            raise UnknownRecipient()
        if not may_post(mailing_list, envelope_sender, from_outside=from_outside):
            raise PostingRefused()
        if mailing_list not in reached:
            reached.append(mailing_list)
    copies = [(mailbox, raw) for mailbox in direct.values()]
    seen = set(direct)
    held = []
    for mailing_list in reached:
        if needs_moderation(mailing_list, envelope_sender):
            held.append(mailing_list)
            continue
        copy = with_list_headers(mailing_list, raw)
        for mailbox in member_mailboxes(mailing_list):
            if mailbox.pk not in seen:
                seen.add(mailbox.pk)
                copies.append((mailbox, copy))
    return Expansion(copies=copies, held=held)
