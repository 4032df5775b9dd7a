"""Reading, checking and querying the iCalendar text of one calendar object (RFC 4791 §4.1).

A calendar object is a VCALENDAR holding one kind of component (VEVENT or VTODO) with one UID:
the master and its overridden instances, plus the VTIMEZONEs they use. Anything else is refused
with the CalDAV precondition it breaks, so that the DAV adapter can name it to the client.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import icalendar
import recurring_ical_events  # type: ignore[import-untyped, unused-ignore]
from django.utils.translation import gettext as _

from beffroi.core.errors import InvalidInput

MAX_OBJECT_BYTES = 1024 * 1024
SUPPORTED_COMPONENTS = ("VEVENT", "VTODO")
_UTC = dt.UTC
_TOO_FREQUENT = {"SECONDLY", "MINUTELY"}
# Rules with a COUNT up to this get an exact end in the index; larger ones stay open-ended.
MAX_COUNTED_INSTANCES = 5000


class InvalidCalendarObject(InvalidInput):
    """The text is not a calendar object this server keeps.

    ``precondition`` names the CalDAV precondition (RFC 4791 §5.3.2.1) that the DAV adapter
    reports; ``status`` is the HTTP status it answers with.
    """

    code = "objet_agenda_invalide"

    def __init__(self, message: str, *, precondition: str, status: int = 403) -> None:
        super().__init__(message, fields={"data": [message]})
        self.precondition = precondition
        self.status = status


@dataclass(frozen=True)
class CalendarObject:
    """What the database keeps about one checked object, besides its text."""

    text: str
    uid: str
    component: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    recurring: bool

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32] + '"'


def parse_calendar_object(data: bytes | str, *, timezone: str) -> CalendarObject:
    """Check ``data`` and work out its UID, kind and conservative UTC span.

    ``timezone`` is the calendar's: it places floating times and all-day dates.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_OBJECT_BYTES:
        raise InvalidCalendarObject(
            _("L'événement dépasse la taille autorisée (1 Mo)."),
            precondition="max-resource-size",
        )
    try:
        text = raw.decode("utf-8")
        calendar = icalendar.Calendar.from_ical(text)
    except (UnicodeDecodeError, ValueError, IndexError, KeyError):
        raise _not_icalendar() from None
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise _not_icalendar()
    if "METHOD" in calendar:
        raise InvalidCalendarObject(
            _("Un événement enregistré dans un agenda ne doit pas porter de propriété METHOD."),
            precondition="valid-calendar-object-resource",
        )
    components = [item for item in calendar.subcomponents if item.name != "VTIMEZONE"]
    kinds = {item.name for item in components}
    if not components:
        raise InvalidCalendarObject(
            _("Le calendrier ne contient aucun événement."),
            precondition="valid-calendar-object-resource",
        )
    if len(kinds) > 1:
        raise InvalidCalendarObject(
            _("Un objet d'agenda ne contient qu'un seul type de composant."),
            precondition="valid-calendar-object-resource",
        )
    component = kinds.pop()
    if component not in SUPPORTED_COMPONENTS:
        raise InvalidCalendarObject(
            _("Ce type de composant n'est pas pris en charge par cet agenda."),
            precondition="supported-calendar-component",
        )
    uid = _single_uid(components)
    _check_rules(components)
    _check_timezones(calendar)
    zone = zone_named(timezone)
    starts_at, ends_at, recurring = _span(components, zone)
    if recurring and ends_at is None and _counted(components):
        ends_at = _last_end(calendar, zone)
    return CalendarObject(
        text=text,
        uid=uid,
        component=component,
        starts_at=starts_at,
        ends_at=ends_at,
        recurring=recurring,
    )


def overlaps(text: str, start: dt.datetime | None, end: dt.datetime | None, timezone: str) -> bool:
    """Whether an instance of the object falls in [start, end) (RFC 4791 §9.9).

    Only the first instance that ends after ``start`` is computed: a rule without end costs the
    instances before the range, never those after it (clients often send no end at all).
    """
    calendar = icalendar.Calendar.from_ical(text)
    # Bounds in the calendar's zone: recurring-ical-events reads floating times in the zone of
    # the bounds, which is what RFC 4791 §9.9 asks (the calendar's time zone).
    zone = zone_named(timezone)
    lower = (start or dt.datetime(1900, 1, 1, tzinfo=_UTC)).astimezone(zone)
    query = recurring_ical_events.of(calendar, components=list(SUPPORTED_COMPONENTS))
    for occurrence in query.after(lower):
        if end is None:
            return True
        first_start = occurrence.decoded("DTSTART", None)
        return first_start is None or _as_utc(first_start, zone) < end
    return False


def _not_icalendar() -> InvalidCalendarObject:
    return InvalidCalendarObject(
        _("Le contenu envoyé n'est pas un calendrier iCalendar valide."),
        precondition="valid-calendar-data",
    )


