"""Writing to the audit trail. Called by other apps' actions, inside their transaction."""

from __future__ import annotations

import re
from typing import Any

from django.db import models, transaction

from beffroi.audit.chain import GENESIS_HASH, seal
from beffroi.audit.models import AuditChainHead, AuditEvent

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
