"""Reads of spaces, folders and files, dead properties and locks."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django.db import connection

from beffroi.core.errors import NotFound
from beffroi.files import policies
from beffroi.files.models import DeadProperty, Lock, Node, Space
from beffroi.files.names import clean_name, is_desktop_file


def access_personal_space(user: Any, username: str) -> Space:
    """The personal drive of ``username``, which only its owner sees."""
    space = Space.objects.filter(kind=Space.Kind.PERSONAL, owner__username=username).first()
    if space is None or not policies.space_abilities(user, space).read:
        raise NotFound
    return space


def _visible(user: Any, node: Node) -> bool:
    """Readable, or on the way down to something shared (``policies`` says which)."""
    granted = policies.abilities(user, node)
    return granted.read or granted.traverse


def access_root(user: Any, space: Space) -> Node:
    root = Node.objects.select_related("space").filter(space=space, parent=None).first()
    if root is None or not _visible(user, root):
        raise NotFound
    return root


# Deeper than any tree people make, and far below the databases' limits on parameters.
MAX_DEPTH = 200


def access_node(user: Any, space: Space, segments: Sequence[str]) -> Node:
    """The living node at ``segments`` below the space's root, if ``user`` may read it or
    traverse it (two queries whatever the depth, and the permission check needs no other
    for the chain of ancestors)."""
    if not segments:
        return access_root(user, space)
    path = _walk("space_id = %s AND parent_id IS NULL", [space.pk], segments)
    policies.remember_chains(path)
    node = path[-1]
    if not _visible(user, node):
        raise NotFound
    return node


def walk_down(start: Node, segments: Sequence[str]) -> Node:
    """The living node at ``segments`` below ``start``, without any permission check
    (callers check where the walk may start and where it ends)."""
    if not segments:
        return start
    return _walk("id = %s", [start.pk], segments)[-1]


def _walk(start: str, params: Sequence[Any], segments: Sequence[str]) -> list[Node]:
    """The living nodes from the one matching ``start`` down ``segments``, in two queries:
    one recursive query follows the names level by level, one reads the nodes found."""
    if len(segments) > MAX_DEPTH:  # nothing lives that deep; and one SQL parameter a level
        raise NotFound
    try:
        names = [clean_name(segment) for segment in segments]
    except Exception:
        raise NotFound from None
    table = connection.ops.quote_name(Node._meta.db_table)
    pk = Node._meta.pk
    assert pk is not None
    by_depth = " ".join(f"WHEN {depth} THEN %s" for depth in range(len(names)))
    sql = f"""
        WITH RECURSIVE walk(id, depth) AS (
            SELECT id, 0 FROM {table} WHERE {start}
            UNION ALL
            SELECT node.id, walk.depth + 1 FROM {table} node JOIN walk ON node.parent_id = walk.id
            WHERE walk.depth < %s AND node.trashed_at IS NULL
              AND node.name = CASE walk.depth {by_depth} END
        )
        SELECT id, depth FROM walk
    """  # noqa: S608 - the table name and the conditions are ours, the values are parameters
    prepared = [pk.get_db_prep_value(value, connection) for value in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*prepared, len(names), *names])
        found = {depth: pk.to_python(node_id) for node_id, depth in cursor.fetchall()}
    if len(found) != len(names) + 1:
        raise NotFound
    nodes = Node.objects.select_related("space", "current_version").in_bulk(found.values())
    return [nodes[found[depth]] for depth in range(len(names) + 1)]


def _visible_children(user: Any, folder: Node) -> list[tuple[Node, policies.Abilities]]:
    on_folder = policies.abilities(user, folder)
    if not folder.is_folder or not (on_folder.read or on_folder.traverse):
        raise NotFound
    children = list(
        Node.objects.select_related("current_version")
        .filter(parent=folder, trashed_at=None)
        .order_by("name")
    )
    for child in children:
        child.space = folder.space  # the same space: no join, no ten thousand copies
    granted = policies.children_abilities(user, folder, children, on_folder)
    return [
        (child, can)
        for child, can in zip(children, granted, strict=True)
        if can.read or can.traverse
    ]


def access_children(user: Any, folder: Node, *, desktop_files: bool = False) -> list[Node]:
    """The living children of ``folder`` that ``user`` may see, by name (in a folder they
    only traverse, the way down to what is shared with them); the files desktops write for
    themselves only with ``desktop_files`` (for WebDAV clients, see ``files.names``)."""
    return [
        child
        for child, _can in _visible_children(user, folder)
        if desktop_files or not is_desktop_file(child.name)
    ]


def access_children_with_properties(user: Any, folder: Node) -> list[tuple[Node, dict[str, str]]]:
    """``access_children`` with each child's dead properties (as ``access_dead_properties``
    gives them), in two more queries whatever the number of children: what a PROPFIND of a
    folder needs."""
    visible = _visible_children(user, folder)
    readable = [child.pk for child, can in visible if can.read]
    found: dict[Any, dict[str, str]] = {}
    for prop in DeadProperty.objects.filter(node_id__in=readable):
        found.setdefault(prop.node_id, {})[_clark(prop)] = prop.value
    return [(child, found.get(child.pk, {})) for child, _can in visible]


def _clark(prop: DeadProperty) -> str:
    return f"{{{prop.namespace}}}{prop.name}" if prop.namespace else prop.name


def access_dead_properties(user: Any, node: Node) -> dict[str, str]:
    """Properties clients set on ``node``: ``{"{namespace}name": xml}`` (none shown on a
    folder ``user`` only traverses)."""
    granted = policies.abilities(user, node)
    if not granted.read:
        if granted.traverse:
            return {}
        raise NotFound
    return {_clark(prop): prop.value for prop in DeadProperty.objects.filter(node=node)}


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
