"""The drive's daily housekeeping, run by the task worker: forget the versions the retention
policy no longer keeps, and purge what has stayed in the trash too long.

Like the audit trail's pruning (see ``beffroi.audit.tasks``), the task schedules itself:
``schedule_daily_housekeeping()`` queues one when none is waiting (``beffroi serve`` calls it
when its worker starts, through ``WORKER_START_HOOKS``), and each run queues the next a day later.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from beffroi.core.tasks import schedule_unless_waiting, task
from beffroi.files.actions.trash import do_purge_expired_trash
from beffroi.files.actions.versions import do_apply_version_retention

logger = logging.getLogger(__name__)

EVERY = timedelta(days=1)


@task()
def drive_housekeeping() -> dict[str, int]:
    """Apply the version retention and the trash's delay; then come back in a day."""
    try:
        versions = do_apply_version_retention()
        purged = do_purge_expired_trash()
    finally:
        schedule_daily_housekeeping(after=EVERY)
    logger.info("drive housekeeping: %s versions forgotten, %s items purged", versions, purged)
    return {"versions": versions, "purged": purged}


def schedule_daily_housekeeping(after: timedelta | None = None) -> bool:
    """Queue the next run (at once, or ``after`` from now) unless one is already waiting.
    True when one was queued."""
    return schedule_unless_waiting(drive_housekeeping, after)
