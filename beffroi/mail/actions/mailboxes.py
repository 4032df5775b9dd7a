"""Mailboxes (personal and shared), their folders, aliases and delegations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotAllowed
from beffroi.directory.models import Agent, AgentGroup
from beffroi.mail.addresses import parse_address
from beffroi.mail.errors import AddressTaken, NotLocalDomain
from beffroi.mail.models import Alias, Delegation, Domain, Folder, Mailbox
from beffroi.mail.policies import abilities, may_manage_domains
from beffroi.mail.queries import is_local_recipient

# The folders every mailbox starts with. INBOX keeps its IMAP name; the others are named in
# French and carry their SPECIAL-USE role (RFC 6154), which is what clients go by.
STANDARD_FOLDERS = (
    ("INBOX", Folder.SpecialUse.INBOX),
    ("Brouillons", Folder.SpecialUse.DRAFTS),
    ("Envoyés", Folder.SpecialUse.SENT),
    ("Archives", Folder.SpecialUse.ARCHIVE),
    ("Indésirables", Folder.SpecialUse.JUNK),
    ("Corbeille", Folder.SpecialUse.TRASH),
)


def _local_address(text: str) -> tuple[str, Domain]:
    address = parse_address(text)
    domain = Domain.objects.filter(name=address.domain).first()
    if domain is None:
        raise NotLocalDomain()
    if is_local_recipient(str(address)):
        raise AddressTaken()  # a mailbox, an alias or a list has it
    return str(address), domain


def _with_folders(mailbox: Mailbox) -> Mailbox:
    Folder.objects.bulk_create(
        Folder(mailbox=mailbox, name=name, special_use=role) for name, role in STANDARD_FOLDERS
    )
    return mailbox


def create_personal_mailbox(agent: Agent, domain: Domain) -> Mailbox:
    """The agent's mailbox at their directory address (inside the caller's transaction)."""
    address = parse_address(agent.email)
    return _with_folders(
        Mailbox.objects.create(
            kind=Mailbox.Kind.PERSONAL,
            domain=domain,
            address=str(address),
            name=agent.display_name,
            owner=agent,
            quota_bytes=settings.MAIL_QUOTA_BYTES,
        )
    )


def do_create_mailbox(
    agent: Agent, *, acting: Agent | None = None, address: str | None = None
) -> Mailbox:
    """The agent's own mailbox, at the e-mail address of the directory (in a local domain)."""
    if acting is not None and not may_manage_domains(acting):
        raise NotAllowed()
    with transaction.atomic():
        if Mailbox.objects.filter(owner=agent).exists():
            raise InvalidInput(_("Cet agent a déjà une boîte aux lettres."))
        _address, domain = _local_address(agent.email)
        mailbox = create_personal_mailbox(agent, domain)
        record(
            "mail.mailbox_created",
            actor=acting,
            target=mailbox,
            address=address,
            details={"address": mailbox.address, "kind": mailbox.kind, "owner": agent.username},
        )
    return mailbox


def do_create_shared_mailbox(
    mailbox_address: str,
    name: str,
    *,
    acting: Agent | None = None,
    quota_bytes: int | None = None,
    address: str | None = None,
) -> Mailbox:
    """A service's mailbox (mairie@, urbanisme@), read and used through delegations."""
    if acting is not None and not may_manage_domains(acting):
        raise NotAllowed()
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput(fields={"name": [_("Donnez un nom à la boîte aux lettres.")]})
    with transaction.atomic():
        text, domain = _local_address(mailbox_address)
        mailbox = _with_folders(
            Mailbox.objects.create(
                kind=Mailbox.Kind.SHARED,
                domain=domain,
                address=text,
                name=name,
                quota_bytes=settings.MAIL_QUOTA_BYTES if quota_bytes is None else quota_bytes,
            )
        )
        record(
            "mail.mailbox_created",
            actor=acting,
            target=mailbox,
            address=address,
            details={"address": mailbox.address, "kind": mailbox.kind, "name": name},
        )
    return mailbox


def do_add_alias(
    mailbox: Mailbox, alias_address: str, *, acting: Agent | None, address: str | None = None
) -> Alias:
    if acting is not None and not abilities(acting, mailbox).manage:
        raise NotAllowed()
    with transaction.atomic():
        text, _domain = _local_address(alias_address)
        alias = Alias.objects.create(address=text, mailbox=mailbox)
        record(
            "mail.alias_added",
            actor=acting,
            target=mailbox,
            address=address,
            details={"alias": text},
        )
    return alias


def do_remove_alias(alias: Alias, *, acting: Agent | None, address: str | None = None) -> None:
    """Mail to ``alias`` is no longer delivered (refused at RCPT like any unknown address)."""
    mailbox = alias.mailbox
    if acting is not None and not abilities(acting, mailbox).manage:
        raise NotAllowed()
    with transaction.atomic():
        alias.delete()
        record(
            "mail.alias_removed",
            actor=acting,
            target=mailbox,
            address=address,
            details={"alias": alias.address},
        )


# A quota is given in MiB in the console; at most 1 TiB (0: no quota).
MAX_QUOTA_BYTES = 1024**4


def do_set_quota(
    mailbox: Mailbox, quota_bytes: int, *, acting: Agent | None, address: str | None = None
) -> Mailbox:
    """The mailbox's quota (0: none). A quota below what the mailbox holds refuses new mail
    until messages are deleted; nothing is removed."""
    if acting is not None and not abilities(acting, mailbox).manage:
        raise NotAllowed()
    if not 0 <= quota_bytes <= MAX_QUOTA_BYTES:
        raise InvalidInput(fields={"quota": [_("Un quota entre 0 (aucun) et 1 Tio.")]})
    with transaction.atomic():
        before = mailbox.quota_bytes
        Mailbox.objects.filter(pk=mailbox.pk).update(quota_bytes=quota_bytes)
        mailbox.quota_bytes = quota_bytes
        record(
            "mail.quota_changed",
            actor=acting,
            target=mailbox,
            address=address,
            details={"before": before, "after": quota_bytes},
        )
    return mailbox


def do_grant_delegation(
    mailbox: Mailbox,
    grantee: Agent | AgentGroup,
    *,
    read: bool = True,
    send_as: bool = False,
    send_on_behalf: bool = False,
    acting: Agent | None,
    address: str | None = None,
) -> Delegation | None:
    """Give ``grantee`` these rights on ``mailbox`` (replacing what it had); no right at all
    removes the delegation (and returns None)."""
    if acting is not None and not abilities(acting, mailbox).manage:
        raise NotAllowed()
    if isinstance(grantee, Agent) and grantee.pk == mailbox.owner_id:
        raise InvalidInput(_("Le titulaire d'une boîte aux lettres a déjà tous les droits."))
    which: dict[str, Any] = {"agent": grantee} if isinstance(grantee, Agent) else {"group": grantee}
    with transaction.atomic():
        delegation: Delegation | None
        if read or send_as or send_on_behalf:
            delegation, _created = Delegation.objects.update_or_create(
                mailbox=mailbox,
                **which,
                defaults={"read": read, "send_as": send_as, "send_on_behalf": send_on_behalf},
            )
        else:
            Delegation.objects.filter(mailbox=mailbox, **which).delete()
            delegation = None
        record(
            "mail.delegation_changed",
            actor=acting,
            target=mailbox,
            address=address,
            details={
                "grantee": grantee.username if isinstance(grantee, Agent) else grantee.name,
                "grantee_kind": "agent" if isinstance(grantee, Agent) else "group",
                "read": read,
                "send_as": send_as,
                "send_on_behalf": send_on_behalf,
            },
        )
    return delegation
