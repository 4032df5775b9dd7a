"""Who is in a workspace, expanded from its memberships to the agents they reach."""

from __future__ import annotations

import uuid

from beffroi.calendars.models import WorkspaceCalendar
from beffroi.directory import queries as directory_queries
from beffroi.directory.models import Agent, DepartmentMembership
from beffroi.files.models import Space
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


def search_scopes(workspace: Workspace) -> set[str]:
    """The search index's scopes of what the workspace holds: its pages and tasks, the files
    of its drive and the events of its calendar (see ``beffroi.search.documents``)."""
    scopes = {f"workspace:{workspace.pk}"}
    space_id = Space.objects.filter(workspace=workspace).values_list("pk", flat=True).first()
    if space_id is not None:
        scopes.add(f"space:{space_id}")
    calendar_id = (
        WorkspaceCalendar.objects.filter(workspace=workspace)
        .values_list("calendar_id", flat=True)
        .first()
    )
    if calendar_id is not None:
        scopes |= {f"calendar:{calendar_id}", f"calendar-private:{calendar_id}"}
    return scopes
