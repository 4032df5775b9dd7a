"""Background work through the ``django.tasks`` API (the django-tasks backport on Django 5.2).

Apps declare tasks with ``beffroi.core.tasks.task`` and enqueue them with ``enqueue_on_commit`` so
that the worker only ever sees data that was committed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task, TaskResultStatus

__all__ = ["Task", "enqueue_on_commit", "schedule_unless_waiting", "task"]


def enqueue_on_commit(work: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue ``work`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: work.enqueue(*args, **kwargs))


def schedule_unless_waiting(work: Task[Any, Any], after: timedelta | None = None) -> bool:
    """Queue ``work`` (at once, or ``after`` from now) unless a run of it is already waiting:
    how a periodic task schedules itself, since django-tasks has no scheduler. A restart or a
    second node finds the waiting run and adds nothing. True when one was queued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=work.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    if after is not None:
        if not work.get_backend().supports_defer:
            return False
        work = work.using(run_after=timezone.now() + after)
    work.enqueue()
    return True
