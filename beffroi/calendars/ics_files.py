"""Whole-calendar ``.ics`` files: importing one into a calendar, exporting a calendar as one.

An imported file is read whole first: if it is not iCalendar at all nothing is written. Its
events are grouped by UID (a recurring event and its overridden instances are one object), each
group is checked like a CalDAV PUT, and the good ones are written in one transaction; the bad
ones are listed with their reason. The export streams one object at a time.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import icalendar
from django.db import transaction
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.calendars import calendar_data
from beffroi.calendars.actions import do_put_event
from beffroi.calendars.calendar_data import SUPPORTED_COMPONENTS, InvalidCalendarObject
from beffroi.calendars.models import Calendar, Event
from beffroi.calendars.policies import abilities
from beffroi.core.errors import BeffroiError, InvalidInput, NotAllowed
from beffroi.directory.models import Agent

MAX_FILE_BYTES = 20 * 1024 * 1024
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,200}")


@dataclass(frozen=True)
class RefusedEvent:
    uid: str
    summary: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    refused: list[RefusedEvent] = field(default_factory=list)


def do_import_events(
    agent: Agent, calendar: Calendar, data: bytes, *, address: str | None = None
) -> ImportReport:
    """Write the events of the file ``data`` into ``calendar`` (all the good ones, or none if
    the file itself is unreadable)."""
    if not abilities(agent, calendar).write_events:
        raise NotAllowed()
    groups, timezones = _read_file(data)
    report = ImportReport()
    with transaction.atomic():
        for uid, components in groups.items():
            text = _object_text(components, timezones)
            try:
                calendar_data.parse_calendar_object(text, timezone=calendar.timezone)
            except InvalidCalendarObject as error:
                report.refused.append(RefusedEvent(uid, _summary(components), error.message))
                continue
            existing = Event.objects.filter(calendar=calendar, uid=uid).first()
            name = existing.name if existing is not None else _resource_name(uid)
            try:
                result = do_put_event(agent, calendar, name, text)
            except BeffroiError as error:
                report.refused.append(RefusedEvent(uid, _summary(components), error.message))
                continue
            if result.created:
                report.created += 1
            else:
                report.updated += 1
        record(
            "calendars.events_imported",
            actor=agent,
            target=calendar,
            address=address,
            details={
                "created": report.created,
                "updated": report.updated,
                "refused": len(report.refused),
            },
        )
    return report


def export_chunks(calendar: Calendar, texts: Iterable[str]) -> Iterator[str]:
    """The calendar as one iCalendar file, an object at a time (time zones written once).
    ``texts`` are the objects as the person exporting may see them."""
    yield "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Beffroi//Agenda//FR\r\n"
    yield _content_line("X-WR-CALNAME", calendar.name)
    yield _content_line("X-WR-TIMEZONE", calendar.timezone)
    written_zones: set[str] = set()
    for text in texts:
        source = icalendar.Calendar.from_ical(text)
        for component in source.subcomponents:
            if component.name == "VTIMEZONE":
                tzid = str(component.get("TZID"))
                if tzid in written_zones:
                    continue
                written_zones.add(tzid)
            yield component.to_ical().decode("utf-8")
    yield "END:VCALENDAR\r\n"


def _content_line(name: str, value: str) -> str:
    prop = icalendar.vText(value)
    return f"{name}:{prop.to_ical().decode('utf-8')}\r\n"


def _read_file(data: bytes) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(_("Le fichier dépasse la taille autorisée (20 Mo)."))
    try:
        parsed = icalendar.Calendar.from_ical(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, IndexError, KeyError):
        raise InvalidInput(
            _("Ce fichier n'est pas un calendrier iCalendar (.ics) lisible : rien n'a été importé.")
        ) from None
    if not isinstance(parsed, icalendar.Calendar) or parsed.name != "VCALENDAR":
        raise InvalidInput(
            _("Ce fichier n'est pas un calendrier iCalendar (.ics) lisible : rien n'a été importé.")
        )
    timezones = {str(item.get("TZID")): item for item in parsed.walk("VTIMEZONE")}
    groups: dict[str, list[Any]] = {}
    for component in parsed.subcomponents:
        if component.name not in SUPPORTED_COMPONENTS:
            continue
        uid = str(component.get("UID", "")).strip() or f"{uuid.uuid4()}@beffroi"
        if "UID" not in component:
            component.add("UID", uid)
        groups.setdefault(uid, []).append(component)
    if not groups:
        raise InvalidInput(_("Ce fichier ne contient aucun événement : rien n'a été importé."))
    return groups, timezones


def _object_text(components: list[Any], timezones: dict[str, Any]) -> str:
    result = icalendar.Calendar()
    result.add("PRODID", "-//Beffroi//Agenda//FR")
    result.add("VERSION", "2.0")
    used = {
        str(value.params["TZID"])
        for component in components
        for values in component.values()
        for value in (values if isinstance(values, list) else [values])
        if getattr(value, "params", None) is not None and "TZID" in value.params
    }
    for tzid in sorted(used):
        if tzid in timezones:
            result.add_component(timezones[tzid])
    for component in components:
        result.add_component(component)
    return str(result.to_ical().decode("utf-8"))


def _summary(components: list[Any]) -> str:
    for component in components:
        if "RECURRENCE-ID" not in component:
            return str(component.get("SUMMARY", ""))
    return str(components[0].get("SUMMARY", ""))


def _resource_name(uid: str) -> str:
    if _SAFE_NAME.fullmatch(uid):
        return f"{uid}.ics"
    return f"{uuid.uuid4()}.ics"
