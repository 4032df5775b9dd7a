"""Sealing and verifying the audit hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from beffroi.audit.models import AuditEvent

GENESIS_HASH = "0" * 64


def seal(event: AuditEvent, previous_hash: str) -> str:
    """The hash of an event's content chained to the previous event's hash."""
    content = {
        "created_at": event.created_at.isoformat(),
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "actor_label": event.actor_label,
        "address": event.address,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "details": event.details,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    reason: str


def first_broken_link(events: Iterable[AuditEvent]) -> BrokenLink | None:
    """Walk the events in order; the first one whose seal or link does not hold, if any."""
    previous = GENESIS_HASH
    for event in events:
        if event.previous_hash != previous:
            return BrokenLink(event.id, "le lien vers l'événement précédent est rompu")
        if seal(event, previous) != event.hash:
            return BrokenLink(event.id, "le contenu ne correspond plus à son sceau")
        previous = event.hash
    return None
