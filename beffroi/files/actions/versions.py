"""Versions of a file: restore an older one, and the retention policy that forgets the oldest.

Restoring never rewrites history: it adds a new version with the old content (the blob is
shared, not copied), so the version it replaces can itself be restored.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from beffroi.audit.actions import record
from beffroi.core.errors import NotFound
from beffroi.files.actions.nodes import _require_write, _version
from beffroi.files.blobs import StoredBlob
from beffroi.files.models import Node, Version


def do_restore_version(
    actor: Any, node: Node, version: Version, *, address: str | None = None
) -> Version:
    """Make ``version``'s content the file's content again, as a new version."""
    with transaction.atomic():
        node = Node.objects.select_for_update(of=("self",)).select_related("space").get(pk=node.pk)
        _require_write(actor, node)
        if node.is_folder or node.trashed_at is not None or version.node_id != node.pk:
            raise NotFound
        source = Version.objects.select_related("blob").get(pk=version.pk)
        restored = _version(
            actor,
            node,
            StoredBlob(
                sha256=source.blob_id, size=source.size, wrapped_key=bytes(source.blob.wrapped_key)
            ),
        )
        record(
            "files.version.restored",
            actor=actor,
            target=node,
            address=address,
            details={
                "name": node.name,
                "version": str(source.pk),
                "version_date": source.created_at.isoformat(),
                "new_version": str(restored.pk),
            },
        )
    return restored


def versions_to_forget(
    versions: list[Version], *, current: Any, keep: int, since: datetime
) -> list[Version]:
    """Of a file's ``versions`` (newest first), those the policy lets go: not the current
    one, not among the ``keep`` newest, not created ``since`` the cut-off."""
    return [
        version
        for index, version in enumerate(versions)
        if index >= keep and version.pk != current and version.created_at < since
    ]


def do_apply_version_retention(now: datetime | None = None) -> int:
    """Delete the versions the policy no longer keeps (``BEFFROI_FILES_KEEP_VERSIONS``,
    ``BEFFROI_FILES_KEEP_VERSION_DAYS``). Returns how many went. Their blobs are left to the
    blob collector."""
    keep = settings.FILES_KEEP_VERSIONS
    since = (now or timezone.now()) - timedelta(days=settings.FILES_KEEP_VERSION_DAYS)
    crowded = (
        Node.objects.filter(is_folder=False)
        .annotate(count=Count("versions"))
        .filter(count__gt=keep)
        .values_list("pk", flat=True)
    )
    forgotten = 0
    for node_id in list(crowded.iterator()):
        with transaction.atomic():
            node = Node.objects.select_for_update().filter(pk=node_id).first()
            if node is None:
                continue
            versions = list(Version.objects.filter(node=node).order_by("-created_at", "-pk"))
            going = versions_to_forget(
                versions, current=node.current_version_id, keep=keep, since=since
            )
            if going:
                Version.objects.filter(pk__in=[version.pk for version in going]).delete()
                forgotten += len(going)
    return forgotten
