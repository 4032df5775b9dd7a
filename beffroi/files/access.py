"""Reads of the drive for a person. Missing and forbidden answer the same ``NotFound``."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from beffroi.core.errors import NotFound
from beffroi.files import policies
from beffroi.files.models import DeadProperty, Lock, Node, Space
from beffroi.files.names import clean_name


def access_personal_space(user: Any, username: str) -> Space:
    """The personal drive of ``username``, which only its owner sees."""
    space = Space.objects.filter(kind=Space.Kind.PERSONAL, owner__username=username).first()
    if space is None or not policies.space_abilities(user, space).read:
        raise NotFound
    return space


def access_root(user: Any, space: Space) -> Node:
    root = Node.objects.select_related("space").filter(space=space, parent=None).first()
    if root is None or not policies.abilities(user, root).read:
        raise NotFound
    return root


def access_node(user: Any, space: Space, segments: Sequence[str]) -> Node:
    """The living node at ``segments`` below the space's root (one query per segment)."""
    node = access_root(user, space)
    for segment in segments:
        try:
            name = clean_name(segment)
        except Exception:
            raise NotFound from None
        child = (
            Node.objects.select_related("space", "current_version")
            .filter(parent=node, name=name, trashed_at=None)
            .first()
        )
        if child is None:
            raise NotFound
        node = child
    return node


def access_children(user: Any, folder: Node) -> list[Node]:
    """The living children of ``folder``, by name."""
    if not folder.is_folder or not policies.abilities(user, folder).read:
        raise NotFound
    return list(
        Node.objects.select_related("space", "current_version")
        .filter(parent=folder, trashed_at=None)
        .order_by("name")
    )


def access_dead_properties(user: Any, node: Node) -> dict[str, str]:
    """Properties clients set on ``node``: ``{"{namespace}name": xml}``."""
    if not policies.abilities(user, node).read:
        raise NotFound
    return {
        (f"{{{prop.namespace}}}{prop.name}" if prop.namespace else prop.name): prop.value
        for prop in DeadProperty.objects.filter(node=node)
    }


def access_locks(root: str, *, include_root: bool, include_children: bool) -> list[Lock]:
    """Unexpired WebDAV locks on ``root`` and/or below it (locks are checked by the engine)."""
    living = Lock.objects.filter(expires_at__gte=time.time())
    found: list[Lock] = []
    if include_root:
        found.extend(living.filter(root=root))
    if include_children:
        found.extend(living.filter(root__startswith=root.rstrip("/") + "/"))
    return found


def access_lock(token: str) -> Lock | None:
    return Lock.objects.filter(token=token, expires_at__gte=time.time()).first()
