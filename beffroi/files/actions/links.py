"""Public links: create, revoke, log each visit, count downloads, take deposits.

A link is a capability: whoever holds its address may read what it points to (``read``) or drop
documents into its folder (``deposit``, no listing and no download), unless it is revoked,
expired or out of downloads, or its password is not given. Creation and revocation are audited;
every visit is written to the link's own access log, with the visitor's address truncated.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from beffroi.audit.actions import record
from beffroi.core import throttle
from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.files import policies, quotas
from beffroi.files.actions.nodes import _new_etag, _touch, _version, guess_content_type
from beffroi.files.blobs import StoredBlob
from beffroi.files.collisions import free_name
from beffroi.files.models import Node, PublicLink, PublicLinkAccess
from beffroi.files.names import clean_name

TOKEN_BYTES = 32
MAX_PASSWORD_LENGTH = 200
MAX_LIFETIME = timedelta(days=3653)


def truncated_address(address: str | None) -> str:
    """The network a visitor came from, not the visitor: an IPv4 address keeps its first three
    bytes (/24), an IPv6 address its first 48 bits, as for anonymised web statistics."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)


def link_problem(link: PublicLink, now: datetime | None = None) -> str | None:
    """Why ``link`` may not be used now (an access-log event), or None when it may."""
    now = now or timezone.now()
    if link.revoked_at is not None:
        return PublicLinkAccess.Event.REVOKED
    if link.expires_at is not None and link.expires_at <= now:
        return PublicLinkAccess.Event.EXPIRED
    if link.max_downloads is not None and link.download_count >= link.max_downloads:
        return PublicLinkAccess.Event.EXHAUSTED
    return None


def _require_link_rights(actor: Any, node: Node) -> None:
    # Publishing is sharing with anyone: the same ability as giving a share.
    granted = policies.abilities(actor, node)
    if not granted.read:
        raise NotFound
    if not granted.share:
        raise NotAllowed


