"""Who is in a workspace, expanded from its memberships to the agents they reach."""

from __future__ import annotations

import uuid

from beffroi.directory import queries as directory_queries
from beffroi.directory.models import Agent, DepartmentMembership
from beffroi.workspaces.models import Membership, Workspace


def member_ids(workspace: Workspace) -> set[uuid.UUID]:
    """Every agent a membership of ``workspace`` reaches (active or not)."""
    rows = list(
        Membership.objects.filter(workspace=workspace).values_list(
            "agent_id", "group_id", "department_id"
        )
    )
    agents = {agent for agent, _, _ in rows if agent is not None}
    groups = [group for _, group, _ in rows if group is not None]
    departments = [department for _, _, department in rows if department is not None]
    if groups:
        agents.update(
            Agent.agent_groups.through.objects.filter(agentgroup_id__in=groups).values_list(
                "agent_id", flat=True
            )
        )
    if departments:
        reached = directory_queries.with_descendants(departments)
        agents.update(
            DepartmentMembership.objects.filter(department_id__in=reached).values_list(
                "agent_id", flat=True
            )
        )
    return agents


def members(workspace: Workspace) -> list[Agent]:
    """The active agents of ``workspace``, by name."""
    return [
        agent for agent in Agent.objects.filter(pk__in=member_ids(workspace)) if agent.can_sign_in
    ]
