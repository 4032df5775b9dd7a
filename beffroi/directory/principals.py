"""Who a signed-in agent is, as the rules that grant roles see them: their groups, their
departments and those above them, and the departments they head.

The drive, workspaces and every capability that gives a role to "an agent, a group or a
department" ask this once per request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from beffroi.core import request_memo
from beffroi.directory import queries as directory_queries
from beffroi.directory.models import DepartmentMembership


@dataclass(frozen=True)
class Principals:
    """An active agent: their groups and departments."""

    agent_id: uuid.UUID
    group_ids: frozenset[uuid.UUID]
    member_of: frozenset[uuid.UUID]
    # Their departments and those above: a role given to a department reaches the ones below it.
    reached_by: frozenset[uuid.UUID]
    # Departments they manage: those they head and every one below.
    heads: frozenset[uuid.UUID]

    def shares_filter(self, prefix: str = "") -> Q:
        """Rows granting something to this person, directly or through a group or department
        (rows with ``agent``, ``group`` and ``department`` columns)."""
        return (
            Q(**{f"{prefix}agent_id": self.agent_id})
            | Q(**{f"{prefix}group_id__in": self.group_ids})
            | Q(**{f"{prefix}department_id__in": self.reached_by})
        )


def principals(user: Any) -> Principals | None:
    """``None`` for anyone who is not a signed-in, active agent (asked once per request)."""
    if not (getattr(user, "is_authenticated", False) and getattr(user, "can_sign_in", False)):
        return None
    return request_memo.remembered("directory.principals", user.pk, lambda: _principals(user))


def _principals(user: Any) -> Principals:
    memberships = list(
        DepartmentMembership.objects.filter(agent_id=user.pk).values_list(
            "department_id", "is_manager"
        )
    )
    member_of = frozenset(department for department, _ in memberships)
    parents = directory_queries.department_parents() if memberships else {}
    reached_by: set[uuid.UUID] = set()
    for department in member_of:
        current: uuid.UUID | None = department
        while current is not None and current not in reached_by:
            reached_by.add(current)
            current = parents.get(current)
    headed = [department for department, manager in memberships if manager]
    heads = directory_queries.with_descendants(headed) if headed else set()
    groups = frozenset(user.agent_groups.values_list("id", flat=True))
    return Principals(user.pk, groups, member_of, frozenset(reached_by), frozenset(heads))
