"""What the search tests share: writing to the index as a committed action would, and running
the worker's text extraction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django_tasks.base import TaskResultStatus

from beffroi.files import access as files_access
from beffroi.files import actions as files_actions
from beffroi.files.models import Node
from beffroi.search.tests.sources import EssaiSource
from beffroi.workspaces.tests.conftest import chantier  # noqa: F401 - the shared workspace


def run_extractions() -> int:
    """Run the text extractions the actions queued, as the worker would; returns how many."""
    from django_tasks_db.models import DBTaskResult

    from beffroi.files.tasks import extract_file_text

    ran = 0
    for result in DBTaskResult.objects.filter(
        task_path=extract_file_text.module_path, status=TaskResultStatus.READY
    ).order_by("enqueued_at"):
        extract_file_text.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.status = TaskResultStatus.SUCCESSFUL
        result.save(update_fields=["status"])
        ran += 1
    return ran


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[[], AbstractContextManager[None]]:
    """``with committed():`` runs what the actions inside do on commit (index writes, queued
    tasks), then the text extractions they queued, and their own commits."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield
        while True:
            with django_capture_on_commit_callbacks(execute=True):
                ran = run_extractions()
            if not ran:
                break

    return run


def personal_root(agent) -> Node:
    space = files_actions.do_open_personal_space(agent)
    return files_access.access_root(agent, space)


def department_root(department, agent) -> Node:
    space = files_actions.do_open_department_space(department)
    return files_access.access_root(agent, space)


@pytest.fixture
def essais(db) -> Iterator[EssaiSource]:
    """A registered source of test documents (kind « essai »)."""
    source = EssaiSource()
    source.register()
    yield source
    source.unregister()
