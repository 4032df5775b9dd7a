"""Due-date reminders, run by the task worker inside ``beffroi serve``: every hour, assignees of
cards due today or tomorrow are told once. Schedules itself like the other periodic work."""

from __future__ import annotations

from datetime import timedelta

from beffroi.core.tasks import schedule_unless_waiting, task
from beffroi.tasks.actions import do_send_due_reminders

REMIND_EVERY = timedelta(hours=1)


@task()
def send_due_reminders() -> int:
    try:
        return do_send_due_reminders()
    finally:
        schedule_due_reminders(after=REMIND_EVERY)


def schedule_due_reminders(after: timedelta | None = None) -> bool:
    return schedule_unless_waiting(send_due_reminders, after)
