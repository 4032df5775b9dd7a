"""The drive's daily housekeeping, run by the task worker: forget the versions the retention
policy no longer keeps, and purge what has stayed in the trash too long.

Like the audit trail's pruning (see ``beffroi.audit.tasks``), the task schedules itself:
``schedule_daily_housekeeping()`` queues one when none is waiting (``beffroi serve`` calls it
when its worker starts, through ``WORKER_START_HOOKS``), and each run queues the next a day later.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from beffroi.core.tasks import task
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


def _already_waiting() -> bool:
    return DBTaskResult.objects.filter(
        task_path=drive_housekeeping.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_daily_housekeeping(after: timedelta | None = None) -> bool:
    """Queue the next run (at once, or ``after`` from now) unless one is already waiting.
    True when one was queued."""
    if _already_waiting():
        return False
    work = drive_housekeeping
    if after is not None:
        if not work.get_backend().supports_defer:
            return False
        work = work.using(run_after=timezone.now() + after)
    work.enqueue()
    return True
