"""Lookups the mail protocols make for no particular person: which mailbox an address reaches,
which domains are ours."""

from __future__ import annotations

from django.utils import timezone

from beffroi.mail.addresses import InvalidAddress, parse_address
from beffroi.mail.models import (
    Alias,
    DkimKey,
    Domain,
    Folder,
    Mailbox,
    MailingList,
    Message,
)


def is_local_domain(domain: str) -> bool:
    return Domain.objects.filter(name=domain).exists()


def mailbox_for_address(address: str) -> Mailbox | None:
    """The mailbox that mail to ``address`` lands in (its own address or an alias), if any."""
    try:
        normalised = str(parse_address(address))
    except InvalidAddress:
        return None
    found = Mailbox.objects.filter(address=normalised).first()
    if found is not None:
        return found
    alias = Alias.objects.select_related("mailbox").filter(address=normalised).first()
    return alias.mailbox if alias is not None else None


def list_for_address(address: str) -> MailingList | None:
    """The mailing list of ``address``, if it is one."""
    try:
        normalised = str(parse_address(address))
    except InvalidAddress:
        return None
    return MailingList.objects.filter(address=normalised).first()


def is_local_recipient(address: str) -> bool:
    """Mail to ``address`` has somewhere to land here: a mailbox, an alias or a list."""
    return mailbox_for_address(address) is not None or list_for_address(address) is not None


def signing_key(domain: Domain) -> DkimKey | None:
    """The key that signs the domain's mail now."""
    return DkimKey.objects.filter(domain=domain, retired_at=None).first()


def published_keys(domain: Domain) -> list[DkimKey]:
    """The keys whose DNS records must be published now: the signing one and those retired
    less than the overlap ago."""
    return list(
        DkimKey.objects.filter(domain=domain)
        .exclude(published_until__lt=timezone.now())
        .order_by("-created_at")
    )


def personal_mailbox(username: str) -> Mailbox | None:
    return Mailbox.objects.filter(owner__username=username).first()


def folders_of(mailbox: Mailbox, name: str | None = None) -> list[Folder]:
    """The mailbox's folders (the one named ``name`` only, if given), INBOX first."""
    folders = Folder.objects.filter(mailbox=mailbox)
    if name is not None:
        folders = folders.filter(name=name)
    return sorted(folders, key=lambda folder: (folder.name != "INBOX", folder.name))


def messages_of(folder: Folder) -> list[Message]:
    return list(Message.objects.filter(folder=folder).order_by("uid"))
