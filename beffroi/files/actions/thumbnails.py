"""Thumbnails: asked for when a file is saved or shown, made by the worker, kept per blob."""

from __future__ import annotations

from django.db import transaction

from beffroi.core.tasks import enqueue_on_commit
from beffroi.files.models import Node, Thumbnail
from beffroi.files.thumbnails import MAX_SOURCE_BYTES, wants_thumbnail


def do_request_thumbnail(node: Node) -> Thumbnail | None:
    """Queue the thumbnail of ``node``'s current content once (none for what is no image)."""
    version = node.current_version
    if node.is_folder or version is None or not wants_thumbnail(node.content_type):
        return None
    from beffroi.files.tasks import make_thumbnail  # the task module imports the actions

    with transaction.atomic():
        if version.size > MAX_SOURCE_BYTES:
            thumbnail, _ = Thumbnail.objects.get_or_create(
                blob_id=version.blob_id,
                defaults={"status": Thumbnail.Status.REFUSED, "reason": "too heavy"},
            )
            return thumbnail
        thumbnail, created = Thumbnail.objects.get_or_create(blob_id=version.blob_id)
        if created:
            enqueue_on_commit(make_thumbnail, version.blob_id)
    return thumbnail


def do_store_thumbnail(sha256: str, data: bytes) -> None:
    with transaction.atomic():
        Thumbnail.objects.update_or_create(
            blob_id=sha256, defaults={"status": Thumbnail.Status.READY, "data": data, "reason": ""}
        )


def do_refuse_thumbnail(sha256: str, reason: str) -> None:
    with transaction.atomic():
        Thumbnail.objects.update_or_create(
            blob_id=sha256,
            defaults={"status": Thumbnail.Status.REFUSED, "data": b"", "reason": reason[:255]},
        )
