"""Reads of public links: an agent's view of the links they manage, and a visitor's view of
what a link opens (never anything outside the node it points to)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from beffroi.core.errors import NotFound
from beffroi.files import policies
from beffroi.files.access.nodes import walk_down
from beffroi.files.models import Node, PublicLink, PublicLinkAccess


def _manages(user: Any, link: PublicLink) -> bool:
    if link.created_by_id is not None and link.created_by_id == getattr(user, "pk", None):
        return getattr(user, "is_authenticated", False) and getattr(user, "can_sign_in", False)
    return policies.abilities(user, link.node).share


def access_my_links(user: Any) -> list[PublicLink]:
    """The links ``user`` created, newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        link
        for link in PublicLink.objects.select_related("node__space")
        .filter(created_by=user)
        .order_by("-created_at")
        if _manages(user, link)
    ]


def access_node_links(user: Any, node: Node) -> list[PublicLink]:
    """The links on ``node``, for whoever may share it."""
    if not policies.abilities(user, node).share:
        raise NotFound
    return list(
        PublicLink.objects.select_related("node__space").filter(node=node).order_by("-created_at")
    )


def access_link(user: Any, link_id: uuid.UUID) -> PublicLink:
    """A link its creator, or anyone who may share its node, manages."""
    link = PublicLink.objects.select_related("node__space").filter(pk=link_id).first()
    if link is None or not _manages(user, link):
        raise NotFound
    return link


def access_link_log(user: Any, link: PublicLink) -> list[PublicLinkAccess]:
    """Every visit of ``link``, newest first."""
    if not _manages(user, link):
        raise NotFound
    return list(link.accesses.order_by("-at", "-pk"))


# --- What a visitor sees ----------------------------------------------------------------------


def open_public_link(token: str) -> PublicLink:
    """The link with this token, whatever its state (the caller checks and logs it)."""
    if not token or len(token) > 64:
        raise NotFound
    link = PublicLink.objects.select_related("node__space").filter(token=token).first()
    if link is None or _gone(link.node):
        raise NotFound
    return link


def _gone(node: Node) -> bool:
    current: Node | None = node
    while current is not None:
        if current.trashed_at is not None:
            return True
        current = current.parent
    return False


def access_link_node(link: PublicLink, segments: Sequence[str]) -> Node:
    """The living node at ``segments`` below the link's own node (a read link only)."""
    if link.kind != PublicLink.Kind.READ:
        raise NotFound
    return walk_down(link.node, segments)


def access_link_children(link: PublicLink, folder: Node) -> list[Node]:
    """What a read link's folder holds: folders first, then files, by name."""
    if link.kind != PublicLink.Kind.READ or not folder.is_folder:
        raise NotFound
    return list(
        Node.objects.select_related("current_version")
        .filter(parent=folder, trashed_at=None)
        .order_by("-is_folder", "name")
    )
