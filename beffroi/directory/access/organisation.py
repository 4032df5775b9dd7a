"""Reads of the organisation chart and its people, for a given person."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from beffroi.core.errors import NotFound
from beffroi.directory import policies, queries
from beffroi.directory.models import Agent, ApiToken, Department


def access_agent_by_id(user: Agent | AnonymousUser, agent_id: uuid.UUID) -> Agent:
    """The agent, if ``user`` may see them; otherwise the same ``NotFound`` as a missing one."""
    agent = Agent.objects.filter(pk=agent_id).first()
    if agent is None or not policies.abilities(user, agent).view:
        raise NotFound()
    return agent


def access_own_api_tokens(agent: Agent) -> list[ApiToken]:
    return list(agent.api_tokens.filter(revoked_at=None))


def access_own_api_token(agent: Agent, token_id: uuid.UUID) -> ApiToken:
    token = agent.api_tokens.filter(pk=token_id, revoked_at=None).first()
    if token is None:
        raise NotFound()
    return token


def access_department_by_id(user: Agent | AnonymousUser, department_id: uuid.UUID) -> Department:
    department = Department.objects.filter(pk=department_id).first()
    if department is None or not policies.department_abilities(user, department).view:
        raise NotFound()
    return department


def access_departments(user: Agent | AnonymousUser) -> list[Department]:
    """The organisation chart as this person may see it (guests see none of it)."""
    if not isinstance(user, Agent) or not user.can_sign_in or user.kind == Agent.Kind.GUEST:
        return []
    return list(Department.objects.select_related("parent").order_by("name"))


SEARCH_LIMIT = 50


def access_agents(
    user: Agent | AnonymousUser,
    *,
    search: str = "",
    department: Department | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[Agent]:
    """Agents this person may see, for pickers and the directory: active colleagues for an
    agent, only themselves for a guest, everyone (departed included) for an administrator."""
    if not isinstance(user, Agent) or not user.can_sign_in:
        return []
    agents = Agent.objects.all()
    if user.kind == Agent.Kind.GUEST:
        agents = agents.filter(pk=user.pk)
    elif not user.is_superuser:
        agents = agents.filter(status=Agent.Status.ACTIVE)
    for word in search.split()[:5]:
        agents = agents.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(job_title__icontains=word)
        )
    if department is not None:
        below = queries.with_descendants([department.pk])
        agents = agents.filter(memberships__department_id__in=below)
    ordered = agents.distinct().order_by("last_name", "first_name", "username")
    return list(ordered.prefetch_related("memberships__department")[:limit])
