"""The daily prune of the audit trail, run by the task worker inside ``beffroi serve``.

django-tasks has no scheduler, so the prune schedules itself: ``schedule_daily_prune()`` queues
one when none is waiting (``beffroi serve`` calls it when its worker starts), and each run queues
the next one a day later. A restart or a second node finds the waiting one and adds nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings

from beffroi.audit.actions import ChainBroken, do_prune_expired_events
from beffroi.core.tasks import schedule_unless_waiting, task

logger = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(days=1)


@task()
def prune_audit_trail() -> int:
    """Prune the events older than the retention, then come back in a day. Returns how many
    events were pruned."""
    try:
        checkpoint = do_prune_expired_events()
    except ChainBroken as error:
        # Never pruned over a broken chain: the administrator must look (beffroi audit verify).
        logger.error("audit trail not pruned: %s", error.message)
        return 0
    finally:
        schedule_daily_prune(after=PRUNE_EVERY)
    return checkpoint.pruned_count if checkpoint is not None else 0


def schedule_daily_prune(after: timedelta | None = None) -> bool:
    """Queue the next prune (at once, or ``after`` from now) unless one is already waiting or
    the trail is kept forever. True when one was queued."""
    if settings.AUDIT_RETENTION_DAYS <= 0:
        return False
    return schedule_unless_waiting(prune_audit_trail, after)
