"""Folders and files: create, save, move, copy, trash; dead properties and WebDAV locks.

A file's content is written to the blob store first (outside any transaction, it can take
minutes); only then does a short transaction point the node at its new version. A killed upload
thus never shows a truncated file, and an overwrite keeps the previous version.
"""

from __future__ import annotations

import mimetypes
import time
import uuid
from collections.abc import Iterable
from email.utils import parsedate_to_datetime
from typing import Any

from defusedxml import ElementTree
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.directory.models import Agent, Department
from beffroi.files import policies, quotas, search
from beffroi.files.blobs import StoredBlob, blob_store
from beffroi.files.models import Blob, DeadProperty, Lock, Node, Space, Version
from beffroi.files.names import clean_name, is_desktop_file
from beffroi.workspaces.activity import record_activity
from beffroi.workspaces.models import Workspace

UPLOAD_CHUNK_BYTES = 1024 * 1024


def _new_etag() -> str:
    return uuid.uuid4().hex


def _require_write(actor: Any, node: Node) -> None:
    granted = policies.abilities(actor, node)
    if not (granted.read or granted.traverse):
        raise NotFound
    if not granted.write:
        raise NotAllowed


def _require_folder(node: Node) -> None:
    if not node.is_folder or node.trashed_at is not None:
        raise InvalidInput(gettext("La destination n'est pas un dossier."))


def _taken(parent: Node, name: str, *, besides: Node | None = None) -> bool:
    siblings = Node.objects.filter(parent=parent, name=name, trashed_at=None)
    if besides is not None:
        siblings = siblings.exclude(pk=besides.pk)
    return siblings.exists()


def _name_taken_error() -> InvalidInput:
    message = gettext("Un élément porte déjà ce nom à cet endroit.")
    return InvalidInput(message, fields={"name": [message]})


def _touch(folder: Node) -> None:
    Node.objects.filter(pk=folder.pk).update(modified_at=timezone.now(), etag=_new_etag())


# --- Spaces ---------------------------------------------------------------------------------


def _create_space(**fields: Any) -> Space:
    fields.setdefault("slug", uuid.uuid4().hex)
    space = Space.objects.create(**fields)
    Node.objects.create(
        space=space,
        parent=None,
        name="",
        is_folder=True,
        modified_at=timezone.now(),
        etag=_new_etag(),
    )
    return space


def do_open_personal_space(agent: Agent) -> Space:
    """The agent's personal drive, created empty the first time."""
    with transaction.atomic():
        existing = Space.objects.filter(owner=agent).first()
        if existing is not None:
            return existing
        return _create_space(kind=Space.Kind.PERSONAL, owner=agent)


def do_open_department_space(department: Department) -> Space:
    """The department's shared drive, created empty the first time."""
    with transaction.atomic():
        existing = Space.objects.filter(department=department).first()
        if existing is not None:
            return existing
        # /dav/spaces/voirie/: a department's code is unique and already slug-shaped.
        return _create_space(
            kind=Space.Kind.DEPARTMENT, department=department, slug=department.code.lower()
        )


def do_open_workspace_space(workspace: Workspace) -> Space:
    """The workspace's drive (``/dav/spaces/<slug>/``), created empty the first time."""
    with transaction.atomic():
        existing = Space.objects.filter(workspace=workspace).first()
        if existing is not None:
            return existing
        return _create_space(kind=Space.Kind.WORKSPACE, workspace=workspace, slug=workspace.slug)


# --- Folders and files ----------------------------------------------------------------------


def do_create_folder(actor: Any, parent: Node, name: str) -> Node:
    name = clean_name(name)
    with transaction.atomic():
        parent = (
            Node.objects.select_for_update(of=("self",)).select_related("space").get(pk=parent.pk)
        )
        _require_write(actor, parent)
        _require_folder(parent)
        if _taken(parent, name):
            raise _name_taken_error()
        folder = Node.objects.create(
            space=parent.space,
            parent=parent,
            name=name,
            is_folder=True,
            modified_at=timezone.now(),
            etag=_new_etag(),
        )
        _touch(parent)
        search.node_changed(folder)
    return folder


