"""Notification mails, run by the task worker inside ``beffroi serve`` every few minutes (it
schedules itself like the other periodic work)."""

from __future__ import annotations

from datetime import timedelta

from beffroi.core.tasks import schedule_unless_waiting, task
from beffroi.notifications.digest import do_send_notification_mails

EVERY = timedelta(minutes=5)


@task()
def send_notification_mails() -> int:
    try:
        return do_send_notification_mails()
    finally:
        schedule_notification_mails(after=EVERY)


def schedule_notification_mails(after: timedelta | None = None) -> bool:
    return schedule_unless_waiting(send_notification_mails, after)
