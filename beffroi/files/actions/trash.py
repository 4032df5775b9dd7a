"""The trash: restore a deleted file or folder to its place, purge it now, and the automatic
purge of what has stayed there longer than ``BEFFROI_FILES_TRASH_DAYS``.

A trashed node keeps its parent. Restoring puts it back there when that folder still lives (and
everything above it), or else at the root of its space; a name taken meanwhile becomes
« name (2).ext ». Purging deletes the node, what it holds, their versions and public links; the
blobs are left to the blob collector.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.files import policies, search
from beffroi.files.actions.nodes import _new_etag, _touch
from beffroi.files.collisions import free_name
from beffroi.files.models import Node, Space


def _still_in_place(node: Node) -> bool:
    """Whether the folder ``node`` was deleted from, and every folder above it, still live."""
    current = node.parent
    while current is not None:
        if current.trashed_at is not None:
            return False
        current = current.parent
    return node.parent is not None


def _locked_trashed(actor: Any, node: Node) -> Node:
    locked = (
        Node.objects.select_for_update(of=("self",)).select_related("space").filter(pk=node.pk)
    ).first()
    if locked is None:  # purged meanwhile, or with a folder it was in
        raise NotFound
    node = locked
    granted = policies.abilities(actor, node)
    if not granted.read:
        raise NotFound
    if not granted.delete:
        raise NotAllowed
    if node.trashed_at is None:
        raise InvalidInput(gettext("Cet élément n'est pas dans la corbeille."))
    return node


def do_restore_from_trash(actor: Any, node: Node, *, address: str | None = None) -> Node:
    """Bring ``node`` (and what it holds) back, to its place or to the root."""
    with transaction.atomic():
        node = _locked_trashed(actor, node)
        in_place = _still_in_place(node)
        parent = node.parent if in_place else Node.objects.get(space=node.space, parent=None)
        assert parent is not None
        parent = Node.objects.select_for_update(of=("self",)).get(pk=parent.pk)
        name = free_name(parent, node.name)
        node.parent, node.name, node.trashed_at = parent, name, None
        node.etag = _new_etag()
        node.save(update_fields=["parent", "name", "trashed_at", "etag", "updated_at"])
        _touch(parent)
        search.subtree_changed(node)
        record(
            "files.node.restored",
            actor=actor,
            target=node,
            address=address,
            details={
                "name": name,
                "space": str(node.space_id),
                "to_root": not in_place,
                "folder": node.is_folder,
            },
        )
    return node


def do_purge(actor: Any, node: Node, *, address: str | None = None) -> None:
    """Delete for good a node that is in the trash."""
    with transaction.atomic():
        node = _locked_trashed(actor, node)
        details = {"name": node.name, "space": str(node.space_id), "folder": node.is_folder}
        record("files.node.purged", actor=actor, target=node, address=address, details=details)
        _delete_tree(node)


def _delete_tree(node: Node) -> None:
    # Children first: a deep tree would otherwise make one huge cascade query.
    for child in Node.objects.filter(parent=node).only("pk"):
        _delete_tree(child)
    Node.objects.filter(pk=node.pk).update(current_version=None)
    node.delete()


def do_empty_trash(actor: Any, space: Space, *, address: str | None = None) -> int:
    """Purge everything in the trash of ``space`` that ``actor`` may purge (what they may not
    stays), and tell how many of the trash's items are gone (one deleted from a folder deleted
    later goes with that folder)."""
    in_trash = Node.objects.filter(space=space, trashed_at__isnull=False)
    before = in_trash.count()
    for node in in_trash.order_by("trashed_at"):
        try:
            do_purge(actor, node, address=address)
        except (NotFound, NotAllowed, InvalidInput):
            continue
    return before - in_trash.count()


def do_purge_expired_trash(now: datetime | None = None) -> int:
    """Purge what has been in the trash longer than ``BEFFROI_FILES_TRASH_DAYS``."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.FILES_TRASH_DAYS)
    purged = 0
    for node_id in list(
        Node.objects.filter(trashed_at__lt=cutoff).values_list("pk", flat=True).iterator()
    ):
        with transaction.atomic():
            node = Node.objects.select_for_update().filter(pk=node_id).first()
            if node is None:  # went with a folder purged just before
                continue
            record(
                "files.node.purged",
                target=node,
                details={
                    "name": node.name,
                    "space": str(node.space_id),
                    "folder": node.is_folder,
                    "automatic": True,
                },
            )
            _delete_tree(node)
            purged += 1
    return purged
