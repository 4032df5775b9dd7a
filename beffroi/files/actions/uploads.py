"""Resumable uploads: start, receive a chunk at an offset, finish, abandon, clean up.

The browser cuts a file into chunks and sends them in order; after a network cut it asks how
far the server got and goes on from there. Chunks are sealed (AES-256-GCM, a data key per
upload wrapped by the master key) and kept in the database, so that whichever node of a cluster
receives the next chunk or the ``finish`` sees all of them, and no byte sits unencrypted. Finish
streams them into a ``BlobWriter`` one at a time, then saves the file through ``do_save_file``
(versions, quotas and the rest apply) and forgets the chunks.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from beffroi.core.errors import BeffroiError, InvalidInput, NotFound
from beffroi.files.actions.nodes import (
    _require_folder,
    _require_write,
    do_create_folder,
    do_save_file,
)
from beffroi.files.actions.thumbnails import do_request_thumbnail
from beffroi.files.blobs import blob_store, master_key, unwrap_key, wrap_key
from beffroi.files.models import Node, UploadChunk, UploadSession
from beffroi.files.names import clean_name
from beffroi.files.quotas import ensure_room

MAX_CHUNK_BYTES = 16 * 1024 * 1024
MAX_PATH_DEPTH = 32
UPLOAD_ABANDONED_AFTER = timedelta(hours=24)
_NONCE_BYTES = 12


class UploadOffsetMismatch(BeffroiError):
    """A chunk does not start where the server's copy ends; ``expected`` says where it does."""

    code = "decalage"
    http_status = 409

    def __init__(self, expected: int) -> None:
        super().__init__(
            gettext("Ce morceau ne commence pas où l'envoi en est (%(offset)s octets reçus).")
            % {"offset": expected}
        )
        self.expected = expected


def clean_upload_path(raw: str) -> list[str]:
    """The segments of "folder/…/name", each a valid name, or ``InvalidInput``."""
    segments = [segment for segment in raw.split("/") if segment != ""]
    if not segments:
        raise InvalidInput(gettext("Donnez un nom."), fields={"name": [gettext("Donnez un nom.")]})
    if len(segments) > MAX_PATH_DEPTH:
        message = gettext("Ce dossier a trop de niveaux (%(max)s au plus).") % {
            "max": MAX_PATH_DEPTH
        }
        raise InvalidInput(message, fields={"name": [message]})
    return [clean_name(segment) for segment in segments]


def _associated(upload: UploadSession, offset: int) -> bytes:
    return upload.pk.bytes + offset.to_bytes(8, "big")


def do_start_upload(actor: Any, parent: Node, path: str, size: int) -> UploadSession:
    """Open an upload of ``size`` bytes to ``parent/path``."""
    segments = clean_upload_path(path)
    if size < 0:
        raise InvalidInput(gettext("La taille annoncée n'est pas valide."))
    with transaction.atomic():
        parent = Node.objects.select_related("space").get(pk=parent.pk)
        _require_write(actor, parent)
        _require_folder(parent)
        ensure_room(parent.space, size)
        data_key = AESGCM.generate_key(bit_length=256)
        return UploadSession.objects.create(
            agent=actor,
            parent=parent,
            path="/".join(segments),
            size=size,
            wrapped_key=wrap_key(data_key, master_key()),
        )


def do_receive_chunk(actor: Any, upload: UploadSession, offset: int, data: bytes) -> int:
    """Keep ``data`` as the bytes of the file from ``offset``; returns the new offset."""
    if upload.agent_id != getattr(actor, "pk", None):
        raise NotFound
    if len(data) > MAX_CHUNK_BYTES:
        raise InvalidInput(
            gettext("Ce morceau est trop gros (%(max)s Mio au plus).")
            % {"max": MAX_CHUNK_BYTES // (1024 * 1024)}
        )
    if not data:
        raise InvalidInput(gettext("Ce morceau est vide."))
    key = unwrap_key(bytes(upload.wrapped_key), master_key())
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, data, _associated(upload, offset))
    with transaction.atomic():
        locked = UploadSession.objects.select_for_update().filter(pk=upload.pk).first()
        if locked is None:
            raise NotFound
        if offset != locked.received:
            raise UploadOffsetMismatch(locked.received)
        if offset + len(data) > locked.size:
            raise InvalidInput(gettext("Ce morceau dépasse la taille annoncée du fichier."))
        UploadChunk.objects.create(session=locked, offset=offset, size=len(data), sealed=sealed)
        locked.received = offset + len(data)
        locked.save(update_fields=["received", "updated_at"])
    upload.received = locked.received
    return locked.received


