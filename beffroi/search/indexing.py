"""Writing to the index: capabilities call these from their actions.

``index_on_commit`` and ``remove_on_commit`` wait for the current transaction to commit (at
once outside one): a rolled-back action leaves the index as it was, and the index never shows
what was not saved. A failure to index is logged (``robust``) and does not undo the action
(``beffroi search reindex`` repairs). ``index_now`` writes many documents at once, for the
reindex and the bench.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from itertools import islice

from django.db import transaction

from beffroi.search import engines, french, registry
from beffroi.search.documents import (
    MAX_BODY_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    Document,
)
from beffroi.search.models import Entry

BATCH = 500


def _entry(document: Document) -> Entry:
    title = document.title[:MAX_TITLE_CHARS]
    body = document.body[:MAX_BODY_CHARS]
    return Entry(
        kind=document.kind,
        object_id=document.object_id,
        scope=document.scope,
        title=title,
        body=body,
        url=document.url[:MAX_URL_CHARS],
        updated_at=document.updated_at,
        analysed_title=french.analyse(title),
        analysed_body=french.analyse(body),
        access_term=engines.access_term(document.kind, document.scope),
    )


_FIELDS = [
    "scope",
    "title",
    "body",
    "url",
    "updated_at",
    "analysed_title",
    "analysed_body",
    "access_term",
]


def _write(documents: list[Document]) -> None:
    # The last description of an object wins within a batch.
    latest = {(d.kind, d.object_id): d for d in documents}
    entries = [_entry(document) for document in latest.values()]
    with transaction.atomic():
        Entry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=[*_FIELDS, "indexed_at"],
        )


def index_now(documents: Iterable[Document]) -> int:
    """Add or replace ``documents`` in the index now, in batches; returns how many."""
    written = 0
    iterator = iter(documents)
    while batch := list(islice(iterator, BATCH)):
        _write(batch)
        written += len(batch)
    return written


def _remove(kind: str, object_ids: list[str]) -> None:
    for start in range(0, len(object_ids), BATCH):
        Entry.objects.filter(kind=kind, object_id__in=object_ids[start : start + BATCH]).delete()


def index_on_commit(document: Document) -> None:
    """Add or replace ``document`` once the current transaction commits."""
    transaction.on_commit(partial(_write, [document]), robust=True)


def remove_on_commit(kind: str, object_id: str) -> None:
    """Take the object out of the index once the current transaction commits."""
    remove_many_on_commit(kind, [object_id])


def remove_many_on_commit(kind: str, object_ids: Iterable[str]) -> None:
    """Take these objects of ``kind`` out of the index once the transaction commits."""
    ids = list(object_ids)
    if ids:
        transaction.on_commit(partial(_remove, kind, ids), robust=True)


def index_many_on_commit(documents: Iterable[Document]) -> None:
    """Add or replace ``documents`` once the current transaction commits."""
    batch = list(documents)
    if batch:
        transaction.on_commit(partial(index_now, batch), robust=True)


def remove_now(kind: str, object_ids: Iterable[str]) -> None:
    """Take these objects of ``kind`` out of the index now."""
    _remove(kind, list(object_ids))


def reindex(kind: str, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Rebuild the entries of ``kind`` from its registered source, in batches: every document
    the source gives is written, every entry it no longer gives is removed. Returns (written,
    removed); ``progress`` hears the running count after each batch."""
    found = registry.source(kind)
    if found is None:
        raise LookupError(kind)
    seen: set[str] = set()
    written = 0
    iterator = iter(found.documents())
    while batch := list(islice(iterator, BATCH)):
        _write(batch)
        seen.update(document.object_id for document in batch)
        written += len(batch)
        if progress is not None:
            progress(written)
    return written, _remove_unseen(kind, seen)


def _remove_unseen(kind: str, seen: set[str]) -> int:
    stale = [
        pk
        for pk, object_id in Entry.objects.filter(kind=kind).values_list("pk", "object_id")
        if object_id not in seen
    ]
    for start in range(0, len(stale), BATCH):
        Entry.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    return len(stale)


def forget_unregistered() -> int:
    """Remove the entries of kinds no source registers any more; returns how many."""
    kinds = [source.kind for source in registry.sources()]
    removed, _ = Entry.objects.exclude(kind__in=kinds).delete()
    return removed
