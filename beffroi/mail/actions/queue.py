"""The outbound queue: submitted mail for recipients outside the organisation waits here for
the delivery worker (``beffroi.mail.delivery.runner``), which claims it, sends it, and records
each recipient's outcome here: delivered recipients are done, permanent failures bounce to the
sender, temporary ones are retried with back-off until the queue lifetime ends.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from beffroi.audit.actions import record
from beffroi.core.errors import NotFound
from beffroi.core.tasks import enqueue_on_commit
from beffroi.directory.models import Agent
from beffroi.mail.actions.messages import do_deliver
from beffroi.mail.addresses import InvalidAddress, parse_address
from beffroi.mail.delivery.bounce import Failure, notification
from beffroi.mail.errors import QuotaExceeded, UnknownRecipient
from beffroi.mail.models import QueuedMessage, QueuedRecipient
from beffroi.mail.signing import dkim_signed
from beffroi.mail.store import read_raw, store_raw

logger = logging.getLogger(__name__)

# Minutes before each retry; the last one repeats until the queue lifetime ends.
BACKOFF_MINUTES = (1, 5, 15, 30, 60, 120)
CLAIM_LEASE = timedelta(minutes=15)
DELAY_NOTICE_AFTER = timedelta(hours=4)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return timedelta(minutes=BACKOFF_MINUTES[min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1])


def _domain_of(address: str) -> str:
    try:
        return parse_address(address).domain
    except InvalidAddress:
        return address.rpartition("@")[2].lower()


def _kick() -> None:
    from beffroi.mail.tasks import deliver_outbound_queue

    enqueue_on_commit(deliver_outbound_queue)


def do_queue_outbound(
    raw: bytes, envelope_sender: str, recipients: Sequence[str], *, agent: Agent | None
) -> QueuedMessage:
    """Queue ``raw`` for ``recipients`` (the blob first, then the rows); the worker is woken
    once the transaction commits."""
    stored = store_raw(raw)
    with transaction.atomic():
        queued = QueuedMessage.objects.create(
            agent=agent,
            envelope_sender=envelope_sender,
            recipients=list(recipients),
            blob_id=stored.sha256,
            size=stored.size,
            next_attempt_at=timezone.now(),
        )
        QueuedRecipient.objects.bulk_create(
            QueuedRecipient(message=queued, address=address, domain=_domain_of(address))
            for address in dict.fromkeys(recipients)
        )
        _kick()
    return queued


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


def due_messages(now: datetime, limit: int = 50) -> list[uuid.UUID]:
    """Messages whose next attempt has come and that no live claim holds."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return list(
        QueuedMessage.objects.filter(free, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def do_claim(message_id: uuid.UUID, now: datetime) -> QueuedMessage | None:
    """Take the message for one delivery attempt, or None when another worker has it. One
    conditional UPDATE: on PostgreSQL the second of two concurrent updates re-reads the row
    after the first commits and no longer matches; on SQLite writers are serialised."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    with transaction.atomic():
        taken = QueuedMessage.objects.filter(free, pk=message_id, next_attempt_at__lte=now).update(
            claimed_until=now + CLAIM_LEASE
        )
    if not taken:
        return None
    return QueuedMessage.objects.filter(pk=message_id).first()


def _bounce(queued: QueuedMessage, raw: bytes, failures: list[Failure], action: str) -> None:
    """A notification to the (local) sender; never one for a bounce (empty sender)."""
    if not queued.envelope_sender or not failures:
        return
    report = notification(
        raw, queued.envelope_sender, failures, arrived=queued.created_at, action=action
    )
    try:
        with transaction.atomic():
            do_deliver(report, "", [queued.envelope_sender])
    except (UnknownRecipient, QuotaExceeded):
        logger.warning("delivery status notification not delivered: the sender's mailbox "
                       "is gone or full")  # fmt: skip


def do_record_attempt(
    queued: QueuedMessage, outcomes: dict[str, Any], now: datetime
) -> QueuedMessage | None:
    """Write one attempt's outcomes (``{address: Outcome}``, see ``delivery.client``): the
    recipients' states, a bounce for those that failed for good (or ran out of time), the next
    attempt for the others. The message goes when nobody is pending; returns it if it stays."""
    expired = now >= queued.created_at + timedelta(hours=settings.MAIL_QUEUE_LIFETIME_HOURS)
    raw = read_raw(queued.blob_id)
    with transaction.atomic():
        pending = list(
            QueuedRecipient.objects.select_for_update().filter(
                message=queued, state=QueuedRecipient.State.PENDING
            )
        )
        failures: list[Failure] = []
        still: list[QueuedRecipient] = []
        errors: list[str] = []
        for recipient in pending:
            result = outcomes.get(recipient.address)
            if result is None:
                still.append(recipient)
                continue
            recipient.last_error = "" if result.delivered else result.text
            if result.delivered:
                recipient.state = QueuedRecipient.State.DELIVERED
            elif result.permanent or expired:
                recipient.state = QueuedRecipient.State.FAILED
                status = result.status if result.permanent else "4.4.7"
                text = result.text if result.permanent else f"queue lifetime over: {result.text}"
                failures.append(Failure(recipient.address, status, text))
            else:
                still.append(recipient)
                errors.append(f"{recipient.address}: {result.text}")
            recipient.save(update_fields=["state", "last_error", "updated_at"])
        _bounce(queued, raw, failures, "failed")
        if not still:
            queued.delete()
            return None
        queued.attempts += 1
        queued.next_attempt_at = now + backoff(queued.attempts)
        queued.last_error = "\n".join(errors)[:4000] or queued.last_error
        queued.claimed_until = None
        if not queued.delay_notified and now >= queued.created_at + DELAY_NOTICE_AFTER:
            queued.delay_notified = True
            _bounce(
                queued,
                raw,
                [Failure(r.address, "4.4.7", r.last_error or "retrying") for r in still],
                "delayed",
            )
        queued.save(
            update_fields=[
                "attempts", "next_attempt_at", "last_error", "claimed_until", "delay_notified",
                "updated_at",
            ]
        )  # fmt: skip
    return queued


def do_retry(message_id: uuid.UUID | None = None) -> int:
    """Make one queued message (or all of them) due now; how many."""
    now = timezone.now()
    with transaction.atomic():
        queued = QueuedMessage.objects.all()
        if message_id is not None:
            queued = queued.filter(pk=message_id)
            if not queued.exists():
                raise NotFound()
        count = queued.update(next_attempt_at=now)
        _kick()
    return count


def do_delete_queued(message_id: uuid.UUID, *, actor: Any = None) -> None:
    """An administrator removes a queued message: no bounce, an audit event."""
    with transaction.atomic():
        queued = QueuedMessage.objects.select_for_update().filter(pk=message_id).first()
        if queued is None:
            raise NotFound()
        pending = list(
            queued.recipient_states.filter(state=QueuedRecipient.State.PENDING).values_list(
                "address", flat=True
            )
        )
        record(
            "mail.queued_message_deleted",
            actor=actor,
            target=queued,
            details={"sender": queued.envelope_sender, "pending": pending},
        )
        queued.delete()
