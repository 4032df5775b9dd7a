"""The queue runner the task worker calls: claim what is due, deliver it domain by domain,
record the outcomes (``beffroi.mail.actions.queue``).

No transaction is held while talking to a remote server: the claim (a lease) keeps other
workers off the message meanwhile, and the outcomes are written in one transaction after.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from django.utils import timezone

from beffroi.mail.actions.queue import do_claim, do_record_attempt, due_messages
from beffroi.mail.delivery import mta_sts, routes
from beffroi.mail.delivery.client import Outcome, deliver, outcome, temporary
from beffroi.mail.models import QueuedMessage, QueuedRecipient
from beffroi.mail.store import read_raw

logger = logging.getLogger(__name__)


def _deliver_domain(
    domain: str, sender: str, recipients: list[str], raw: bytes
) -> dict[str, Outcome]:
    smarthost = routes.smarthost_route()
    try:
        if smarthost is not None:
            return deliver([smarthost], sender, recipients, raw)
        found = routes.mx_routes(domain)
        policy = mta_sts.policy_for(domain)
    except routes.RouteError as error:
        result = (
            outcome(550, f"{error.status} {error.text}")
            if error.permanent
            else temporary(error.text, error.status)
        )
        return dict.fromkeys(recipients, result)
    return deliver(found, sender, recipients, raw, policy=policy)


def attempt(queued: QueuedMessage, now: datetime) -> QueuedMessage | None:
    """One delivery attempt of a claimed message, for its pending recipients."""
    raw = read_raw(queued.blob_id)
    by_domain: dict[str, list[str]] = defaultdict(list)
    for address, domain in queued.recipient_states.filter(
        state=QueuedRecipient.State.PENDING
    ).values_list("address", "domain"):
        by_domain[domain].append(address)
    outcomes: dict[str, Outcome] = {}
    for domain, addresses in sorted(by_domain.items()):
        try:
            outcomes.update(_deliver_domain(domain, queued.envelope_sender, addresses, raw))
        except Exception:
            logger.exception("outbound delivery failed")
            outcomes.update(dict.fromkeys(addresses, temporary("local error")))
    return do_record_attempt(queued, outcomes, now)


def run_queue(now: datetime | None = None) -> int:
    """Attempt every message due at ``now``; how many were attempted."""
    now = now or timezone.now()
    attempted = 0
    while batch := due_messages(now):
        claimed = 0
        for message_id in batch:
            queued = do_claim(message_id, now)
            if queued is None:
                continue  # another worker has it
            try:
                attempt(queued, now)
            except Exception:
                # Its claim runs out and a later run retries it; the others go on.
                logger.exception("outbound queue: a message could not be attempted")
            claimed += 1
        attempted += claimed
        if not claimed:
            break
    return attempted
