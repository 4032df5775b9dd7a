"""Background work through the ``django.tasks`` API (the django-tasks backport on Django 5.2).

Apps declare tasks with ``beffroi.core.tasks.task`` and enqueue them with ``enqueue_on_commit`` so
that the worker only ever sees data that was committed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task
from django_tasks.base import Task

__all__ = ["Task", "enqueue_on_commit", "task"]


def enqueue_on_commit(work: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue ``work`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: work.enqueue(*args, **kwargs))