def _version(actor: Any, node: Node, stored: StoredBlob) -> Version:
    # Checked again here, inside the transaction: two uploads streamed at once each saw room.
    quotas.ensure_room(node.space, stored.size)
    blob, _ = Blob.objects.get_or_create(
        sha256=stored.sha256, defaults={"size": stored.size, "wrapped_key": stored.wrapped_key}
    )
    version = Version.objects.create(
        node=node,
        blob=blob,
        size=stored.size,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    node.current_version = version
    node.size = stored.size
    node.modified_at = timezone.now()
    node.etag = _new_etag()
    node.save(update_fields=["current_version", "size", "modified_at", "etag", "updated_at"])
    if is_desktop_file(node.name):
        Version.objects.filter(node=node).exclude(pk=version.pk).delete()
    elif node.space.workspace_id is not None:
        first = not Version.objects.filter(node=node).exclude(pk=version.pk).exists()
        record_activity(
            node.space.workspace_id,
            actor,
            "file_added" if first else "file_updated",
            node.name,
            reverse("files:file", args=[node.pk]),
        )
    search.content_changed(node)
    return version


def do_save_file(
    actor: Any, parent: Node, name: str, stored: StoredBlob, *, content_type: str = ""
) -> Node:
    """Point ``parent/name`` at content already in the blob store: a new file, or a new
    version of the existing one (the previous version stays)."""
    name = clean_name(name)
    with transaction.atomic():
        parent = (
            Node.objects.select_for_update(of=("self",)).select_related("space").get(pk=parent.pk)
        )
        _require_write(actor, parent)
        _require_folder(parent)
        node = Node.objects.filter(parent=parent, name=name, trashed_at=None).first()
        if node is not None and node.is_folder:
            raise _name_taken_error()
        if node is None:
            node = Node.objects.create(
                space=parent.space,
                parent=parent,
                name=name,
                is_folder=False,
                content_type=content_type or guess_content_type(name),
                modified_at=timezone.now(),
                etag=_new_etag(),
            )
            _touch(parent)
        _version(actor, node, stored)
    return node


def do_save_version(actor: Any, node: Node, stored: StoredBlob) -> Node:
    """A new version of an existing file, which becomes its content."""
    with transaction.atomic():
        node = Node.objects.select_for_update(of=("self",)).select_related("space").get(pk=node.pk)
        _require_write(actor, node)
        if node.is_folder or node.trashed_at is not None:
            raise NotFound
        _version(actor, node, stored)
    return node


def do_upload(
    actor: Any,
    parent: Node,
    name: str,
    chunks: Iterable[bytes],
    *,
    content_type: str = "",
    declared_size: int | None = None,
) -> Node:
    """Write ``chunks`` to the blob store, then save them as ``parent/name``; stopped (and
    nothing kept) as soon as they would not fit in the space's quota."""
    name = clean_name(name)
    _require_write(actor, parent)
    meter = quotas.UploadMeter(parent.space, declared=declared_size)
    with blob_store().open_write() as writer:
        for chunk in chunks:
            meter.count(len(chunk))
            writer.write(chunk)
        stored = writer.commit()
    return do_save_file(actor, parent, name, stored, content_type=content_type)


def guess_content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _ancestors(node: Node) -> Iterable[Node]:
    current: Node | None = node
    while current is not None:
        yield current
        current = current.parent


def do_move(actor: Any, node: Node, parent: Node, name: str) -> Node:
    """Rename and/or move ``node`` (and what it holds) under ``parent``, across spaces too."""
    name = clean_name(name)
    with transaction.atomic():
        node = Node.objects.select_for_update(of=("self",)).select_related("space").get(pk=node.pk)
        parent = (
            Node.objects.select_for_update(of=("self",)).select_related("space").get(pk=parent.pk)
        )
        _require_write(actor, node)
        _require_write(actor, parent)
        _require_folder(parent)
        if node.parent_id is None:
            raise InvalidInput(gettext("La racine d'un espace ne peut pas être déplacée."))
        if any(ancestor.pk == node.pk for ancestor in _ancestors(parent)):
            raise InvalidInput(gettext("Un dossier ne peut pas être déplacé en lui-même."))
        if _taken(parent, name, besides=node):
            raise _name_taken_error()
        source_parent, source_space = node.parent, node.space
        node.parent, node.name, node.space = parent, name, parent.space
        node.etag = _new_etag()
        node.save(update_fields=["parent", "name", "space", "etag", "updated_at"])
        if source_space.pk != parent.space_id:
            Node.objects.filter(pk__in=_descendant_ids(node)).update(space=parent.space)
            quotas.ensure_room(parent.space, 0)
            record(
                "files.node.moved",
                actor=actor,
                target=node,
                details={"from_space": str(source_space.pk), "to_space": str(parent.space_id)},
            )
        if source_parent is not None:
            _touch(source_parent)
        _touch(parent)
        # Across spaces, the entries of what the node holds change scope too.
        if source_space.pk != parent.space_id:
            search.subtree_changed(node)
        else:
            search.node_changed(node)
    return node


def _descendant_ids(node: Node) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    level = [node.pk]
    while level:
        level = list(Node.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found.extend(level)
    return found


def do_copy(actor: Any, node: Node, parent: Node, name: str, *, recursive: bool = True) -> Node:
    """Copy ``node`` (a folder with what it holds, unless not ``recursive``) to
    ``parent/name``; blobs are shared, not duplicated."""
    name = clean_name(name)
    with transaction.atomic():
        parent = (
            Node.objects.select_for_update(of=("self",)).select_related("space").get(pk=parent.pk)
        )
        policy = policies.abilities(actor, node)
        if not policy.read:
            raise NotFound
        _require_write(actor, parent)
        _require_folder(parent)
        if node.is_folder and any(a.pk == node.pk for a in _ancestors(parent)):
            raise InvalidInput(gettext("Un dossier ne peut pas être copié en lui-même."))
        if _taken(parent, name):
            raise _name_taken_error()
        copy = _copy_tree(actor, node, parent, name, recursive=recursive)
        search.subtree_changed(copy)
        # The copy's versions are counted now, inside the transaction: over the quota, undone.
        quotas.ensure_room(parent.space, 0)
        _touch(parent)
    return copy


def _copy_tree(actor: Any, node: Node, parent: Node, name: str, *, recursive: bool) -> Node:
    copy = Node.objects.create(
        space=parent.space,
        parent=parent,
        name=name,
        is_folder=node.is_folder,
        content_type=node.content_type,
        size=node.size,
        modified_at=timezone.now(),
        etag=_new_etag(),
    )
    if node.current_version is not None:
        version = node.current_version
        copy.current_version = Version.objects.create(
            node=copy,
            blob_id=version.blob_id,
            size=version.size,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        copy.save(update_fields=["current_version"])
    DeadProperty.objects.bulk_create(
        DeadProperty(node=copy, namespace=p.namespace, name=p.name, value=p.value)
        for p in DeadProperty.objects.filter(node=node)
    )
    if node.is_folder and recursive:
        for child in Node.objects.filter(parent=node, trashed_at=None).select_related(
            "current_version"
        ):
            _copy_tree(actor, child, copy, child.name, recursive=True)
    return copy


def do_trash(actor: Any, node: Node, *, address: str | None = None) -> None:
    """Put ``node`` (and what it holds) in the trash: it leaves every listing."""
    with transaction.atomic():
        node = Node.objects.select_for_update(of=("self",)).select_related("space").get(pk=node.pk)
        _require_write(actor, node)
        if node.parent_id is None:
            raise InvalidInput(gettext("La racine d'un espace ne peut pas être supprimée."))
        if node.trashed_at is not None:
            return
        node.trashed_at = timezone.now()
        node.save(update_fields=["trashed_at", "updated_at"])
        search.subtree_gone(node)
        DeadProperty.objects.filter(node=node).delete()
        if node.parent is not None:
            _touch(node.parent)
        record(
            "files.node.trashed",
            actor=actor,
            target=node,
            address=address,
            details={"name": node.name, "space": str(node.space_id), "folder": node.is_folder},
        )


# --- WebDAV dead properties and locks -------------------------------------------------------


def _split_clark(clark_name: str) -> tuple[str, str]:
    if clark_name.startswith("{") and "}" in clark_name:
        namespace, name = clark_name[1:].split("}", 1)
        return namespace, name
    return "", clark_name


def do_set_dead_property(actor: Any, node: Node, clark_name: str, xml: str) -> None:
    namespace, name = _split_clark(clark_name)
    if not name or len(name) > 255 or len(namespace) > 500 or len(xml) > 64 * 1024:
        raise InvalidInput(gettext("Cette propriété est trop longue."))
    with transaction.atomic():
        _require_write(actor, node)
        DeadProperty.objects.update_or_create(
            node=node, namespace=namespace, name=name, defaults={"value": xml}
        )
        if (namespace, name) == WINDOWS_LAST_MODIFIED:
            _keep_desktop_date(node, xml)


# Windows Explorer sends the date a file had on the desktop after copying it, as this
# property: the drive shows that date, as the desktop did.
WINDOWS_LAST_MODIFIED = ("urn:schemas-microsoft-com:", "Win32LastModifiedTime")


def _keep_desktop_date(node: Node, xml: str) -> None:
    try:
        when = parsedate_to_datetime("".join(ElementTree.fromstring(xml).itertext()).strip())
    except (ElementTree.ParseError, TypeError, ValueError):
        return  # a date no one can read leaves the drive's own
    if when.tzinfo is None or not 1980 <= when.year <= 2100:
        return
    Node.objects.filter(pk=node.pk).update(modified_at=when, etag=_new_etag())


def do_remove_dead_property(actor: Any, node: Node, clark_name: str) -> None:
    namespace, name = _split_clark(clark_name)
    with transaction.atomic():
        _require_write(actor, node)
        DeadProperty.objects.filter(node=node, namespace=namespace, name=name).delete()


def do_create_lock(lock: dict[str, Any]) -> None:
    """Store a WebDAV lock the engine granted (``lock`` is its dictionary, with a token)."""
    with transaction.atomic():
        Lock.objects.filter(expires_at__lt=time.time()).delete()
        Lock.objects.create(
            token=lock["token"],
            root=lock["root"],
            principal=lock.get("principal") or "",
            owner=lock.get("owner") or "",
            scope=lock["scope"],
            kind=lock.get("type") or "write",
            depth=lock["depth"],
            timeout=float(lock["timeout"]),
            expires_at=float(lock["expire"]),
        )


def do_refresh_lock(token: str, timeout: float) -> Lock | None:
    with transaction.atomic():
        lock = Lock.objects.select_for_update().filter(token=token).first()
        if lock is None:
            return None
        lock.timeout = timeout
        lock.expires_at = time.time() + timeout
        lock.save(update_fields=["timeout", "expires_at"])
    return lock


def do_delete_lock(token: str) -> bool:
    with transaction.atomic():
        deleted, _ = Lock.objects.filter(token=token).delete()
    return deleted > 0


def do_clear_locks() -> None:
    with transaction.atomic():
        Lock.objects.all().delete()
