"""Read helpers over the organisation chart, shared by access, policies and actions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from beffroi.directory.models import Agent, Department, DepartmentMembership, Role


def department_parents() -> dict[uuid.UUID, uuid.UUID | None]:
    """Each department's parent, in one query (an organisation chart has tens of nodes)."""
    return dict(Department.objects.values_list("id", "parent_id"))


def with_descendants(department_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """The given departments and every department below them."""
    parents = department_parents()
    children: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found: set[uuid.UUID] = set()
    pending = list(department_ids)
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        pending.extend(children.get(current, []))
    return found


def ancestors_of(department_id: uuid.UUID) -> list[uuid.UUID]:
    """The chain of parents above a department, nearest first."""
    parents = department_parents()
    chain: list[uuid.UUID] = []
    current = parents.get(department_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def managed_department_ids(agent: Agent) -> set[uuid.UUID]:
    """Departments an agent administers: those they manage and everything below them."""
    managed = DepartmentMembership.objects.filter(agent=agent, is_manager=True).values_list(
        "department_id", flat=True
    )
    return with_descendants(managed)


def department_ids_of(agent: Agent) -> set[uuid.UUID]:
    return set(agent.memberships.values_list("department_id", flat=True))


def roles_of(agent: Agent) -> frozenset[Role]:
    roles: set[Role] = set()
    if agent.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    if agent.memberships.filter(is_manager=True).exists():
        roles.add(Role.DEPARTMENT_MANAGER)
    roles.add(
        {
            Agent.Kind.AGENT: Role.AGENT,
            Agent.Kind.ELECTED: Role.ELECTED,
            Agent.Kind.GUEST: Role.GUEST,
        }[Agent.Kind(agent.kind)]
    )
    return frozenset(roles)
