"""Sealing and verifying the audit hash chain, and the signed checkpoints pruning leaves."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from beffroi.audit.models import AuditCheckpoint, AuditEvent

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


def first_broken_link(
    events: Iterable[AuditEvent], previous: str = GENESIS_HASH
) -> BrokenLink | None:
    """Walk the events in order; the first one whose seal or link does not hold, if any.

    ``previous`` is the hash the first event must link to: the genesis, or the last pruned
    event's hash kept by a checkpoint."""
    for event in events:
        if event.previous_hash != previous:
            return BrokenLink(event.id, "le lien vers l'événement précédent est rompu")
        if seal(event, previous) != event.hash:
            return BrokenLink(event.id, "le contenu ne correspond plus à son sceau")
        previous = event.hash
    return None


# The checkpoint key is derived from SECRET_KEY with this salt: it signs nothing else.
CHECKPOINT_SALT = "beffroi.audit.checkpoint"


def _checkpoint_content(checkpoint: AuditCheckpoint) -> str:
    content = {
        "created_at": checkpoint.created_at.isoformat(),
        "last_event_id": checkpoint.last_event_id,
        "last_hash": checkpoint.last_hash,
        "pruned_count": checkpoint.pruned_count,
        "pruned_before": checkpoint.pruned_before.isoformat(),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"))


def sign_checkpoint(checkpoint: AuditCheckpoint, secret: str | bytes | None = None) -> str:
    """HMAC-SHA256 of the checkpoint's content, keyed from the secret key."""
    return salted_hmac(
        CHECKPOINT_SALT, _checkpoint_content(checkpoint), secret=secret, algorithm="sha256"
    ).hexdigest()


def checkpoint_is_authentic(checkpoint: AuditCheckpoint) -> bool:
    """Signed with the current secret key, or one it replaced (``SECRET_KEY_FALLBACKS``)."""
    return any(
        constant_time_compare(sign_checkpoint(checkpoint, secret), checkpoint.signature)
        for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    )


@dataclass(frozen=True)
class BrokenCheckpoint:
    checkpoint_id: int
    reason: str


@dataclass(frozen=True)
class TrailVerification:
    """What ``verify_trail`` found: the first problem (if any) and how much it checked."""

    broken: BrokenLink | BrokenCheckpoint | None
    events_checked: int
    start: AuditCheckpoint | None


def latest_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-last_event_id").first()


def verify_trail(*, chunk_size: int = 2000) -> TrailVerification:
    """Check every checkpoint's signature, then the chain from the newest checkpoint on (from
    the genesis when nothing was ever pruned)."""
    for checkpoint in AuditCheckpoint.objects.order_by("last_event_id"):
        if not checkpoint_is_authentic(checkpoint):
            return TrailVerification(
                BrokenCheckpoint(
                    checkpoint.id, "sa signature ne correspond pas à son contenu (modifié ou forgé)"
                ),
                0,
                checkpoint,
            )
    start = latest_checkpoint()
    events = AuditEvent.objects.order_by("id")
    if start is not None:
        events = events.filter(id__gt=start.last_event_id)
    counted = [0]

    def counting(rows: Iterable[AuditEvent]) -> Iterator[AuditEvent]:
        for row in rows:
            counted[0] += 1
            yield row

    broken = first_broken_link(
        counting(events.iterator(chunk_size=chunk_size)),
        start.last_hash if start is not None else GENESIS_HASH,
    )
    return TrailVerification(broken, counted[0], start)
