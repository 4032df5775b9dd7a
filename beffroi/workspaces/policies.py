"""What a person may do in a workspace, and why.

A person's role in a workspace is the strongest of the memberships that reach them: their own,
their groups', their departments' (a department's membership reaches the departments below it).
Managers manage members and settings; contributors write (pages, tasks, files); readers read.
Agents of the commune see the workspaces listed in the directory and may ask to join; guests
from outside see only the workspaces they belong to. An archived workspace is read-only for
everyone; a deleted one (in the bin) is seen only by its managers, to restore it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from beffroi.core import request_memo
from beffroi.core.errors import NotAllowed, NotFound
from beffroi.directory.models import Agent
from beffroi.directory.principals import Principals, principals
from beffroi.workspaces.models import Membership, Role, Workspace

READER = Role.READER.value
CONTRIBUTOR = Role.CONTRIBUTOR.value
MANAGER = Role.MANAGER.value
_RANK = {"": 0, READER: 1, CONTRIBUTOR: 2, MANAGER: 3}


def strongest(*roles: str) -> str:
    return max(roles, key=lambda role: _RANK.get(role, 0), default="")


def at_least(role: str, minimum: str) -> bool:
    return _RANK.get(role, 0) >= _RANK[minimum]


@dataclass(frozen=True)
class WorkspaceAbilities:
    see: bool = False  # its name and description
    read: bool = False  # its pages, tasks, files, activity, members
    contribute: bool = False  # write pages, tasks and files
    manage: bool = False  # members, settings, archive, delete
    ask_to_join: bool = False
    restore: bool = False  # from the bin
    role: str = ""


NONE = WorkspaceAbilities()


def is_guest(user: Any) -> bool:
    return getattr(user, "kind", "") == Agent.Kind.GUEST


def roles_by_workspace(who: Principals) -> dict[uuid.UUID, tuple[str, bool]]:
    """Each workspace this person belongs to (not in the bin): their role and whether the
    workspace is archived. Asked once per request."""
    return request_memo.remembered(
        "workspaces.roles", who.agent_id, lambda: _roles_by_workspace(who)
    )


def _roles_by_workspace(who: Principals) -> dict[uuid.UUID, tuple[str, bool]]:
    found: dict[uuid.UUID, tuple[str, bool]] = {}
    rows = Membership.objects.filter(who.shares_filter(), workspace__trashed_at=None).values_list(
        "workspace_id", "role", "workspace__archived_at"
    )
    for workspace_id, role, archived_at in rows:
        previous = found.get(workspace_id, ("", False))[0]
        found[workspace_id] = (strongest(previous, role), archived_at is not None)
    return found


def role_in(user: Any, workspace: Workspace) -> str:
    """The person's role in ``workspace`` ('' when none), whatever its state."""
    who = principals(user)
    if who is None:
        return ""
    if workspace.trashed_at is None:
        return roles_by_workspace(who).get(workspace.pk, ("", False))[0]
    role = ""
    for granted in Membership.objects.filter(who.shares_filter(), workspace=workspace).values_list(
        "role", flat=True
    ):
        role = strongest(role, granted)
    return role


def abilities(user: Any, workspace: Workspace) -> WorkspaceAbilities:
    role = role_in(user, workspace)
    if workspace.trashed_at is not None:
        return WorkspaceAbilities(restore=role == MANAGER, role=role)
    if role:
        writable = workspace.archived_at is None
        return WorkspaceAbilities(
            see=True,
            read=True,
            contribute=writable and at_least(role, CONTRIBUTOR),
            manage=role == MANAGER,
            role=role,
        )
    if principals(user) is None or is_guest(user):
        return NONE
    listed = workspace.visibility == Workspace.Visibility.LISTED
    return WorkspaceAbilities(see=listed, ask_to_join=listed and workspace.archived_at is None)


@dataclass(frozen=True)
class ContentAbilities:
    """What a person may do with what a workspace holds (pages, tasks)."""

    read: bool = False
    write: bool = False


def content_abilities(user: Any, workspace: Workspace) -> ContentAbilities:
    """Read with the workspace; write as one of its contributors (never once archived)."""
    granted = abilities(user, workspace)
    return ContentAbilities(read=granted.read, write=granted.contribute)


def require_contribution(user: Any, workspace: Workspace) -> None:
    """``NotFound`` for someone who may not read the workspace, ``NotAllowed`` for a reader."""
    granted = content_abilities(user, workspace)
    if not granted.read:
        raise NotFound
    if not granted.write:
        raise NotAllowed


def may_create_workspace(user: Any) -> bool:
    """Agents and elected officials create workspaces; guests do not."""
    return principals(user) is not None and not is_guest(user)


def may_browse_directory(user: Any) -> bool:
    return principals(user) is not None and not is_guest(user)


def scopes_of(user: Any) -> list[str]:
    """The search scopes of the workspaces this person reads (``workspace:<uuid>``)."""
    who = principals(user)
    if who is None:
        return []
    return [f"workspace:{workspace_id}" for workspace_id in roles_by_workspace(who)]