def do_create_link(
    actor: Any,
    node: Node,
    *,
    kind: str,
    label: str = "",
    password: str | None = None,
    expires_at: datetime | None = None,
    max_downloads: int | None = None,
    address: str | None = None,
) -> PublicLink:
    """A new public link on ``node``; only its creator's choice of options is checked here."""
    if kind not in PublicLink.Kind.values:
        raise InvalidInput(
            gettext("Type de lien inconnu."), fields={"kind": [gettext("Type de lien inconnu.")]}
        )
    if kind == PublicLink.Kind.DEPOSIT and not node.is_folder:
        message = gettext("Un lien de dépôt ne peut viser qu'un dossier.")
        raise InvalidInput(message, fields={"kind": [message]})
    if kind == PublicLink.Kind.DEPOSIT and max_downloads is not None:
        message = gettext(
            "Un lien de dépôt ne permet aucun téléchargement : ne fixez pas de limite."
        )
        raise InvalidInput(message, fields={"max_downloads": [message]})
    if expires_at is not None and expires_at <= timezone.now():
        message = gettext("La date d'expiration doit être dans le futur.")
        raise InvalidInput(message, fields={"expires_at": [message]})
    if expires_at is not None and expires_at > timezone.now() + MAX_LIFETIME:
        message = gettext("Un lien expire au plus tard dans dix ans.")
        raise InvalidInput(message, fields={"expires_at": [message]})
    if max_downloads is not None and max_downloads < 1:
        message = gettext("Le nombre de téléchargements permis doit être d'au moins 1.")
        raise InvalidInput(message, fields={"max_downloads": [message]})
    if password is not None and not (1 <= len(password) <= MAX_PASSWORD_LENGTH):
        message = gettext("Le mot de passe doit compter de 1 à 200 caractères.")
        raise InvalidInput(message, fields={"password": [message]})
    with transaction.atomic():
        node = Node.objects.select_related("space").get(pk=node.pk)
        _require_link_rights(actor, node)
        if node.trashed_at is not None:
            raise NotFound
        link = PublicLink.objects.create(
            node=node,
            kind=kind,
            token=secrets.token_urlsafe(TOKEN_BYTES),
            label=label,
            password_hash=make_password(password) if password else "",
            expires_at=expires_at,
            max_downloads=max_downloads,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record(
            "files.link.created",
            actor=actor,
            target=link,
            address=address,
            details={
                "node": str(node.pk),
                "name": node.name,
                "kind": kind,
                "password": bool(password),
                "expires_at": expires_at.isoformat() if expires_at else None,
                "max_downloads": max_downloads,
            },
        )
    return link


def do_revoke_link(actor: Any, link: PublicLink, *, address: str | None = None) -> PublicLink:
    """Stop ``link`` for good (its access log stays for its owner)."""
    with transaction.atomic():
        link = PublicLink.objects.select_for_update().select_related("node__space").get(pk=link.pk)
        is_creator = link.created_by_id is not None and link.created_by_id == getattr(
            actor, "pk", None
        )
        if not is_creator:
            _require_link_rights(actor, link.node)
        if link.revoked_at is not None:
            return link
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at", "updated_at"])
        record(
            "files.link.revoked",
            actor=actor,
            target=link,
            address=address,
            details={"node": str(link.node_id), "name": link.node.name, "kind": link.kind},
        )
    return link


def do_log_link_access(
    link: PublicLink,
    event: str,
    *,
    address: str | None,
    name: str = "",
    size: int | None = None,
) -> PublicLinkAccess:
    """Write one line of the link's access log."""
    return PublicLinkAccess.objects.create(
        link=link,
        at=timezone.now(),
        event=event,
        address=truncated_address(address),
        name=name[:255],
        size=size,
    )


def _password_attempt(link: PublicLink, address: str | None) -> throttle.CredentialAttempt:
    return throttle.CredentialAttempt(scope="link", account=str(link.pk), address=address or "")


def do_check_link_password(link: PublicLink, password: str, *, address: str | None) -> bool:
    """Whether ``password`` opens ``link``; wrong ones are logged and slowed down
    (``TooManyAttempts`` while the visitor must wait)."""
    attempt = _password_attempt(link, address)
    throttle.check_allowed(attempt)
    if link.password_hash and check_password(password[:MAX_PASSWORD_LENGTH], link.password_hash):
        throttle.record_success(attempt)
        return True
    throttle.record_failure(attempt)
    do_log_link_access(link, PublicLinkAccess.Event.WRONG_PASSWORD, address=address)
    return False


def do_count_download(link: PublicLink, node: Node, *, address: str | None) -> bool:
    """Count one download of ``node`` through ``link``; False (and nothing counted) when the
    link has no download left or stopped being usable meanwhile."""
    with transaction.atomic():
        now = timezone.now()
        counted = (
            PublicLink.objects.filter(pk=link.pk, kind=PublicLink.Kind.READ, revoked_at=None)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .filter(Q(max_downloads__isnull=True) | Q(download_count__lt=F("max_downloads")))
            .update(download_count=F("download_count") + 1)
        )
        if counted:
            do_log_link_access(
                link,
                PublicLinkAccess.Event.DOWNLOAD,
                address=address,
                name=node.name,
                size=node.size,
            )
    return bool(counted)


def do_deposit(
    link: PublicLink,
    name: str,
    stored: StoredBlob,
    *,
    content_type: str = "",
    address: str | None = None,
) -> Node:
    """Save content already in the blob store as a new file of the deposit link's folder,
    renamed « name (2).ext » when the name is taken. Nothing replaces an existing file."""
    name = clean_name(name)
    with transaction.atomic():
        link = PublicLink.objects.select_for_update().get(pk=link.pk)
        if link.kind != PublicLink.Kind.DEPOSIT or link_problem(link) is not None:
            raise NotFound
        folder = (
            Node.objects.select_for_update(of=("self",))
            .select_related("space")
            .get(pk=link.node_id)
        )
        if folder.trashed_at is not None or not folder.is_folder:
            raise NotFound
        quotas.ensure_room(folder.space, stored.size)
        node = Node.objects.create(
            space=folder.space,
            parent=folder,
            name=free_name(folder, name),
            is_folder=False,
            content_type=content_type or guess_content_type(name),
            modified_at=timezone.now(),
            etag=_new_etag(),
        )
        _version(None, node, stored)
        _touch(folder)
        do_log_link_access(
            link, PublicLinkAccess.Event.UPLOAD, address=address, name=node.name, size=stored.size
        )
        record(
            "files.link.deposit",
            target=node,
            address=truncated_address(address) or None,
            details={"link": str(link.pk), "name": node.name, "size": stored.size},
        )
    return node
