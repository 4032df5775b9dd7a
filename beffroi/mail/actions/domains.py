"""Adding a mail domain (its DKIM key, and a mailbox for each agent in it), rotating its key."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from beffroi.audit.actions import record
from beffroi.core.errors import NotAllowed
from beffroi.directory.models import Agent
from beffroi.mail import dkim_keys
from beffroi.mail.actions.mailboxes import create_personal_mailbox
from beffroi.mail.addresses import InvalidAddress, normalise_domain, parse_address
from beffroi.mail.errors import DomainExists
from beffroi.mail.models import DkimKey, Domain
from beffroi.mail.policies import may_manage_domains
from beffroi.mail.queries import mailbox_for_address

# How long a replaced DKIM key stays published: mail signed just before the rotation may sit
# in queues for days before it is verified.
DKIM_OVERLAP = timedelta(days=7)


def _check_manager(acting: Agent | None) -> None:
    if acting is not None and not may_manage_domains(acting):
        raise NotAllowed()


def _save_key(domain: Domain, sealed: dkim_keys.SealedKey) -> DkimKey:
    return DkimKey.objects.create(
        domain=domain,
        selector=dkim_keys.new_selector(),
        wrapped_key=sealed.wrapped_key,
        sealed_private_key=sealed.sealed_private_key,
        public_key=sealed.public_key,
    )


def _domain_of(email: str) -> str | None:
    _local, separator, domain = email.rpartition("@")
    if not separator:
        return None
    try:
        return normalise_domain(domain)
    except InvalidAddress:
        return None


def do_add_domain(name: str, *, acting: Agent | None = None, address: str | None = None) -> Domain:
    """Add a domain with its first DKIM key; every agent whose e-mail address is in it gets
    their mailbox. ``acting`` is None for the command line (the server's administrator)."""
    _check_manager(acting)
    normalised = normalise_domain(name)
    key = dkim_keys.make_key()  # outside the transaction: RSA generation takes a moment
    with transaction.atomic():
        if Domain.objects.filter(name=normalised).exists():
            raise DomainExists()
        domain = Domain.objects.create(name=normalised)
        dkim = _save_key(domain, key)
        created = []
        for agent in Agent.objects.exclude(email="").filter(mailbox__isnull=True):
            if _domain_of(agent.email) == normalised and _free_address(agent.email):
                created.append(create_personal_mailbox(agent, domain))
        record(
            "mail.domain_added",
            actor=acting,
            target=domain,
            address=address,
            details={"name": normalised, "selector": dkim.selector, "mailboxes": len(created)},
        )
    return domain


def _free_address(email: str) -> bool:
    try:
        parse_address(email)
    except InvalidAddress:
        return False
    return mailbox_for_address(email) is None


def do_rotate_dkim_key(
    domain: Domain, *, acting: Agent | None = None, address: str | None = None
) -> DkimKey:
    """A new signing key; the previous one stays published for ``DKIM_OVERLAP``."""
    _check_manager(acting)
    sealed = dkim_keys.make_key()
    with transaction.atomic():
        locked = Domain.objects.select_for_update().get(pk=domain.pk)
        now = timezone.now()
        previous = list(DkimKey.objects.filter(domain=locked, retired_at=None))
        DkimKey.objects.filter(domain=locked, retired_at=None).update(
            retired_at=now, published_until=now + DKIM_OVERLAP
        )
        key = _save_key(locked, sealed)
        record(
            "mail.dkim_key_rotated",
            actor=acting,
            target=locked,
            address=address,
            details={
                "selector": key.selector,
                "previous": [old.selector for old in previous],
            },
        )
    return key
