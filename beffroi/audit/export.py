"""The audit trail as CSV for a spreadsheet: UTF-8 with a byte-order mark and semicolons, as
French Excel expects, times in the instance's time zone (Europe/Paris by default)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from beffroi.audit.access import target_names
from beffroi.audit.labels import label_of
from beffroi.audit.models import AuditEvent

BATCH = 1000
# A spreadsheet runs a cell that starts with one of these as a formula: a username typed by an
# attacker must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def header() -> list[str]:
    return [
        f"date ({settings.TIME_ZONE})",
        "auteur",
        "adresse",
        "action",
        "cible",
        "détails",
    ]


def _rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    zone = ZoneInfo(settings.TIME_ZONE)
    after = 0
    while True:
        # Keyset pages: each query is cheap however long the trail, and nothing is held open.
        batch = list(events.filter(id__gt=after).order_by("id")[:BATCH])
        if not batch:
            return
        names = target_names(batch)
        for event in batch:
            yield [
                event.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                _cell(event.actor_label or ""),
                _cell(event.address or ""),
                _cell(label_of(event.action)),
                _cell(names[event.id]),
                _cell(json.dumps(event.details, ensure_ascii=False, sort_keys=True)),
            ]
        after = batch[-1].id


def csv_chunks(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV text, a line at a time, oldest event first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flushed() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header())
    yield "\ufeff" + flushed()
    for row in _rows(events):
        writer.writerow(row)
        yield flushed()
