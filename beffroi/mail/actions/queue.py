"""The outbound queue: submitted mail for recipients outside the organisation waits here for
the delivery worker (next slice: MX delivery, retries with back-off, bounces)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from beffroi.directory.models import Agent
from beffroi.mail.actions.messages import do_deliver
from beffroi.mail.models import QueuedMessage
from beffroi.mail.signing import dkim_signed
from beffroi.mail.store import store_raw


def do_queue_outbound(
    raw: bytes, envelope_sender: str, recipients: Sequence[str], *, agent: Agent | None
) -> QueuedMessage:
    """Queue ``raw`` for ``recipients`` (the blob first, then the row)."""
    stored = store_raw(raw)
    with transaction.atomic():
        return QueuedMessage.objects.create(
            agent=agent,
            envelope_sender=envelope_sender,
            recipients=list(recipients),
            blob_id=stored.sha256,
            size=stored.size,
            next_attempt_at=timezone.now(),
        )


def do_submit(
    raw: bytes,
    envelope_sender: str,
    local: Sequence[str],
    outside: Sequence[str],
    *,
    agent: Agent | None,
) -> QueuedMessage | None:
    """A message an agent sends: delivered at once to the local recipients, queued (signed
    with its domain's DKIM key) for the others; both or neither (one transaction). Mail
    between local mailboxes never leaves the server."""
    with transaction.atomic():
        if local:
            do_deliver(raw, envelope_sender, local)
        if outside:
            return do_queue_outbound(dkim_signed(raw), envelope_sender, outside, agent=agent)
    return None
