"""Events written the way ``record()`` writes them, but at a chosen time (old events)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from beffroi.audit.chain import GENESIS_HASH, seal
from beffroi.audit.models import AuditChainHead, AuditEvent


def event_at(
    when: datetime,
    action: str = "directory.sign_in",
    *,
    actor: Any = None,
    target: Any = None,
    address: str | None = "192.0.2.1",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH}
        )
        event = AuditEvent(
            created_at=when,
            actor_id=actor.pk if actor is not None else None,
            actor_label=actor.username if actor is not None else "",
            address=address,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            details=details or {},
            previous_hash=head.last_hash,
        )
        event.hash = seal(event, head.last_hash)
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
    return event
