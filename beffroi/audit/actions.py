"""Writing to the audit trail. Called by other apps' actions, inside their transaction."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beffroi.audit.chain import (
    GENESIS_HASH,
    checkpoint_is_authentic,
    first_broken_link,
    latest_checkpoint,
    seal,
    sign_checkpoint,
)
from beffroi.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from beffroi.core.errors import BeffroiError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _storable(value: Any) -> Any:
    """Details as every database stores them: control characters (NUL, which PostgreSQL's
    JSON refuses, among them) become U+FFFD, so what an attacker typed is kept, visibly."""
    if isinstance(value, str):
        return _CONTROL.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value


def record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one sealed event. ``actor`` is an agent (or None for the system)."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH}
        )
        known_actor = actor is not None and actor.is_authenticated
        event = AuditEvent(
            actor_id=actor.pk if known_actor else None,
            actor_label=actor.get_username() if known_actor else "",
            address=address,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            details=_storable(details or {}),
        )
        event.previous_hash = head.last_hash
        event.hash = seal(event, head.last_hash)
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
    return event


class ChainBroken(BeffroiError):
    """Pruning refuses to seal over a chain that no longer verifies: that would erase the proof."""

    code = "chaine_audit_rompue"
    http_status = 409
    default_message = _("La chaîne d'audit est rompue : rien n'a été élagué.")


def do_prune_events(before: datetime) -> AuditCheckpoint | None:
    """Delete the events recorded before ``before``, behind a signed checkpoint.

    The pruned stretch is verified first (from the previous checkpoint on): a broken chain is
    never pruned. The checkpoint keeps the last pruned event's id and hash, so the first kept
    event still links to something a verifier can trust. Returns None when nothing is old enough.
    """
    with transaction.atomic():
        # Holding the chain head keeps writers out while the start of the chain moves.
        AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH}
        )
        last = AuditEvent.objects.filter(created_at__lt=before).order_by("-id").first()
        if last is None:
            return None
        previous = latest_checkpoint()
        if previous is not None and not checkpoint_is_authentic(previous):
            raise ChainBroken(
                _("Le point de contrôle d'audit n° %(id)s est falsifié : rien n'a été élagué.")
                % {"id": previous.id}
            )
        stretch = AuditEvent.objects.filter(id__lte=last.id).order_by("id")
        if previous is not None:
            stretch = stretch.filter(id__gt=previous.last_event_id)
        broken = first_broken_link(
            stretch.iterator(chunk_size=2000),
            previous.last_hash if previous is not None else GENESIS_HASH,
        )
        if broken is not None:
            raise ChainBroken(
                _("Chaîne d'audit rompue à l'événement n° %(id)s : rien n'a été élagué.")
                % {"id": broken.event_id}
            )
        pruned = AuditEvent.objects.filter(id__lte=last.id)
        checkpoint = AuditCheckpoint(
            last_event_id=last.id,
            last_hash=last.hash,
            pruned_count=pruned.count(),
            pruned_before=before,
        )
        checkpoint.signature = sign_checkpoint(checkpoint)
        checkpoint.save(force_insert=True)
        pruned.delete()
        record(
            "audit.pruned",
            details={
                "count": checkpoint.pruned_count,
                "before": before.isoformat(),
                "checkpoint": checkpoint.id,
            },
        )
    return checkpoint


def do_prune_expired_events(now: datetime | None = None) -> AuditCheckpoint | None:
    """Prune what is older than ``BEFFROI_AUDIT_RETENTION_DAYS`` (nothing when it is 0)."""
    days = settings.AUDIT_RETENTION_DAYS
    if days <= 0:
        return None
    return do_prune_events((now or timezone.now()) - timedelta(days=days))
