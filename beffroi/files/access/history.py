"""Reads of a file's versions, of a space's trash, and of how much a space holds."""

from __future__ import annotations

import uuid
from typing import Any

from beffroi.core.errors import NotFound
from beffroi.files import policies, quotas
from beffroi.files.models import Node, Space, Version


def _trashed_within(node: Node) -> bool:
    current: Node | None = node
    while current is not None:
        if current.trashed_at is not None:
            return True
        current = current.parent
    return False


def access_living_node(user: Any, node_id: uuid.UUID) -> Node:
    """A node out of the trash that ``user`` may read, by id (missing and hidden alike)."""
    node = (
        Node.objects.select_related("space", "current_version", "parent").filter(pk=node_id).first()
    )
    if node is None or _trashed_within(node) or not policies.abilities(user, node).read:
        raise NotFound
    return node


def access_space_by_id(user: Any, space_id: uuid.UUID) -> Space:
    """A space whose root ``user`` may read."""
    space = Space.objects.filter(pk=space_id).first()
    if space is None or not _sees_root(user, space):
        raise NotFound
    return space


def access_versions(user: Any, node: Node) -> list[Version]:
    """The versions of the file ``node``, newest first."""
    if node.is_folder or not policies.abilities(user, node).read:
        raise NotFound
    return list(
        Version.objects.select_related("created_by")
        .filter(node=node)
        .order_by("-created_at", "-pk")
    )


def access_version(user: Any, node: Node, version_id: uuid.UUID) -> Version:
    version = Version.objects.filter(pk=version_id, node=node).first()
    if version is None or not policies.abilities(user, node).read:
        raise NotFound
    return version


def access_trash(user: Any, space: Space) -> list[Node]:
    """What was deleted in ``space`` and ``user`` may see, the latest deletion first."""
    trashed = list(
        Node.objects.select_related("space", "parent")
        .filter(space=space, trashed_at__isnull=False)
        .order_by("-trashed_at", "name")
    )
    return [node for node in trashed if policies.abilities(user, node).read]


def access_trashed_node(user: Any, node_id: uuid.UUID) -> Node:
    """A node in the trash that ``user`` may see."""
    node = Node.objects.select_related("space").filter(pk=node_id).first()
    if node is None or node.trashed_at is None or not policies.abilities(user, node).read:
        raise NotFound
    return node


def access_space_usage(user: Any, space: Space) -> quotas.SpaceUsage:
    """How much ``space`` holds and may hold, for those who see it."""
    if not _sees_root(user, space):
        raise NotFound
    return quotas.usage_of(space)


def _sees_root(user: Any, space: Space) -> bool:
    root = Node.objects.filter(space=space, parent=None).first()
    return root is not None and policies.abilities(user, root).read


def access_space_for_quota(user: Any, space_id: uuid.UUID) -> Space:
    """Any space, for an administrator setting its quota (others: NotFound)."""
    space = Space.objects.filter(pk=space_id).first()
    if space is None or not getattr(user, "is_superuser", False):
        raise NotFound
    return space
