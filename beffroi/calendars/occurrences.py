"""The instances of events in a window of time, in a given zone: what an agenda view shows.

A recurring event is expanded by recurring-ical-events (exceptions and overridden instances
included); every time is converted to the zone of the person looking, so a weekly meeting at
10:00 in Paris shows at 10:00 on both sides of a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events  # type: ignore[import-untyped, unused-ignore]
from django.utils.translation import gettext as _

from beffroi.calendars.calendar_data import zone_named
from beffroi.calendars.models import Calendar, Event

# A view never shows more instances than this per event (a daily rule over a month is 31).
MAX_INSTANCES_PER_EVENT = 400


@dataclass(frozen=True)
class Occurrence:
    calendar: Calendar
    event: Event
    summary: str
    location: str
    start: dt.datetime  # aware, in the viewer's zone (midnight for all-day events)
    end: dt.datetime
    all_day: bool
    private: bool
    recurring: bool

    @property
    def last_day(self) -> dt.date:
        """The last day the occurrence covers (an end at midnight belongs to the day before)."""
        if self.end > self.start and self.end.time() == dt.time(0):
            return (self.end - dt.timedelta(days=1)).date()
        return self.end.date()

    def covers(self, day: dt.date) -> bool:
        return self.start.date() <= day <= self.last_day


def occurrences_between(
    calendar: Calendar,
    events: list[Event],
    start: dt.datetime,
    end: dt.datetime,
    zone: str,
    *,
    show_private: bool = True,
) -> list[Occurrence]:
    """The instances of ``events`` (of ``calendar``) that overlap [start, end), sorted.

    Without ``show_private``, a private event shows only as busy: no title, no place."""
    viewer = zone_named(zone)
    own_zone = zone_named(calendar.timezone)
    found: list[Occurrence] = []
    for event in events:
        source = icalendar.Calendar.from_ical(event.data)
        query = recurring_ical_events.of(source, components=["VEVENT"])
        instances = query.between(start.astimezone(own_zone), end.astimezone(own_zone))
        for instance in instances[:MAX_INSTANCES_PER_EVENT]:
            occurrence = _occurrence(calendar, event, instance, own_zone, viewer)
            if occurrence.private and not show_private:
                occurrence = replace(occurrence, summary=str(_("Occupé")), location="")
            found.append(occurrence)
    return sorted(found, key=lambda item: (item.start, not item.all_day, item.summary))


def _occurrence(
    calendar: Calendar, event: Event, instance: icalendar.Event, own: ZoneInfo, viewer: ZoneInfo
) -> Occurrence:
    start_value = instance.decoded("DTSTART")
    all_day = not isinstance(start_value, dt.datetime)
    end_value = instance.decoded("DTEND", None)
    if end_value is None:
        end_value = start_value if not all_day else start_value + dt.timedelta(days=1)
    if all_day:
        # A day is a day wherever one looks from: midnight to midnight in the viewer's zone.
        start = dt.datetime.combine(start_value, dt.time(), viewer)
        end = dt.datetime.combine(_as_date(end_value), dt.time(), viewer)
    else:
        start = _in_zone(start_value, own, viewer)
        end = _in_zone(end_value, own, viewer)
    privacy = str(instance.get("CLASS", "PUBLIC")).upper()
    return Occurrence(
        calendar=calendar,
        event=event,
        summary=str(instance.get("SUMMARY", "")),
        location=str(instance.get("LOCATION", "")),
        start=start,
        end=max(end, start),
        all_day=all_day,
        private=privacy in ("PRIVATE", "CONFIDENTIAL"),
        recurring=event.recurring,
    )


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _in_zone(value: dt.date | dt.datetime, own: ZoneInfo, viewer: ZoneInfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=own)
    return value.astimezone(viewer)
