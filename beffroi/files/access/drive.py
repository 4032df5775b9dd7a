"""Reads behind the drive's web pages: search, favourites, recent files, the tree below a folder
(for a zip), uploads in progress and thumbnails (spaces and nodes by id: ``access.shares``).

A node below a trashed folder keeps ``trashed_at`` empty (only the folder put in the trash is
marked), so every read here that does not walk down from a living folder checks the ancestors.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import Max

from beffroi.core.errors import NotFound
from beffroi.files import policies
from beffroi.files.models import Favourite, Node, Space, Thumbnail, UploadSession, Version
from beffroi.files.names import is_desktop_file

SEARCH_LIMIT = 200
RECENT_LIMIT = 20


def access_ancestors(user: Any, node: Node) -> list[Node]:
    """The folders from the space's root down to ``node``'s parent, for breadcrumbs."""
    granted = policies.abilities(user, node)
    if not (granted.read or granted.traverse):
        raise NotFound
    chain: list[Node] = []
    current = node.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


class _Living:
    """Answers "is this node alive?" for many nodes of one space with one query."""

    def __init__(self, space_id: uuid.UUID) -> None:
        rows = Node.objects.filter(space_id=space_id, is_folder=True).values_list(
            "pk", "parent_id", "trashed_at"
        )
        self._folders = {pk: (parent, trashed is not None) for pk, parent, trashed in rows}

    def __call__(self, node: Node) -> bool:
        if node.trashed_at is not None:
            return False
        folder = node.parent_id
        while folder is not None:
            parent, trashed = self._folders.get(folder, (None, True))
            if trashed:
                return False
            folder = parent
        return True


def _alive(nodes: list[Node]) -> list[Node]:
    checkers: dict[uuid.UUID, _Living] = {}
    kept = []
    for node in nodes:
        checker = checkers.setdefault(node.space_id, _Living(node.space_id))
        if checker(node):
            kept.append(node)
    return kept


def access_search(user: Any, space: Space, text: str) -> list[Node]:
    """Living nodes of ``space`` whose name contains ``text`` (case-insensitive)."""
    if not policies.space_abilities(user, space).read:
        raise NotFound
    text = text.strip()
    if not text:
        return []
    found = list(
        Node.objects.select_related("space", "current_version", "parent")
        .filter(space=space, trashed_at=None, parent__isnull=False, name__icontains=text)
        .order_by("-is_folder", "name")[:SEARCH_LIMIT]
    )
    return [
        n for n in _alive(found) if not is_desktop_file(n.name) and policies.abilities(user, n).read
    ]


def access_favourites(user: Any) -> list[Node]:
    """The living nodes ``user`` pinned and may still read, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    pinned = list(
        Node.objects.select_related("space", "current_version", "parent")
        .filter(favourites__agent=user, trashed_at=None)
        .order_by("-is_folder", "name")
    )
    return [n for n in _alive(pinned) if policies.abilities(user, n).read]


def access_favourite_ids(user: Any, nodes: list[Node]) -> set[uuid.UUID]:
    """Which of ``nodes`` ``user`` pinned (one query, for a listing)."""
    if not getattr(user, "is_authenticated", False) or not nodes:
        return set()
    return set(
        Favourite.objects.filter(agent=user, node__in=nodes).values_list("node_id", flat=True)
    )


def access_recent_files(user: Any) -> list[Node]:
    """The living files ``user`` saved most recently, newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    latest = (
        Version.objects.filter(created_by=user, node__trashed_at=None)
        .values("node_id")
        .annotate(at=Max("created_at"))
        .order_by("-at")[: RECENT_LIMIT * 2]
    )
    order = {row["node_id"]: index for index, row in enumerate(latest)}
    nodes = Node.objects.select_related("space", "current_version", "parent").filter(
        pk__in=list(order)
    )
    alive = [
        n
        for n in _alive(list(nodes))
        if not is_desktop_file(n.name) and policies.abilities(user, n).read
    ]
    return sorted(alive, key=lambda n: order[n.pk])[:RECENT_LIMIT]


def access_files_below(user: Any, folder: Node) -> Iterator[tuple[str, Node]]:
    """Every living file below ``folder`` with its path relative to it ("a/b/c.txt"), folder
    by folder, and every empty folder as "a/b/" with the folder itself. Lazy: a huge tree is
    never held whole."""
    if not folder.is_folder or not policies.abilities(user, folder).read:
        raise NotFound
    pending: list[tuple[str, Node]] = [("", folder)]
    while pending:
        prefix, current = pending.pop()
        listed = list(
            Node.objects.select_related("space", "current_version")
            .filter(parent=current, trashed_at=None)
            .order_by("name")
        )
        granted = policies.children_abilities(user, current, listed)
        children = [c for c, can in zip(listed, granted, strict=True) if can.read]
        if not children and prefix:
            yield prefix, current
        for child in children:
            if child.is_folder:
                pending.append((f"{prefix}{child.name}/", child))
            else:
                yield f"{prefix}{child.name}", child


def access_upload(user: Any, upload_id: uuid.UUID) -> UploadSession:
    """An upload in progress, which only the agent who started it sees."""
    upload = UploadSession.objects.select_related("parent__space").filter(pk=upload_id).first()
    if upload is None or not getattr(user, "is_authenticated", False) or upload.agent_id != user.pk:
        raise NotFound
    return upload


def access_thumbnail(user: Any, node: Node) -> Thumbnail | None:
    """The thumbnail of ``node``'s current content, if one was made (or asked for)."""
    if not policies.abilities(user, node).read:
        raise NotFound
    if node.current_version is None:
        return None
    return Thumbnail.objects.filter(blob_id=node.current_version.blob_id).first()


def access_ready_thumbnails(nodes: list[Node]) -> set[str]:
    """The blobs among ``nodes``' current contents whose thumbnail is ready (for a listing of
    nodes already read through ``access``)."""
    blobs = [n.current_version.blob_id for n in nodes if n.current_version is not None]
    if not blobs:
        return set()
    return set(
        Thumbnail.objects.filter(blob_id__in=blobs, status=Thumbnail.Status.READY).values_list(
            "blob_id", flat=True
        )
    )
