"""Reading calendars for a person: one choke point, one answer for missing and forbidden."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from beffroi.calendars import booking, calendar_data, itip
from beffroi.calendars.models import (
    BookingStatus,
    Calendar,
    Change,
    Event,
    ImipMessage,
    Resource,
)
from beffroi.calendars.policies import CalendarAbilities, abilities
from beffroi.core.errors import InvalidInput, NotFound
from beffroi.directory.principals import principals
from beffroi.workspaces import policies as workspace_policies


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


# --- shared calendars, privacy, free/busy -----------------------------------------------------


def _workspace_ids(user: Any) -> list[Any]:
    who = principals(user)
    return list(workspace_policies.roles_by_workspace(who)) if who is not None else []


def access_visible_calendars(user: Any) -> list[tuple[Calendar, CalendarAbilities]]:
    """Every calendar ``user`` may read besides resources': their own, those shared with them
    (directly, through a group or a department) and their departments' calendars."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    candidates = (
        Calendar.objects.select_related("owner")
        .filter(
            Q(owner=user)
            | Q(shares__agent=user)
            | Q(shares__group__members=user)
            | Q(shares__department__memberships__agent=user)
            | Q(department_link__department__memberships__agent=user)
            | Q(workspace_link__workspace_id__in=_workspace_ids(user))
            | Q(resource__manager=user)
        )
        .distinct()
        .order_by("name")
    )
    found = []
    for calendar in candidates:
        granted = abilities(user, calendar)
        if granted.read:
            found.append((calendar, granted))
    return found


def access_calendar_by_id(user: Any, calendar_id: Any, *, free_busy: bool = False) -> Calendar:
    """A calendar by its id: readable, or (``free_busy``) whose free/busy ``user`` may see."""
    calendar = Calendar.objects.select_related("owner").filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound()
    granted = abilities(user, calendar)
    if not (granted.see_free_busy if free_busy else granted.read):
        raise NotFound()
    return calendar


def access_calendar_free_busy(user: Any, owner_username: str, slug: str) -> Calendar:
    calendar = (
        Calendar.objects.select_related("owner")
        .filter(owner__username=owner_username, slug=slug)
        .first()
    )
    if calendar is None or not abilities(user, calendar).see_free_busy:
        raise NotFound()
    return calendar


def access_event_by_id(user: Any, event_id: Any) -> Event:
    event = Event.objects.select_related("calendar__owner").filter(pk=event_id).first()
    if event is None or not abilities(user, event.calendar).read:
        raise NotFound()
    return event


def event_text_for(user: Any, event: Event) -> str:
    """The text ``user`` gets of the object: private components reduced to "busy" unless they
    may see private details (the owner and their delegates)."""
    if abilities(user, event.calendar).see_private:
        return event.data
    return itip.busy_only(event.data)


@dataclass(frozen=True)
class BusyPeriod:
    start: dt.datetime
    end: dt.datetime
    tentative: bool
    summary: str | None  # None: only "busy" may be shown


MAX_FREE_BUSY_RANGE = dt.timedelta(days=366)


def access_free_busy(
    user: Any, calendar: Calendar, start: dt.datetime, end: dt.datetime
) -> list[BusyPeriod]:
    """The busy periods of the calendar in [start, end): transparent and cancelled events
    leave it free; details only for those who may read them (never for private events)."""
    granted = abilities(user, calendar)
    if not granted.see_free_busy:
        raise NotFound()
    if end <= start or end - start > MAX_FREE_BUSY_RANGE:
        raise InvalidInput(
            fields={"end": [_("L'intervalle doit être positif et durer au plus un an.")]}
        )
    candidates = (
        Event.objects.filter(calendar=calendar)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=start))
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lt=end))
    )
    periods: list[BusyPeriod] = []
    for event in candidates:
        if event.component != "VEVENT":
            continue
        parsed = itip.load(event.data)
        transparent = any(
            str(item.get("TRANSP", "")).upper() == "TRANSPARENT"
            for item in itip.components(parsed)
            if "RECURRENCE-ID" not in item
        )
        if transparent:
            continue
        tentative = event.booking_status == BookingStatus.PENDING
        for instance in booking.instances(event.data, calendar.timezone, start, end):
            shown = instance.summary if granted.read and not instance.private else None
            periods.append(
                BusyPeriod(
                    start=max(instance.start, start),
                    end=min(instance.end, end),
                    tentative=tentative,
                    summary=shown if granted.see_private or not instance.private else None,
                )
            )
    return sorted(periods, key=lambda period: period.start)


