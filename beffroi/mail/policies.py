"""What a person may do with a mailbox: one answer, read by every adapter (SMTP submission,
IMAP, the webmail, the API).

An agent reads and sends from their own mailbox and manages its delegations. A delegation
grants an agent, or every member of a group, some of: read (the folders and messages), send as
(the mailbox's address in From:), send on behalf (From: the mailbox, Sender: the agent). The
organisation's administrators manage every mailbox (create, delegate) without reading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from beffroi.directory.models import Agent
from beffroi.mail.models import Delegation, Mailbox


@dataclass(frozen=True)
class MailboxAbilities:
    read: bool = False
    send_as: bool = False
    send_on_behalf: bool = False
    manage: bool = False  # delegations, quota


NOTHING = MailboxAbilities()
OWNER = MailboxAbilities(read=True, send_as=True, send_on_behalf=True, manage=True)
ADMINISTRATOR = MailboxAbilities(manage=True)


def signed_in_agent(user: Any) -> Agent | None:
    if isinstance(user, Agent) and user.is_authenticated and user.can_sign_in:
        return user
    return None


def delegations_reaching(agent: Agent, prefix: str = "") -> Q:
    """The filter on delegations (through ``prefix``) granted to ``agent`` or their groups."""
    return Q(**{f"{prefix}agent": agent}) | Q(**{f"{prefix}group__members": agent})


def abilities(user: Any, mailbox: Mailbox) -> MailboxAbilities:
    agent = signed_in_agent(user)
    if agent is None:
        return NOTHING
    if mailbox.owner_id == agent.pk:
        return OWNER
    read = send_as = send_on_behalf = False
    for granted in (
        Delegation.objects.filter(mailbox=mailbox)
        .filter(delegations_reaching(agent))
        .values("read", "send_as", "send_on_behalf")
    ):
        read = read or granted["read"]
        send_as = send_as or granted["send_as"]
        send_on_behalf = send_on_behalf or granted["send_on_behalf"]
    return MailboxAbilities(
        read=read,
        send_as=send_as,
        send_on_behalf=send_on_behalf,
        manage=agent.is_superuser,
    )


def may_manage_domains(user: Any) -> bool:
    agent = signed_in_agent(user)
    return agent is not None and agent.is_superuser


def may_assign(user: Any, mailbox: Mailbox) -> bool:
    """Whoever reads a mailbox may hand its conversations to another of its readers."""
    return abilities(user, mailbox).read


def may_answer_invitations(user: Any, mailbox: Mailbox) -> bool:
    """An invitation is personal: answered only from its recipient's own mailbox."""
    agent = signed_in_agent(user)
    return agent is not None and mailbox.owner_id == agent.pk
