"""A mailbox over an agent's career: given when they arrive (or get an address) in a domain we
already serve, and when they leave, handed over to a colleague or turned into a shared mailbox
(the service keeps its correspondence; nothing is deleted).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotAllowed
from beffroi.directory.models import Agent
from beffroi.mail.actions.mailboxes import create_personal_mailbox
from beffroi.mail.addresses import InvalidAddress, parse_address
from beffroi.mail.models import Delegation, Domain, Mailbox
from beffroi.mail.policies import may_manage_domains
from beffroi.mail.queries import is_local_recipient


def give_mailbox_if_served(agent: Agent, *, acting: Agent | None = None) -> Mailbox | None:
    """The agent's mailbox when their address is in one of our domains and free (inside the
    caller's transaction: the directory's creation and profile actions call it)."""
    if not agent.email or Mailbox.objects.filter(owner=agent).exists():
        return None
    try:
        address = parse_address(agent.email)
    except InvalidAddress:
        return None
    domain = Domain.objects.filter(name=address.domain).first()
    if domain is None or is_local_recipient(str(address)):
        return None
    mailbox = create_personal_mailbox(agent, domain)
    record(
        "mail.mailbox_created",
        actor=acting,
        target=mailbox,
        details={"address": mailbox.address, "kind": mailbox.kind, "owner": agent.username},
    )
    return mailbox


def _departed_mailbox(mailbox: Mailbox, acting: Agent | None) -> Agent:
    if acting is not None and not may_manage_domains(acting):
        raise NotAllowed()
    owner = mailbox.owner
    if mailbox.kind != Mailbox.Kind.PERSONAL or owner is None:
        raise InvalidInput(_("Cette boîte aux lettres n'est pas celle d'un agent."))
    if owner.status != Agent.Status.DEPARTED:
        raise InvalidInput(_("L'agent n'est pas parti : sa boîte aux lettres reste la sienne."))
    return owner


def do_hand_over_mailbox(
    mailbox: Mailbox, successor: Agent, *, acting: Agent | None, address: str | None = None
) -> Delegation:
    """The successor reads the departed agent's mailbox and sends as its address."""
    owner = _departed_mailbox(mailbox, acting)
    if successor.pk == owner.pk or successor.status != Agent.Status.ACTIVE:
        raise InvalidInput(_("Choisissez un agent actif pour reprendre cette boîte."))
    with transaction.atomic():
        delegation, _created = Delegation.objects.update_or_create(
            mailbox=mailbox,
            agent=successor,
            defaults={"read": True, "send_as": True, "send_on_behalf": False},
        )
        record(
            "mail.mailbox_handed_over",
            actor=acting,
            target=mailbox,
            address=address,
            details={"from": owner.username, "to": successor.username},
        )
    return delegation


def do_convert_to_shared(
    mailbox: Mailbox, *, acting: Agent | None, address: str | None = None
) -> Mailbox:
    """The departed agent's mailbox becomes a shared one (no owner; delegations decide who
    reads it), keeping its address, folders, messages and delegations."""
    owner = _departed_mailbox(mailbox, acting)
    with transaction.atomic():
        Mailbox.objects.filter(pk=mailbox.pk).update(kind=Mailbox.Kind.SHARED, owner=None)
        mailbox.refresh_from_db()
        record(
            "mail.mailbox_converted_to_shared",
            actor=acting,
            target=mailbox,
            address=address,
            details={"address": mailbox.address, "former_owner": owner.username},
        )
    return mailbox
