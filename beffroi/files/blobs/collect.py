"""Garbage collection of blobs: what no version needs any more, and what uploads left behind.

Three kinds of garbage, each deleted only once it has been untouched for the grace period
(``BEFFROI_FILES_GC_GRACE_HOURS``, a day by default):

1. **Unreferenced blobs**: a row no version (nor anything else holding blobs, see
   ``_holders``) points to, with its object. An upload first stores
   its object and *claims* the blob's row (``catalogue.claim``), then, in a separate
   transaction, creates the version that points to it. Between the two the row is referenced by
   nothing, so the grace protects it: the claim sets the row's ``created_at`` to now, also when
   the content was already stored (an old unreferenced blob uploaded again is claimed afresh).
   The deletion itself locks the row and re-checks, in the same statement, that it is still
   unreferenced and unclaimed since the cutoff; a claim or a version arriving at that moment
   waits for the lock and then sees no row (the claim then stores its own object again). The
   row goes first, the object after the commit: a crash in between leaves an orphan object.
2. **Orphan objects**: finished objects no row names — the loser of two identical uploads, or
   an upload killed between finishing its object and claiming its row. The set of known tags is
   read *before* listing the store and each candidate is looked up once more just before it is
   deleted; with the grace, an object whose row is being written is never taken.
3. **Leftovers of unfinished uploads**: temporary files (local disk) and incomplete multipart
   uploads (S3) not written to for the grace period, e.g. those of a process killed mid-upload.
   An upload in progress writes continually, so it is never that old.

The task schedules itself once a day (``schedule_blob_collection``, called when ``beffroi
serve`` starts its worker); ``beffroi files gc`` runs it on demand.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.db.models import BinaryField, Exists, OuterRef, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from beffroi.core.tasks import schedule_unless_waiting, task
from beffroi.files.blobs import blob_store
from beffroi.files.blobs.keys import KEY_ID_BYTES, NO_TAG, TAG_BYTES, record_tag
from beffroi.files.blobs.store import BlobStore
from beffroi.files.models import Blob

logger = logging.getLogger(__name__)

EVERY = timedelta(days=1)


@dataclass(frozen=True)
class Collected:
    """What one collection deleted."""

    blobs: int = 0
    bytes: int = 0
    orphans: int = 0
    leftovers: int = 0


def _holders() -> list[models.ForeignObjectRel]:
    """Every relation that keeps a blob: a foreign key to it with ``on_delete=PROTECT``. The
    drive's versions are one; other apps (the mail store's messages and queue) register their
    use of a blob the same way, by holding it through such a key."""
    return [
        relation for relation in Blob._meta.related_objects if relation.on_delete is models.PROTECT
    ]


def _unreferenced(cutoff: datetime) -> QuerySet[Blob]:
    unreferenced = Blob.objects.filter(created_at__lt=cutoff)
    for relation in _holders():
        model = relation.related_model
        assert not isinstance(model, str)
        holder = model._default_manager.filter(**{relation.field.name: OuterRef("pk")})
        unreferenced = unreferenced.filter(~Exists(holder))
    return unreferenced


def _collect_blobs(store: BlobStore, cutoff: datetime) -> tuple[int, int]:
    count = size = 0
    candidates = list(_unreferenced(cutoff).values_list("sha256", flat=True))
    for sha256 in candidates:
        try:
            with transaction.atomic():
                row = (
                    _unreferenced(cutoff)
                    .select_for_update(of=("self",))
                    .filter(sha256=sha256)
                    .first()
                )
                if row is None:
                    continue  # claimed or referenced meanwhile
                tag = record_tag(bytes(row.wrapped_key))
                row.delete()
        except DatabaseError:
            logger.warning("blob %s not collected this time", sha256, exc_info=True)
            continue
        if tag != NO_TAG:
            store.delete_object(tag)
        count += 1
        size += row.size
    return count, size


def _known_tags() -> set[bytes]:
    return {
        record_tag(bytes(record))
        for record in Blob.objects.values_list("wrapped_key", flat=True).iterator(chunk_size=2000)
    }


def _still_unknown(tag: bytes) -> bool:
    start = 1 + KEY_ID_BYTES + 1  # SQL counts from 1
    return not (
        Blob.objects.annotate(
            object_tag=Substr("wrapped_key", start, TAG_BYTES, output_field=BinaryField())
        )
        .filter(object_tag=tag)
        .exists()
    )


def _collect_orphans(store: BlobStore, cutoff: datetime) -> int:
    known = _known_tags()
    count = 0
    for stored in store.objects():
        if stored.modified_at < cutoff and stored.tag not in known and _still_unknown(stored.tag):
            store.delete_object(stored.tag)
            count += 1
    return count


def _collect_leftovers(store: BlobStore, cutoff: datetime) -> int:
    count = 0
    for leftover in store.leftovers():
        if leftover.modified_at < cutoff:
            store.delete_leftover(leftover)
            count += 1
    return count


def collect_garbage(grace: timedelta | None = None) -> Collected:
    """Delete the garbage untouched for ``grace`` (default: the configured grace period)."""
    if grace is None:
        grace = timedelta(hours=settings.FILES_GC_GRACE_HOURS)
    cutoff = timezone.now() - grace
    store = blob_store()
    blobs, size = _collect_blobs(store, cutoff)
    orphans = _collect_orphans(store, cutoff)
    leftovers = _collect_leftovers(store, cutoff)
    return Collected(blobs=blobs, bytes=size, orphans=orphans, leftovers=leftovers)


@task()
def collect_blobs() -> dict[str, int]:
    """Collect the blobs' garbage, then come back in a day."""
    try:
        collected = collect_garbage()
    finally:
        schedule_blob_collection(after=EVERY)
    logger.info("blob garbage collected: %s", collected)
    return asdict(collected)


def schedule_blob_collection(after: timedelta | None = None) -> bool:
    """Queue the next collection (at once, or ``after`` from now) unless one is waiting."""
    return schedule_unless_waiting(collect_blobs, after)