def _folder_for(actor: Any, parent: Node, segments: list[str]) -> Node:
    """``parent/segments…``, creating the folders that are missing (a dropped folder)."""
    folder = parent
    for segment in segments:
        existing = Node.objects.filter(parent=folder, name=segment, trashed_at=None).first()
        if existing is None:
            try:
                existing = do_create_folder(actor, folder, segment)
            except (InvalidInput, IntegrityError):
                # Another file of the same dropped folder created it meanwhile.
                existing = Node.objects.filter(parent=folder, name=segment, trashed_at=None).first()
                if existing is None:
                    raise
        if not existing.is_folder:
            message = gettext("« %(name)s » existe déjà et n'est pas un dossier.") % {
                "name": segment
            }
            raise InvalidInput(message, fields={"name": [message]})
        folder = existing
    return folder


def _write_blob(upload: UploadSession) -> Any:
    key = AESGCM(unwrap_key(bytes(upload.wrapped_key), master_key()))
    chunk_ids = list(
        UploadChunk.objects.filter(session=upload).order_by("offset").values_list("pk", "offset")
    )
    with blob_store().open_write() as writer:
        expected = 0
        for chunk_id, offset in chunk_ids:
            if offset != expected:
                raise InvalidInput(gettext("L'envoi est incomplet : recommencez-le."))
            # One chunk in memory at a time, whatever the size of the file.
            sealed = bytes(
                UploadChunk.objects.filter(pk=chunk_id).values_list("sealed", flat=True).get()
            )
            plain = key.decrypt(
                sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _associated(upload, offset)
            )
            writer.write(plain)
            expected += len(plain)
        if expected != upload.size:
            raise InvalidInput(gettext("L'envoi est incomplet : recommencez-le."))
        return writer.commit()


def do_finish_upload(actor: Any, upload: UploadSession, *, content_type: str = "") -> Node:
    """Turn a complete upload into a file (or a new version of it) and forget its chunks."""
    if upload.agent_id != getattr(actor, "pk", None):
        raise NotFound
    upload.refresh_from_db()
    if upload.received != upload.size:
        raise InvalidInput(
            gettext("L'envoi n'est pas terminé : %(received)s octets reçus sur %(size)s.")
            % {"received": upload.received, "size": upload.size}
        )
    segments = upload.path.split("/")
    _require_write(actor, upload.parent)
    stored = _write_blob(upload)
    folder = _folder_for(actor, upload.parent, segments[:-1])
    with transaction.atomic():
        if not UploadSession.objects.select_for_update().filter(pk=upload.pk).exists():
            raise NotFound
        node = do_save_file(actor, folder, segments[-1], stored, content_type=content_type)
        UploadSession.objects.filter(pk=upload.pk).delete()
        do_request_thumbnail(node)
    return node


def do_abandon_upload(actor: Any, upload: UploadSession) -> None:
    if upload.agent_id != getattr(actor, "pk", None):
        raise NotFound
    with transaction.atomic():
        UploadSession.objects.filter(pk=upload.pk).delete()


def do_clean_abandoned_uploads(older_than: timedelta = UPLOAD_ABANDONED_AFTER) -> int:
    """Forget the uploads nobody added to for ``older_than``; returns how many."""
    with transaction.atomic():
        _count, by_model = UploadSession.objects.filter(
            updated_at__lt=timezone.now() - older_than
        ).delete()
    return by_model.get(UploadSession._meta.label, 0)
