"""The outbound queue's worker task: run every minute by the task worker of ``beffroi serve``
(it schedules itself like the other periodic work), and queued at once after a submission
commits, so mail leaves without waiting for the minute."""

from __future__ import annotations

from datetime import timedelta

from beffroi.core.tasks import schedule_unless_waiting, task

EVERY = timedelta(minutes=1)


@task()
def deliver_outbound_queue() -> int:
    """Attempt the messages due now (one kick; the periodic run is ``run_outbound_queue``)."""
    from beffroi.mail.delivery.runner import run_queue

    return run_queue()


@task()
def run_outbound_queue() -> int:
    try:
        return deliver_outbound_queue.call()
    finally:
        schedule_outbound_queue(after=EVERY)


def schedule_outbound_queue(after: timedelta | None = None) -> bool:
    return schedule_unless_waiting(run_outbound_queue, after)
