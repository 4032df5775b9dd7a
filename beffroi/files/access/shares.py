"""Reads about sharing: the spaces a person reaches (shares included), nodes by id, the shares
on a node, what is shared with me, and why someone may do what they may with a node."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from beffroi.core.errors import InvalidInput, NotFound
from beffroi.directory import access as directory_access
from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.directory.principals import principals
from beffroi.files import policies
from beffroi.files.models import Node, Share, Space


def access_reachable_spaces(user: Any) -> list[Space]:
    """Every space ``user`` may open: their personal drive, their departments' drives, and
    those where something is shared with them; personal drive first, then by name."""
    condition = policies.visible_spaces_filter(user)
    if condition is None:
        return []
    spaces = [
        space
        for space in Space.objects.select_related("department", "owner", "workspace").filter(
            condition
        )
        if _root_visible(user, space)
    ]
    return sorted(
        spaces, key=lambda s: (s.owner_id != getattr(user, "pk", None), space_name(s).lower())
    )


def _root_visible(user: Any, space: Space) -> bool:
    root = Node.objects.select_related("space").filter(space=space, parent=None).first()
    if root is None:
        return False
    granted = policies.abilities(user, root)
    return granted.read or granted.traverse


def space_name(space: Space) -> str:
    if space.department is not None:
        return space.department.name
    if space.owner is not None:
        return space.owner.display_name
    if space.workspace is not None:
        return space.workspace.name
    return space.slug


def access_space_by_slug(user: Any, slug: str) -> Space:
    """A space ``user`` reaches (see ``access_reachable_spaces``), by its slug."""
    condition = policies.visible_spaces_filter(user)
    space = (
        None
        if condition is None
        else Space.objects.select_related("department", "owner", "workspace")
        .filter(condition, slug=slug)
        .first()
    )
    if space is None or not _root_visible(user, space):
        raise NotFound
    return space


def access_visible_node(user: Any, node_id: uuid.UUID) -> Node:
    """A living node ``user`` may read or traverse, by id (missing and hidden alike)."""
    node = Node.objects.select_related("space", "current_version").filter(pk=node_id).first()
    if node is None:
        raise NotFound
    chain = policies.chains([node.pk]).get(node.pk, [])
    if any(link.trashed for link in chain):
        raise NotFound
    granted = policies.abilities(user, node)
    if not (granted.read or granted.traverse):
        raise NotFound
    return node


def access_readable_node(user: Any, node_id: uuid.UUID) -> Node:
    """As ``access_visible_node``, for what needs to read the node itself (its content, its
    shares)."""
    node = access_visible_node(user, node_id)
    if not policies.abilities(user, node).read:
        raise NotFound
    return node


def access_path(node: Node) -> str:
    """``/Plans/Confidentiel``: where ``node`` is in its space."""
    return policies.path_of(policies.chains([node.pk]).get(node.pk, []))


def access_shares(user: Any, node: Node) -> list[Share]:
    """The shares given on ``node`` itself, for anyone who may read it."""
    if not policies.abilities(user, node).read:
        raise NotFound
    return list(
        Share.objects.filter(node=node)
        .select_related("agent", "group", "department", "node")
        .order_by("created_at")
    )


def access_share(user: Any, share_id: uuid.UUID) -> Share:
    """A share on a node ``user`` may read (changing it is for its managers: see actions)."""
    share = (
        Share.objects.select_related("node", "node__space", "agent", "group", "department")
        .filter(pk=share_id, node__trashed_at=None)
        .first()
    )
    if share is None or not policies.abilities(user, share.node).read:
        raise NotFound
    return share


@dataclass(frozen=True)
class SharedItem:
    """Something shared with me: the node, its space, where it is, and my role on it."""

    node: Node
    space: Space
    path: str
    role: str


def access_shared_with_me(user: Any) -> list[SharedItem]:
    """Folders and files shared with ``user`` (directly, through a group or a department),
    outside their own drive, most recent share first, each once."""
    who = principals(user)
    if who is None:
        return []
    shares = (
        Share.objects.filter(who.shares_filter(), node__trashed_at=None)
        .exclude(node__space__owner_id=who.agent_id)
        .select_related("node", "node__space", "node__space__department", "node__space__owner")
        .order_by("-created_at")
    )
    nodes: dict[uuid.UUID, Node] = {}
    for share in shares:
        nodes.setdefault(share.node_id, share.node)
    chains = policies.chains(nodes)
    items: list[SharedItem] = []
    for node_id, node in nodes.items():
        chain = chains.get(node_id, [])
        if any(link.trashed for link in chain):
            continue
        granted = policies.abilities(user, node)
        if granted.read:
            items.append(SharedItem(node, node.space, policies.path_of(chain), granted.role))
    return items


def access_explanation(user: Any, node: Node, about: Agent | None = None) -> policies.Explanation:
    """Why ``about`` (by default ``user``) may do what they may with ``node``. Anyone may ask
    about themselves; only a manager of the node may ask about someone else."""
    if about is None or about.pk == getattr(user, "pk", None):
        if not policies.abilities(user, node).traverse:
            raise NotFound
        return policies.explain(user, node)
    if not policies.abilities(user, node).share:
        raise NotFound
    return policies.explain(about, node)


def access_agent_for_explanation(user: Any, agent_id: uuid.UUID) -> Agent:
    """The agent a manager asks about; any id that is not an agent answers ``NotFound``."""
    if principals(user) is None:
        raise NotFound
    agent = Agent.objects.filter(pk=agent_id).first()
    if agent is None:
        raise NotFound
    return agent


def access_share_groups(user: Any) -> list[AgentGroup]:
    """The groups a share may be given to, for a picker (none for a guest)."""
    if principals(user) is None or getattr(user, "kind", "") == Agent.Kind.GUEST:
        return []
    return list(AgentGroup.objects.order_by("name"))


def access_grantee(
    user: Any,
    *,
    agent_id: uuid.UUID | None = None,
    group_id: uuid.UUID | None = None,
    department_id: uuid.UUID | None = None,
) -> Agent | AgentGroup | Department:
    """Whom a share is for: exactly one agent, group or department that ``user`` may see."""
    given = [value for value in (agent_id, group_id, department_id) if value is not None]
    if len(given) != 1:
        message = gettext("Indiquez un agent, un groupe ou un service, et un seul.")
        raise InvalidInput(
            message,
            fields={"agent_id": [message], "group_id": [message], "department_id": [message]},
        )
    if agent_id is not None:
        return directory_access.access_agent_by_id(user, agent_id)
    if department_id is not None:
        return directory_access.access_department_by_id(user, department_id)
    group = AgentGroup.objects.filter(pk=group_id).first() if group_id is not None else None
    who = principals(user)
    # Groups are public within the organisation; a guest sees none of them.
    if group is None or who is None or getattr(user, "kind", "") == Agent.Kind.GUEST:
        raise NotFound
    return group
