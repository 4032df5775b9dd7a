"""Running the queued tasks inside a test, as the worker of ``beffroi serve`` would."""

from __future__ import annotations

from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks() -> list[DBTaskResult]:
    """Run every task that is ready now, in the queue's order, until none is left; returns them.

    The worker's own loop closes "old" connections, which would end the test's transaction:
    this claims and runs each task with the worker's ``run_task`` instead.
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="essai",
        excluded_queue_names=[],
    )
    done: list[DBTaskResult] = []
    while (ready := DBTaskResult.objects.ready().first()) is not None:
        ready.claim(worker.worker_id)
        worker.run_task(ready)
        ready.refresh_from_db()
        done.append(ready)
    return done


def failed(results: list[DBTaskResult]) -> list[DBTaskResult]:
    return [result for result in results if result.status == TaskResultStatus.FAILED]
