"""Whether a resource is free for a new booking: the instances of the new object against the
instances of the resource's other bookings, over a bounded horizon.

A recurring booking is checked from its first instance (or today, for a series that started
before) over ``HORIZON`` (two years): a weekly meeting without end is refused if one of its next
104 instances meets another booking; instances further away are not checked (a person books a
room for the coming months, not for ever, and the check must stay a bounded amount of work).
Cancelled bookings and cancelled instances hold nothing; a booking waiting for its manager's
approval holds its slot (first come, first served).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import Any

import recurring_ical_events  # type: ignore[import-untyped, unused-ignore]
from django.db.models import Q
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.calendars import itip
from beffroi.calendars.calendar_data import SUPPORTED_COMPONENTS, zone_named
from beffroi.calendars.models import Event, Resource
from beffroi.core.errors import BeffroiError

HORIZON = dt.timedelta(days=731)
MAX_INSTANCES = 5000


@dataclass(frozen=True)
class Instance:
    start: dt.datetime
    end: dt.datetime
    summary: str
    private: bool


class BookingConflict(BeffroiError):
    """The resource is already booked at one of the times asked for."""

    code = "reservation_en_conflit"
    http_status = 409
    default_message = gettext_lazy("Cette ressource est déjà réservée sur ce créneau.")


class TooManyInstances(BeffroiError):
    code = "trop_d_occurrences"
    http_status = 422
    default_message = gettext_lazy(
        "Cette réservation se répète trop souvent pour être vérifiée : réduisez sa fréquence."
    )


def instances(text: str, timezone: str, lower: dt.datetime, upper: dt.datetime) -> list[Instance]:
    """The instances of the object that meet [lower, upper), in UTC, cancelled ones left out."""
    zone = zone_named(timezone)
    calendar = itip.load(text)
    query = recurring_ical_events.of(calendar, components=list(SUPPORTED_COMPONENTS))
    found: list[Instance] = []
    for occurrence in query.between(lower.astimezone(zone), upper.astimezone(zone)):
        if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start_value = occurrence.decoded("DTSTART", None)
        if start_value is None:
            continue
        start = _utc(start_value, zone)
        end = _end(occurrence, start_value, zone)
        found.append(
            Instance(
                start=start,
                end=max(end, start),
                summary=str(occurrence.get("SUMMARY", "")),
                private=itip.is_private(occurrence),
            )
        )
        if len(found) > MAX_INSTANCES:
            raise TooManyInstances()
    return sorted(found, key=lambda item: item.start)


def window(starts_at: dt.datetime | None, recurring: bool) -> tuple[dt.datetime, dt.datetime]:
    """The span checked for a new booking that starts at ``starts_at``."""
    start = starts_at or django_timezone.now()
    if recurring:
        start = max(start, django_timezone.now() - dt.timedelta(days=1))
    return start, start + HORIZON


def check_free(
    resource: Resource,
    text: str,
    uid: str,
    *,
    starts_at: dt.datetime | None,
    recurring: bool,
) -> None:
    """Raise ``BookingConflict`` naming the first slot of ``resource`` the object would take
    twice. The caller holds the lock of the resource's calendar row."""
    calendar = resource.calendar
    if itip.is_cancelled(itip.load(text)):
        return
    lower, upper = window(starts_at, recurring)
    wanted = instances(text, calendar.timezone, lower, upper)
    if not wanted:
        return
    first = wanted[0].start
    last = max(item.end for item in wanted)
    starts = [item.start for item in wanted]
    candidates = (
        Event.objects.filter(calendar=calendar)
        .exclude(uid=uid)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=first))
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lt=last))
        .order_by("starts_at")
    )
    for candidate in candidates:
        for taken in instances(candidate.data, calendar.timezone, first, last):
            # The wanted instances starting before this one ends; the last of them that ends
            # after it starts is a clash (instances of one object never overlap each other
            # in practice; checking the neighbours keeps it exact when they do).
            position = bisect.bisect_left(starts, taken.end)
            for item in wanted[max(0, position - 50) : position]:
                if item.end > taken.start and item.start < taken.end:
                    raise BookingConflict(conflict_message(resource, taken))


def conflict_message(resource: Resource, taken: Instance) -> str:
    zone = zone_named(resource.calendar.timezone)
    start = taken.start.astimezone(zone)
    end = taken.end.astimezone(zone)
    what = _("réservation privée") if taken.private else (taken.summary or _("sans titre"))
    values = {
        "resource": resource.name,
        "day": start.strftime("%d/%m/%Y"),
        "start": start.strftime("%H:%M"),
        "end_day": end.strftime("%d/%m/%Y"),
        "end": end.strftime("%H:%M"),
        "what": what,
    }
    same_day = start.date() == end.date() or end == start
    if resource.kind == Resource.Kind.ROOM:  # « la salle … est réservée »
        if same_day:
            message = _(
                "%(resource)s est déjà réservée le %(day)s de %(start)s à %(end)s (%(what)s)."
            )
        else:
            message = _(
                "%(resource)s est déjà réservée du %(day)s %(start)s au %(end_day)s %(end)s "
                "(%(what)s)."
            )
    elif same_day:  # « le véhicule, le matériel … est réservé »
        message = _("%(resource)s est déjà réservé le %(day)s de %(start)s à %(end)s (%(what)s).")
    else:
        message = _(
            "%(resource)s est déjà réservé du %(day)s %(start)s au %(end_day)s %(end)s (%(what)s)."
        )
    return message % values


def _utc(value: dt.date | dt.datetime, zone: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.UTC)


def _end(occurrence: Any, start_value: dt.date | dt.datetime, zone: Any) -> dt.datetime:
    for name in ("DTEND", "DUE"):
        if name in occurrence:
            return _utc(occurrence.decoded(name), zone)
    if "DURATION" in occurrence:
        length: dt.timedelta = occurrence.decoded("DURATION")
        return _utc(start_value, zone) + length
    if isinstance(start_value, dt.datetime):
        return _utc(start_value, zone)
    return _utc(start_value, zone) + dt.timedelta(days=1)
