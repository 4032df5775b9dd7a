"""The text the worker read from a file's content, kept for the search index."""

from __future__ import annotations

from django.db import transaction

from beffroi.files import search
from beffroi.files.models import Blob
from beffroi.search.models import ExtractedText


def do_store_extracted_text(sha256: str, text: str, reason: str = "") -> int:
    """Keep the text of blob ``sha256`` and reindex the living files pointing to it (on
    commit); returns how many. A blob collected meanwhile keeps nothing."""
    with transaction.atomic():
        if not Blob.objects.filter(sha256=sha256).exists():
            return 0
        ExtractedText.objects.update_or_create(
            blob_id=sha256, defaults={"text": text, "reason": reason[:255]}
        )
        return search.text_extracted(sha256)
