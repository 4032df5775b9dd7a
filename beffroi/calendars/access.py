"""Reading calendars for a person: one choke point, one answer for missing and forbidden."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from beffroi.calendars import calendar_data
from beffroi.calendars.models import Calendar, Change, Event
from beffroi.calendars.policies import abilities
from beffroi.core.errors import NotFound


def access_calendars_of(user: Any, owner_username: str) -> list[Calendar]:
    """The calendars of ``owner_username`` that ``user`` may read."""
    calendars = Calendar.objects.select_related("owner").filter(owner__username=owner_username)
    readable = [calendar for calendar in calendars if abilities(user, calendar).read]
    if not readable and getattr(user, "username", None) != owner_username:
        raise NotFound()
    return readable


def access_calendar(user: Any, owner_username: str, slug: str) -> Calendar:
    """A calendar ``user`` may read (what they may do with it: ``policies.abilities``)."""
    calendar = (
        Calendar.objects.select_related("owner")
        .filter(owner__username=owner_username, slug=slug)
        .first()
    )
    if calendar is None or not abilities(user, calendar).read:
        raise NotFound()
    return calendar


def access_event(user: Any, calendar: Calendar, name: str) -> Event:
    if not abilities(user, calendar).read:
        raise NotFound()
    event = Event.objects.filter(calendar=calendar, name=name).first()
    if event is None:
        raise NotFound()
    return event


def access_events(user: Any, calendar: Calendar, names: list[str] | None = None) -> list[Event]:
    """Every object of the calendar, or those of ``names`` that exist."""
    if not abilities(user, calendar).read:
        raise NotFound()
    events = Event.objects.filter(calendar=calendar)
    if names is not None:
        events = events.filter(name__in=names)
    return list(events.order_by("name"))


def access_events_between(
    user: Any,
    calendar: Calendar,
    start: dt.datetime | None,
    end: dt.datetime | None,
    *,
    component: str | None = None,
) -> list[Event]:
    """The objects with an instance in [start, end): the index narrows, the rules decide."""
    if not abilities(user, calendar).read:
        raise NotFound()
    candidates = Event.objects.filter(calendar=calendar)
    if component:
        candidates = candidates.filter(component=component)
    if start is not None:
        candidates = candidates.filter(Q(ends_at__isnull=True) | Q(ends_at__gte=start))
    if end is not None:
        candidates = candidates.filter(Q(starts_at__isnull=True) | Q(starts_at__lte=end))
    if start is None and end is None:
        return list(candidates.order_by("name"))
    return [
        event
        for event in candidates.order_by("name")
        if calendar_data.overlaps(event.data, start, end, calendar.timezone)
    ]


def access_changes_since(
    user: Any, calendar: Calendar, revision: int, *, up_to: int
) -> list[Change]:
    """What changed in the calendar after ``revision`` and until ``up_to`` (the last change of
    each name). A change made meanwhile, past ``up_to``, is for the next sync."""
    if not abilities(user, calendar).read:
        raise NotFound()
    changes = Change.objects.filter(calendar=calendar, revision__gt=revision, revision__lte=up_to)
    return list(changes.order_by("revision"))
