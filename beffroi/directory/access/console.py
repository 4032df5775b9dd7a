"""Reads for the administration console: what an administrator or a manager may administer."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from beffroi.core.errors import NotFound
from beffroi.directory import policies, queries
from beffroi.directory.models import Agent, AgentGroup, Department

Person = Agent | AnonymousUser


def administrable_department_ids(user: Person) -> set[uuid.UUID] | None:
    """Departments this person administers; ``None`` means all of them (administrator)."""
    if policies.is_administrator(user):
        return None
    if not policies.may_open_console(user):
        return set()
    assert isinstance(user, Agent)
    return queries.managed_department_ids(user)


def access_administrable_agents(
    user: Person, *, search: str = "", department_id: uuid.UUID | None = None, status: str = ""
) -> QuerySet[Agent]:
    """Agents this person administers, filtered; administrators see every agent."""
    scope = administrable_department_ids(user)
    agents = Agent.objects.all()
    if scope is not None:
        assert isinstance(user, Agent)
        agents = agents.filter(memberships__department_id__in=scope, is_superuser=False).exclude(
            pk=user.pk
        )
    for word in search.split()[:5]:
        agents = agents.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(job_title__icontains=word)
        )
    if department_id is not None:
        agents = agents.filter(
            memberships__department_id__in=queries.with_descendants([department_id])
        )
    if status in Agent.Status.values:
        agents = agents.filter(status=status)
    return (
        agents.distinct()
        .prefetch_related("memberships__department")
        .order_by("last_name", "first_name", "username")
    )


def access_administrable_agent(user: Person, agent_id: uuid.UUID) -> Agent:
    agent = Agent.objects.filter(pk=agent_id).first()
    if agent is None or not policies.abilities(user, agent).administer:
        raise NotFound()
    return agent


def access_administrable_departments(user: Person) -> list[Department]:
    scope = administrable_department_ids(user)
    departments = Department.objects.select_related("parent").annotate(
        agent_count=Count("memberships", distinct=True)
    )
    if scope is not None:
        departments = departments.filter(pk__in=scope)
    return list(departments.order_by("name"))


def access_administrable_department(user: Person, department_id: uuid.UUID) -> Department:
    department = Department.objects.filter(pk=department_id).first()
    if department is None or not policies.department_abilities(user, department).administer:
        raise NotFound()
    return department


def access_groups(user: Person) -> list[AgentGroup]:
    if not policies.is_administrator(user):
        return []
    return list(AgentGroup.objects.annotate(member_count=Count("members")).order_by("name"))


def access_group(user: Person, group_id: uuid.UUID) -> AgentGroup:
    group = AgentGroup.objects.filter(pk=group_id).first()
    if group is None or not policies.is_administrator(user):
        raise NotFound()
    return group


def directory_counts() -> dict[str, int]:
    """Figures for the console's overview."""
    by_status = dict(
        Agent.objects.values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    return {
        "active": by_status.get(Agent.Status.ACTIVE, 0),
        "suspended": by_status.get(Agent.Status.SUSPENDED, 0),
        "departed": by_status.get(Agent.Status.DEPARTED, 0),
        "departments": Department.objects.count(),
        "groups": AgentGroup.objects.count(),
    }
