"""Background work of the drive's web side: thumbnails, the text of contents for the search,
and forgetting abandoned uploads.

The cleanup schedules itself like the audit prune: ``schedule_upload_cleanup()`` queues one
when none is waiting (``beffroi serve`` calls it when its worker starts) and each run queues the
next one an hour later.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

from beffroi.core.tasks import schedule_unless_waiting, task
from beffroi.files.actions import (
    do_clean_abandoned_uploads,
    do_refuse_thumbnail,
    do_store_thumbnail,
)
from beffroi.files.actions.search_index import do_store_extracted_text
from beffroi.files.blobs import BlobError, blob_store
from beffroi.files.thumbnails import ThumbnailRefused, render_thumbnail
from beffroi.search import extraction

logger = logging.getLogger(__name__)

CLEAN_UPLOADS_EVERY = timedelta(hours=1)


@task()
def make_thumbnail(sha256: str) -> str:
    """Render the thumbnail of blob ``sha256``; returns "ready" or "refused"."""
    try:
        with blob_store().open_read(sha256) as reader:
            data = render_thumbnail(io.BufferedReader(reader), reader.size)
    except ThumbnailRefused as refusal:
        do_refuse_thumbnail(sha256, str(refusal))
        return "refused"
    except BlobError as error:
        logger.warning("thumbnail of %s not made: %s", sha256, error)
        do_refuse_thumbnail(sha256, str(error))
        return "refused"
    do_store_thumbnail(sha256, data)
    return "ready"


@task()
def extract_file_text(sha256: str, name: str) -> str:
    """Read the text of blob ``sha256`` (a file called ``name``) for the search index, within
    the limits of ``beffroi.search.extraction``; returns why it is partial ("" if complete)."""
    try:
        with blob_store().open_read(sha256) as reader:
            extracted = extraction.extract(name, io.BufferedReader(reader), reader.size)
    except BlobError as error:
        logger.warning("text of %s not read: %s", sha256, error)
        extracted = extraction.Extracted("", "unreadable")
    do_store_extracted_text(sha256, extracted.text, extracted.reason)
    return extracted.reason


@task()
def clean_abandoned_uploads() -> int:
    """Forget the uploads nobody added to for a day, then come back in an hour."""
    try:
        return do_clean_abandoned_uploads()
    finally:
        schedule_upload_cleanup(after=CLEAN_UPLOADS_EVERY)


def schedule_upload_cleanup(after: timedelta | None = None) -> bool:
    """Queue the next cleanup (at once, or ``after`` from now) unless one is waiting."""
    return schedule_unless_waiting(clean_abandoned_uploads, after)
