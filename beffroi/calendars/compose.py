"""An event as a person fills it in (title, times, repetition, reminders…) and its iCalendar text.

The web form speaks ``EventFields``; the calendar keeps iCalendar. ``compose_event`` writes the
fields into the text, keeping what the form does not show (attendees' answers, exceptions,
overridden instances, properties other clients added) when it edits an existing event, and
``fields_of`` reads them back to fill the form. Times are wall-clock times in the calendar's zone,
written with its TZID so that a weekly meeting stays at 10:00 across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import icalendar

from beffroi.calendars.calendar_data import zone_named

PRODID = "-//Beffroi//Agenda//FR"
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PRIVACIES = ("PUBLIC", "PRIVATE", "CONFIDENTIAL")
# The properties the form owns: rewritten on every save, everything else is kept.
_OWNED = ("SUMMARY", "DTSTART", "DTEND", "DURATION", "LOCATION", "DESCRIPTION", "RRULE", "CLASS")


@dataclass(frozen=True)
class Attendee:
    """A person invited (or organising): their address, name and answer (RFC 5545 PARTSTAT)."""

    email: str
    name: str = ""
    partstat: str = "NEEDS-ACTION"
    cutype: str = ""  # RFC 5545 CUTYPE: "" (a person), ROOM or RESOURCE


@dataclass(frozen=True)
class EventFields:
    """What the event form edits. For all-day events ``start`` and ``end`` are dates and ``end``
    is the last day (inclusive); otherwise they are naive wall-clock times in the calendar's zone.
    """

    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    all_day: bool = False
    location: str = ""
    description: str = ""
    frequency: str = ""  # "" (no repetition) or one of FREQUENCIES
    until: dt.date | None = None
    count: int | None = None
    reminders: tuple[int, ...] = ()  # minutes before the start
    privacy: str = "PUBLIC"
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = field(default_factory=tuple)


def new_uid() -> str:
    return f"{uuid.uuid4()}@beffroi"


def compose_event(
    fields: EventFields, *, timezone: str, uid: str | None = None, previous: str | None = None
) -> str:
    """The iCalendar text of the event: ``previous`` updated with ``fields``, or a new one."""
    zone = zone_named(timezone)
    if previous is not None:
        calendar = icalendar.Calendar.from_ical(previous)
        master = _master(calendar)
    else:
        calendar = icalendar.Calendar()
        calendar.add("PRODID", PRODID)
        calendar.add("VERSION", "2.0")
        master = icalendar.Event()
        master.add("UID", uid or new_uid())
        calendar.add_component(master)
    for name in _OWNED:
        master.pop(name, None)
    for name in ("DTSTAMP", "LAST-MODIFIED"):
        master.pop(name, None)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    master.add("DTSTAMP", now)
    master.add("LAST-MODIFIED", now)
    master.add("SUMMARY", fields.summary)
    start, end = _bounds(fields, zone)
    master.add("DTSTART", start)
    master.add("DTEND", end)
    if fields.location:
        master.add("LOCATION", fields.location)
    if fields.description:
        master.add("DESCRIPTION", fields.description)
    if fields.privacy != "PUBLIC":
        master.add("CLASS", fields.privacy)
    if fields.frequency:
        master.add("RRULE", _rule(fields, zone))
    sequence = int(master.get("SEQUENCE", 0))
    master.pop("SEQUENCE", None)
    master.add("SEQUENCE", sequence + 1 if previous is not None else 0)
    _set_reminders(master, fields.reminders)
    _set_people(master, fields)
    return str(calendar.to_ical().decode("utf-8"))


def fields_of(text: str, *, timezone: str) -> EventFields:
    """The form's view of an event's text (its main component, not overridden instances)."""
    zone = zone_named(timezone)
    master = _master(icalendar.Calendar.from_ical(text))
    start_value = master.decoded("DTSTART")
    all_day = not isinstance(start_value, dt.datetime)
    end_value = _end_value(master, start_value)
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    if all_day:
        start = start_value
        end_date = end_value if not isinstance(end_value, dt.datetime) else end_value.date()
        end = max(start_value, end_date - dt.timedelta(days=1))
    else:
        start = _wall_clock(start_value, zone)
        end = _wall_clock(end_value, zone)
    frequency, until, count = _read_rule(master, zone)
    organizer = master.get("ORGANIZER")
    return EventFields(
        summary=str(master.get("SUMMARY", "")),
        start=start,
        end=end,
        all_day=all_day,
        location=str(master.get("LOCATION", "")),
        description=str(master.get("DESCRIPTION", "")),
        frequency=frequency,
        until=until,
        count=count,
        reminders=_read_reminders(master),
        privacy=str(master.get("CLASS", "PUBLIC")).upper(),
        organizer=_person(organizer) if organizer is not None else None,
        attendees=tuple(_person(value) for value in _as_list(master.get("ATTENDEE"))),
    )


def _master(calendar: Any) -> Any:
    events = [item for item in calendar.walk("VEVENT")]
    for item in events:
        if "RECURRENCE-ID" not in item:
            return item
    return events[0]


def _bounds(
    fields: EventFields, zone: dt.tzinfo
) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime]:
    if fields.all_day:
        start_day = _day(fields.start)
        return start_day, _day(fields.end) + dt.timedelta(days=1)
    assert isinstance(fields.start, dt.datetime)
    assert isinstance(fields.end, dt.datetime)
    return fields.start.replace(tzinfo=zone), fields.end.replace(tzinfo=zone)


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _rule(fields: EventFields, zone: dt.tzinfo) -> dict[str, Any]:
    rule: dict[str, Any] = {"FREQ": fields.frequency}
    if fields.until is not None:
        if fields.all_day:
            rule["UNTIL"] = fields.until
        else:
            # With a zoned DTSTART, UNTIL is in UTC (RFC 5545 §3.3.10): the end of that local day.
            last = dt.datetime.combine(fields.until, dt.time(23, 59, 59), zone)
            rule["UNTIL"] = last.astimezone(dt.UTC)
    elif fields.count is not None:
        rule["COUNT"] = fields.count
    return rule


def _set_reminders(master: Any, minutes: tuple[int, ...]) -> None:
    master.subcomponents = [item for item in master.subcomponents if item.name != "VALARM"]
    for before in sorted(set(minutes)):
        alarm = icalendar.Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", str(master.get("SUMMARY", "")))
        alarm.add("TRIGGER", dt.timedelta(minutes=-before))
        master.add_component(alarm)


def _set_people(master: Any, fields: EventFields) -> None:
    """Attendees already invited keep their answer; new ones are asked for one."""
    if not fields.attendees:
        master.pop("ATTENDEE", None)
        if fields.organizer is None:
            master.pop("ORGANIZER", None)
        return
    answers = {
        person.email.lower(): person.partstat
        for person in (_person(value) for value in _as_list(master.get("ATTENDEE")))
    }
    master.pop("ATTENDEE", None)
    master.pop("ORGANIZER", None)
    if fields.organizer is not None:
        master.add("ORGANIZER", _address(fields.organizer, organizer=True))
    for attendee in fields.attendees:
        known = answers.get(attendee.email.lower())
        chosen = replace(attendee, partstat=known or attendee.partstat)
        master.add("ATTENDEE", _address(chosen, organizer=False))


def _address(person: Attendee, *, organizer: bool) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    if not organizer:
        if person.cutype:
            address.params["CUTYPE"] = person.cutype
        address.params["ROLE"] = "NON-PARTICIPANT" if person.cutype else "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = person.partstat
        address.params["RSVP"] = "TRUE" if person.partstat == "NEEDS-ACTION" else "FALSE"
    return address


def _person(value: Any) -> Attendee:
    email = str(value)
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:") :]
    params = getattr(value, "params", {})
    cutype = str(params.get("CUTYPE", "")).upper()
    return Attendee(
        email=email,
        name=str(params.get("CN", "")),
        partstat=str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
        cutype=cutype if cutype in ("ROOM", "RESOURCE") else "",
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _end_value(master: Any, start: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if "DTEND" in master:
        value: dt.date | dt.datetime = master.decoded("DTEND")
        return value
    if "DURATION" in master:
        length: dt.timedelta = master.decoded("DURATION")
        return start + length
    return start + dt.timedelta(days=1) if not isinstance(start, dt.datetime) else start


def _wall_clock(value: dt.date | dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def _read_rule(master: Any, zone: dt.tzinfo) -> tuple[str, dt.date | None, int | None]:
    rule = master.get("RRULE")
    if isinstance(rule, list):
        rule = rule[0] if rule else None
    if not rule:
        return "", None, None
    frequency = str((rule.get("FREQ") or [""])[0]).upper()
    until_values = rule.get("UNTIL") or []
    until: dt.date | None = None
    if until_values:
        value = until_values[0]
        if isinstance(value, dt.datetime):
            value = value.astimezone(zone) if value.tzinfo else value
            until = value.date()
        else:
            until = value
    counts = rule.get("COUNT") or []
    return frequency, until, int(counts[0]) if counts else None


def _read_reminders(master: Any) -> tuple[int, ...]:
    minutes: list[int] = []
    for alarm in master.walk("VALARM"):
        trigger = alarm.decoded("TRIGGER", None)
        if isinstance(trigger, dt.timedelta) and trigger <= dt.timedelta(0):
            minutes.append(int(-trigger.total_seconds() // 60))
    return tuple(sorted(minutes))
