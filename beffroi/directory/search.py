"""People in the search: every active agent by name, e-mail, job title and departments.

Agents and elected officials are scoped ``org``: every active person but guests sees them. A
guest's entry is scoped ``agent:<uuid>``: they see only themselves, and the organisation's
people see them too (as ``directory.policies`` lets them). Suspended and departed people leave
the index; they come back when active.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beffroi.directory.models import Agent
from beffroi.search.documents import Document
from beffroi.search.indexing import index_many_on_commit, remove_many_on_commit
from beffroi.search.registry import Source, register

KIND = "agent"
ORG = "org"
_BATCH = 500


def _listed(agent: Agent) -> bool:
    return agent.is_active and agent.status == Agent.Status.ACTIVE


def _scope(agent: Agent) -> str:
    return f"agent:{agent.pk}" if agent.kind == Agent.Kind.GUEST else ORG


def document_of(agent: Agent, departments: Iterable[str]) -> Document:
    """The entry of an active agent."""
    departments = sorted(departments)
    if agent.kind == Agent.Kind.GUEST:
        # Guests have no card in the organisation's address book: write to them.
        url = f"mailto:{agent.email}" if agent.email else reverse("web:profile")
    else:
        url = reverse("contacts:card", args=["annuaire", str(agent.pk)])
    lines = [agent.display_name, agent.email, agent.job_title, *departments]
    return Document(
        kind=KIND,
        object_id=str(agent.pk),
        scope=_scope(agent),
        title=agent.display_name,
        body="\n".join(line for line in lines if line),
        url=url,
        updated_at=agent.updated_at,
    )


def _documents(agents: list[Agent]) -> list[Document]:
    return [
        document_of(agent, [m.department.name for m in agent.memberships.all()])
        for agent in agents
        if _listed(agent)
    ]


def _with_departments(agent_ids: list[Any]) -> Iterator[list[Agent]]:
    for start in range(0, len(agent_ids), _BATCH):
        yield list(
            Agent.objects.filter(pk__in=agent_ids[start : start + _BATCH]).prefetch_related(
                "memberships__department"
            )
        )


def agents_changed(agent_ids: Iterable[Any]) -> None:
    """These agents were created or changed (name, status, departments): their entries, or
    their removal when no longer active, on commit."""
    ids = list(agent_ids)
    for agents in _with_departments(ids):
        index_many_on_commit(_documents(agents))
        remove_many_on_commit(KIND, [str(a.pk) for a in agents if not _listed(a)])


def _scopes(agent: Any) -> list[str]:
    """A guest sees themselves; anyone else the organisation and the active guests (as the
    directory's policies let them)."""
    if agent.kind == Agent.Kind.GUEST:
        return [f"agent:{agent.pk}"]
    guests = Agent.objects.filter(
        kind=Agent.Kind.GUEST, is_active=True, status=Agent.Status.ACTIVE
    ).values_list("pk", flat=True)
    return [ORG, *(f"agent:{pk}" for pk in guests)]


def _all_documents() -> Iterator[Document]:
    ids = list(
        Agent.objects.filter(is_active=True, status=Agent.Status.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    for agents in _with_departments(ids):
        yield from _documents(agents)


def register_source() -> None:
    register(
        Source(
            kind=KIND,
            label=_("Personnes"),
            scopes=_scopes,
            documents=_all_documents,
            order=60,
        )
    )