def access_agent_free_busy(
    user: Any, username: str, start: dt.datetime, end: dt.datetime
) -> tuple[str, list[BusyPeriod]]:
    """An agent's name and busy periods across their own calendars whose free/busy ``user``
    may see; the same ``NotFound`` for an unknown agent and one whose agenda is hidden."""
    owned = Calendar.objects.filter(owner__username=username, resource__isnull=True).select_related(
        "owner"
    )
    visible = [calendar for calendar in owned if abilities(user, calendar).see_free_busy]
    if not visible:
        raise NotFound()
    periods = [p for calendar in visible for p in access_free_busy(user, calendar, start, end)]
    return visible[0].owner.display_name, sorted(periods, key=lambda period: period.start)


# --- resources --------------------------------------------------------------------------------


def access_resources(user: Any) -> list[Resource]:
    """The active resources an internal agent may book (guests book none)."""
    if not getattr(user, "is_authenticated", False) or not abilities_internal(user):
        return []
    return list(Resource.objects.select_related("calendar", "manager").filter(active=True))


def access_resource(user: Any, resource_id: Any) -> Resource:
    for resource in access_resources(user):
        if str(resource.pk) == str(resource_id):
            return resource
    raise NotFound()


def access_free_resources(
    user: Any,
    start: dt.datetime,
    end: dt.datetime,
    *,
    people: int = 0,
    equipment: list[str] | None = None,
    kind: str | None = None,
) -> list[Resource]:
    """ "Find a room": the resources of ``kind`` for ``people`` with every piece of
    ``equipment`` (case and accents as typed are ignored) that are free over [start, end)."""
    wanted = {item.strip().casefold() for item in equipment or [] if item.strip()}
    found = []
    for resource in access_resources(user):
        if kind and resource.kind != kind:
            continue
        if people and resource.capacity < people:
            continue
        if not wanted <= {str(item).casefold() for item in resource.equipment}:
            continue
        if not access_free_busy(user, resource.calendar, start, end):
            found.append(resource)
    return found


def access_pending_bookings(user: Any) -> list[Event]:
    """The bookings waiting for ``user``'s approval, as the resource's manager."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Event.objects.select_related("calendar__resource")
        .filter(calendar__resource__manager=user, booking_status=BookingStatus.PENDING)
        .order_by("starts_at")
    )


def access_pending_booking(user: Any, event_id: Any) -> Event:
    for event in access_pending_bookings(user):
        if str(event.pk) == str(event_id):
            return event
    raise NotFound()


def access_imip_outbox(user: Any, *, limit: int = 200) -> list[ImipMessage]:
    """The iTIP messages waiting for the mail capability: administrators only."""
    if not getattr(user, "is_superuser", False):
        raise NotFound()
    return list(ImipMessage.objects.select_related("sender").order_by("-created_at")[:limit])


def abilities_internal(user: Any) -> bool:
    return bool(getattr(user, "can_sign_in", False)) and getattr(user, "kind", "") != "guest"


def access_invitation_answer(user: Any, uid: str, who: str = "") -> str | None:
    """The answer of ``who`` (``user`` themself by default) to the event ``uid`` as ``user``'s
    own agenda has it (ACCEPTED…), "CANCELLED" when it was called off, or None when the event
    is not in their agenda."""
    me = (getattr(user, "email", "") or "").lower()
    if not getattr(user, "is_authenticated", False) or not me:
        return None
    event = (
        Event.objects.filter(calendar__owner=user, calendar__resource__isnull=True, uid=uid)
        .order_by("created_at")
        .first()
    )
    if event is None:
        return None
    parsed = itip.load(event.data)
    return "CANCELLED" if itip.is_cancelled(parsed) else itip.partstat(parsed, who or me)
