"""Events in the search: summary, location and description, for those who may read the
calendar in full.

An event is scoped to its calendar (``calendar:<uuid>``); a private or confidential event
(``CLASS:PRIVATE``/``CONFIDENTIAL``) to ``calendar-private:<uuid>``, which only the people who
see private details get (the owner and their delegates). Free/busy access gives no scope: it
never reveals a title. Resource calendars are left out (bookings are found in the agenda).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import icalendar
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beffroi.calendars import access, itip
from beffroi.calendars.models import Calendar, Event
from beffroi.search.documents import Document
from beffroi.search.indexing import index_many_on_commit, remove_many_on_commit
from beffroi.search.registry import Source, register

KIND = "event"
_BATCH = 500


def _fields(data: str) -> tuple[str, list[str], bool]:
    """The summary, the other words (location, description) and privacy of an object."""
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except ValueError:
        return "", [], False
    summary, words, private = "", [], False
    for component in parsed.walk():
        if component.name not in ("VEVENT", "VTODO", "VJOURNAL"):
            continue
        private = private or itip.is_private(component)
        if not summary and "RECURRENCE-ID" not in component:
            summary = str(component.get("SUMMARY", ""))
        for key in ("LOCATION", "DESCRIPTION"):
            if key in component:
                words.append(str(component.get(key)))
    return summary, list(dict.fromkeys(words)), private


def public_summary(data: str) -> str:
    """The summary of an object as everyone who reads the calendar may see it (a private
    object's is hidden)."""
    summary, _words, private = _fields(data)
    if private:
        return str(_("(privé)"))
    return summary or str(_("(sans titre)"))


def document_of(event: Event, calendar: Calendar) -> Document | None:
    """The entry of an event (none for a resource's calendar)."""
    if getattr(calendar, "resource", None) is not None:
        return None
    summary, words, private = _fields(event.data)
    scope = f"calendar-private:{calendar.pk}" if private else f"calendar:{calendar.pk}"
    title = summary or str(_("(sans titre)"))
    return Document(
        kind=KIND,
        object_id=str(event.pk),
        scope=scope,
        title=title,
        body="\n".join([title, *words]),
        url=reverse("agenda:event", args=[calendar.owner.username, calendar.slug, event.name]),
        updated_at=event.updated_at,
    )


def _documents(events: Iterable[Event]) -> list[Document]:
    found = [document_of(event, event.calendar) for event in events]
    return [document for document in found if document is not None]


def event_changed(event: Event) -> None:
    """An event was written: its entry, on commit."""
    calendar = Calendar.objects.select_related("owner", "resource").get(pk=event.calendar_id)
    index_many_on_commit(_documents_with(event, calendar))


def _documents_with(event: Event, calendar: Calendar) -> list[Document]:
    document = document_of(event, calendar)
    return [document] if document is not None else []


def events_removed(event_ids: Iterable[Any]) -> None:
    """Events were deleted (one, or a whole calendar's): out of the index, on commit."""
    remove_many_on_commit(KIND, [str(pk) for pk in event_ids])


def _scopes(agent: Any) -> list[str]:
    scopes: list[str] = []
    for calendar, granted in access.access_visible_calendars(agent):
        if granted.read:
            scopes.append(f"calendar:{calendar.pk}")
        if granted.see_private:
            scopes.append(f"calendar-private:{calendar.pk}")
    return scopes


def _all_documents() -> Iterator[Document]:
    ids = list(Event.objects.filter(calendar__resource__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(ids), _BATCH):
        events = Event.objects.filter(pk__in=ids[start : start + _BATCH]).select_related(
            "calendar__owner", "calendar__resource"
        )
        yield from _documents(events)


def register_source() -> None:
    register(
        Source(
            kind=KIND,
            label=_("Événements"),
            scopes=_scopes,
            documents=_all_documents,
            order=40,
        )
    )