def _single_uid(components: list[Any]) -> str:
    uids = {str(item.get("UID", "")).strip() for item in components}
    if "" in uids:
        raise InvalidCalendarObject(
            _("Chaque événement doit porter un identifiant (UID)."),
            precondition="valid-calendar-object-resource",
        )
    if len(uids) > 1:
        raise InvalidCalendarObject(
            _("Un objet d'agenda ne contient qu'un seul événement (un seul UID)."),
            precondition="valid-calendar-object-resource",
        )
    uid = uids.pop()
    if len(uid) > 255:
        raise InvalidCalendarObject(
            _("L'identifiant (UID) de l'événement est trop long."),
            precondition="valid-calendar-object-resource",
        )
    return uid


def _check_rules(components: list[Any]) -> None:
    """No rule repeating every second or minute: no agenda needs one, and expanding it over a
    year means half a million instances or more for every query that looks at it."""
    for item in components:
        rules = item.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            if {str(value).upper() for value in rule.get("FREQ", [])} & _TOO_FREQUENT:
                raise InvalidCalendarObject(
                    _("Une répétition à la seconde ou toutes les minutes n'est pas acceptée."),
                    precondition="valid-calendar-object-resource",
                )


def _check_timezones(calendar: Any) -> None:
    """Every TZID used is defined in the object or known to the time-zone database."""
    defined = {str(item.get("TZID")) for item in calendar.walk("VTIMEZONE")}
    for item in calendar.walk():
        for values in item.values():
            for value in values if isinstance(values, list) else [values]:
                params = getattr(value, "params", None)
                tzid = params.get("TZID") if params is not None else None
                if tzid and tzid not in defined and tzid not in _known_zones():
                    raise InvalidCalendarObject(
                        _("Le fuseau horaire « %(tzid)s » est inconnu.") % {"tzid": tzid},
                        precondition="valid-calendar-data",
                    )


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _counted(components: list[Any]) -> bool:
    """Whether every rule ends after a small enough COUNT (and no RDATE adds instances)."""
    for item in components:
        if "RDATE" in item:
            return False
        rules = item.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            counts = rule.get("COUNT") or [0]
            if "UNTIL" in rule or not 0 < int(counts[0]) <= MAX_COUNTED_INSTANCES:
                return False
    return True


def _last_end(calendar: Any, zone: ZoneInfo) -> dt.datetime:
    """The end of the last instance of a counted rule, overridden instances included."""
    ends = [
        _end_of(instance, instance.decoded("DTSTART"), zone)
        for instance in recurring_ical_events.of(
            calendar, components=list(SUPPORTED_COMPONENTS)
        ).all()
    ]
    return max(ends) + dt.timedelta(days=1)


def _as_utc(value: dt.date | dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(_UTC)


def _span(
    components: list[Any], zone: ZoneInfo
) -> tuple[dt.datetime | None, dt.datetime | None, bool]:
    """The first start and the last end over every instance, or None where unbounded."""
    starts: list[dt.datetime] = []
    ends: list[dt.datetime | None] = []
    recurring = False
    for item in components:
        start_value = item.decoded("DTSTART", None)
        if start_value is None:
            # A VTODO without DTSTART (a task with a due date, or none): always a candidate.
            return None, None, False
        start = _as_utc(start_value, zone)
        end = _end_of(item, start_value, zone)
        starts.append(start)
        if "RRULE" in item or "RDATE" in item:
            recurring = True
            ends.append(_rule_end(item, end - start, zone))
        else:
            ends.append(end)
    last_end = None if any(end is None for end in ends) else max(e for e in ends if e)
    return min(starts), last_end, recurring


def _end_of(item: Any, start_value: dt.date | dt.datetime, zone: ZoneInfo) -> dt.datetime:
    for name in ("DTEND", "DUE"):
        if name in item:
            return _as_utc(item.decoded(name), zone)
    if "DURATION" in item:
        length: dt.timedelta = item.decoded("DURATION")
        return _as_utc(start_value, zone) + length
    if isinstance(start_value, dt.datetime):
        return _as_utc(start_value, zone)
    return _as_utc(start_value, zone) + dt.timedelta(days=1)


def _rule_end(item: Any, length: dt.timedelta, zone: ZoneInfo) -> dt.datetime | None:
    """The end of the last instance of a rule with UNTIL; None for COUNT, RDATE or no end
    (``parse_calendar_object`` works out small COUNTs by expanding them once)."""
    if "RDATE" in item:
        return None
    rules = item.get("RRULE")
    ends: list[dt.datetime] = []
    for rule in rules if isinstance(rules, list) else [rules]:
        until = rule.get("UNTIL")
        if not until:
            return None
        ends.extend(_as_utc(value, zone) + length for value in until)
    # A day of margin: UNTIL may be a date, or a floating time read in another zone.
    return max(ends) + dt.timedelta(days=1)


def is_known_timezone(name: str) -> bool:
    return name in _known_zones()
