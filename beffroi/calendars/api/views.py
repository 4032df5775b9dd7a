"""Calendar endpoints: parse, access, act, serialize. Events travel as fields; the actions turn
them into iCalendar, schedule them and refuse resource conflicts, as for CalDAV clients."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from beffroi.api.auth import caller
from beffroi.api.schemas import (
    AUTHENTICATED_ERRORS,
    BODY_ERRORS,
    PATH_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
)
from beffroi.calendars import access, actions, compose, itip
from beffroi.calendars.api.schemas import (
    AnswerIn,
    AttendeeOut,
    BookingOut,
    BusyOut,
    CalendarOut,
    EventIn,
    EventOut,
    FindRoomIn,
    FreeBusyIn,
    FreeBusyOut,
    ImipOut,
    OccurrenceOut,
    RangeIn,
    ResourceOut,
)
from beffroi.calendars.calendar_data import zone_named
from beffroi.calendars.models import Calendar, Event, Resource
from beffroi.calendars.occurrences import occurrences_between
from beffroi.calendars.policies import CalendarAbilities, abilities
from beffroi.core.errors import InvalidInput, NotFound
from beffroi.directory.models import Agent

router = Router(tags=["agendas"])

READ_ERRORS = {404: ErrorOut, **AUTHENTICATED_ERRORS, **PATH_ERRORS}
SAVE_ERRORS = {404: ErrorOut, 409: ErrorOut, 412: ErrorOut, **BODY_ERRORS, **PATH_ERRORS}


def _role(granted: CalendarAbilities) -> str:
    if granted.manage:
        return "owner"
    if granted.see_private:
        return "manager"
    return "editor" if granted.write_events else "reader"


# Calendars hold nothing outside these years; asking there answers an empty list (and keeps
# time-zone arithmetic away from the ends of Python's calendar).
EARLIEST, LATEST = 1900, 2199


def _utc(value: dt.datetime) -> dt.datetime | None:
    if not EARLIEST <= value.year <= LATEST:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _span(start: dt.datetime, length: dt.timedelta) -> tuple[dt.datetime, dt.datetime] | None:
    begin = _utc(start)
    if begin is None or begin.year >= LATEST:
        return None
    return begin, begin + length


def _range(query: RangeIn) -> tuple[dt.datetime, dt.datetime] | None:
    return _span(query.start, dt.timedelta(days=query.days))


@router.get(
    "/",
    response={200: list[CalendarOut], **AUTHENTICATED_ERRORS},
    summary="Mes agendas et ceux partagés avec moi",
)
def list_calendars(request: HttpRequest) -> list[CalendarOut]:
    agent = caller(request)
    actions.do_ensure_default_calendar(agent)
    return [
        CalendarOut(
            id=calendar.pk,
            owner=calendar.owner.username,
            slug=calendar.slug,
            name=calendar.name,
            colour=calendar.colour,
            timezone=calendar.timezone,
            role=_role(granted),
            resource_id=_resource_id(calendar),
        )
        for calendar, granted in access.access_visible_calendars(agent)
    ]


def _resource_id(calendar: Calendar) -> uuid.UUID | None:
    resource = Resource.objects.filter(calendar=calendar).only("pk").first()
    return resource.pk if resource is not None else None


@router.get(
    "/{calendar_id}/events",
    response={200: list[OccurrenceOut], **READ_ERRORS},
    summary="Événements d'un agenda sur un intervalle (répétitions développées)",
)
def list_events(
    request: HttpRequest, calendar_id: uuid.UUID, query: Query[RangeIn]
) -> list[OccurrenceOut]:
    agent = caller(request)
    calendar = access.access_calendar_by_id(agent, calendar_id)
    span = _range(query)
    if span is None:
        return []
    start, end = span
    events = access.access_events_between(agent, calendar, start, end, component="VEVENT")
    shown = occurrences_between(
        calendar,
        events,
        start,
        end,
        calendar.timezone,
        show_private=abilities(agent, calendar).see_private,
    )
    return [
        OccurrenceOut(
            event_id=item.event.pk,
            calendar_id=calendar.pk,
            summary=item.summary,
            location=item.location,
            start=item.start,
            end=item.end,
            all_day=item.all_day,
            private=item.private,
            recurring=item.recurring,
        )
        for item in shown
    ]


def _fields(agent: Agent, calendar: Calendar, payload: EventIn) -> compose.EventFields:
    zone = zone_named(calendar.timezone)

    def wall_clock(value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo is None else value.astimezone(zone).replace(tzinfo=None)

    start, end = wall_clock(payload.start), wall_clock(payload.end)
    problems: dict[str, list[str]] = {}
    if payload.all_day and end.date() < start.date():
        problems["end"] = [_("La fin doit être après le début.")]
    if not payload.all_day and end <= start:
        problems["end"] = [_("La fin doit être après le début.")]
    if payload.until is not None and payload.count is not None:
        problems["count"] = [_("Indiquez une date de fin ou un nombre de fois, pas les deux.")]
    if (payload.until is not None or payload.count is not None) and not payload.frequency:
        problems["frequency"] = [_("Choisissez une répétition.")]
    for address in payload.attendees:
        if "@" not in address or len(address) > 254 or any(c in address for c in ' \r\n:;,<>"'):
            problems.setdefault("attendees", []).append(
                _("« %(address)s » n'est pas une adresse électronique.") % {"address": address}
            )
    if problems:
        raise InvalidInput(fields=problems)
    people = [compose.Attendee(email=address) for address in dict.fromkeys(payload.attendees)]
    for resource_id in dict.fromkeys(payload.resources):
        resource = access.access_resource(agent, resource_id)
        people.append(compose.Attendee(email=resource.email, name=resource.name))
    return compose.EventFields(
        summary=payload.summary.strip() or payload.summary,
        start=start.date() if payload.all_day else start,
        end=end.date() if payload.all_day else end,
        all_day=payload.all_day,
        location=payload.location,
        description=payload.description,
        frequency=payload.frequency,
        until=payload.until,
        count=payload.count,
        privacy="PRIVATE" if payload.private else "PUBLIC",
        attendees=tuple(people),
    )


def _writable(agent: Agent, calendar_id: uuid.UUID) -> Calendar:
    return access.access_calendar_by_id(agent, calendar_id)


@router.post(
    "/{calendar_id}/events",
    response={201: EventOut, **SAVE_ERRORS},
    summary="Créer un événement (invitations et réservations comprises)",
    description="Une ressource déjà réservée sur un créneau refuse l'enregistrement "
    "(409) en nommant le créneau.",
)
def create_event(
    request: HttpRequest, calendar_id: uuid.UUID, payload: EventIn
) -> Status[EventOut]:
    agent = caller(request)
    calendar = _writable(agent, calendar_id)
    result = actions.do_save_event_fields(agent, calendar, _fields(agent, calendar, payload))
    return Status(201, _event_out(agent, result.event))


@router.put(
    "/{calendar_id}/events/{event_id}",
    response={200: EventOut, **SAVE_ERRORS},
    summary="Modifier un événement",
)
def update_event(
    request: HttpRequest, calendar_id: uuid.UUID, event_id: uuid.UUID, payload: EventIn
) -> EventOut:
    agent = caller(request)
    calendar = _writable(agent, calendar_id)
    event = _event_in(agent, calendar, event_id)
    result = actions.do_save_event_fields(
        agent, calendar, _fields(agent, calendar, payload), event=event, if_match=payload.etag
    )
    return _event_out(agent, result.event)


@router.get(
    "/{calendar_id}/events/{event_id}",
    response={200: EventOut, **READ_ERRORS},
    summary="Un événement",
)
def get_event(request: HttpRequest, calendar_id: uuid.UUID, event_id: uuid.UUID) -> EventOut:
    agent = caller(request)
    calendar = access.access_calendar_by_id(agent, calendar_id)
    return _event_out(agent, _event_in(agent, calendar, event_id))


@router.delete(
    "/{calendar_id}/events/{event_id}",
    response={204: None, 404: ErrorOut, 412: ErrorOut, **WRITE_ERRORS, **PATH_ERRORS},
    summary="Supprimer un événement (annulation pour les invités)",
)
def delete_event(request: HttpRequest, calendar_id: uuid.UUID, event_id: uuid.UUID) -> Status[None]:
    agent = caller(request)
    calendar = _writable(agent, calendar_id)
    event = _event_in(agent, calendar, event_id)
    actions.do_delete_event(agent, calendar, event.name)
    return Status(204, None)


def _event_in(agent: Agent, calendar: Calendar, event_id: uuid.UUID) -> Event:
    event = access.access_event_by_id(agent, event_id)
    if event.calendar_id != calendar.pk:
        raise NotFound()
    return event


@router.post(
    "/invitations/{event_id}/answer",
    response={200: EventOut, **SAVE_ERRORS},
    summary="Répondre à une invitation",
)
def answer_invitation(request: HttpRequest, event_id: uuid.UUID, payload: AnswerIn) -> EventOut:
    agent = caller(request)
    event = access.access_event_by_id(agent, event_id)
    result = actions.do_answer_invitation(agent, event, payload.partstat)
    return _event_out(agent, result.event)


def _event_out(agent: Agent, event: Event) -> EventOut:
    parsed = itip.load(access.event_text_for(agent, event))
    master = next(
        (item for item in itip.components(parsed) if "RECURRENCE-ID" not in item),
        next(itip.components(parsed)),
    )
    start = master.decoded("DTSTART", None) or event.starts_at
    end_value = master.decoded("DTEND", None) or master.decoded("DUE", None) or start
    organizer = itip.organizer(parsed)
    return EventOut(
        id=event.pk,
        calendar_id=event.calendar_id,
        uid=event.uid,
        etag=event.etag,
        summary=str(master.get("SUMMARY", "")),
        location=str(master.get("LOCATION", "")),
        description=str(master.get("DESCRIPTION", "")),
        start=start,
        end=end_value,
        all_day=not isinstance(start, dt.datetime),
        private=itip.is_private(master),
        organizer=organizer,
        attendees=[
            AttendeeOut(
                email=address,
                name=itip.attendee_params(parsed, address).get("CN", ""),
                partstat=itip.partstat(parsed, address) or "NEEDS-ACTION",
            )
            for address in itip.attendees(parsed)
        ],
        booking_status=event.booking_status,
    )


# --- resources --------------------------------------------------------------------------------


def _resource_out(resource: Resource) -> ResourceOut:
    return ResourceOut(
        id=resource.pk,
        slug=resource.slug,
        name=resource.name,
        kind=resource.kind,
        email=resource.email,
        capacity=resource.capacity,
        equipment=[str(item) for item in resource.equipment],
        building=resource.building,
        policy=resource.policy,
        manager=resource.manager.username if resource.manager else None,
        calendar_id=resource.calendar_id,
    )


@router.get(
    "/resources",
    response={200: list[ResourceOut], **AUTHENTICATED_ERRORS},
    summary="Salles, véhicules et matériel réservables",
)
def list_resources(request: HttpRequest) -> list[ResourceOut]:
    return [_resource_out(item) for item in access.access_resources(caller(request))]


@router.get(
    "/resources/available",
    response={200: list[ResourceOut], **AUTHENTICATED_ERRORS, **PATH_ERRORS},
    summary="Trouver une salle libre",
    description="Les ressources libres sur tout l'intervalle, assez grandes et "
    "pourvues de chaque équipement demandé.",
)
def find_resources(request: HttpRequest, query: Query[FindRoomIn]) -> list[ResourceOut]:
    span = _span(query.start, dt.timedelta(minutes=query.minutes))
    if span is None:
        return []
    start, end = span
    found = access.access_free_resources(
        caller(request),
        start,
        end,
        people=query.people,
        equipment=query.equipment,
        kind=query.kind or None,
    )
    return [_resource_out(item) for item in found]


@router.get(
    "/bookings/pending",
    response={200: list[BookingOut], **AUTHENTICATED_ERRORS},
    summary="Réservations en attente de mon accord",
)
def pending_bookings(request: HttpRequest) -> list[BookingOut]:
    found = []
    for event in access.access_pending_bookings(caller(request)):
        parsed = itip.load(event.data)
        resource: Any = event.calendar.resource
        found.append(
            BookingOut(
                event_id=event.pk,
                resource_id=resource.pk,
                resource=resource.name,
                uid=event.uid,
                summary=itip.summary(parsed),
                organizer=itip.organizer(parsed),
                start=event.starts_at,
                end=event.ends_at,
            )
        )
    return found


DECIDE_ERRORS = {
    204: None,
    404: ErrorOut,
    409: ErrorOut,
    **WRITE_ERRORS,
    **PATH_ERRORS,
    422: ErrorOut,
}


@router.post(
    "/bookings/{event_id}/approve", response=DECIDE_ERRORS, summary="Accepter une réservation"
)
def approve_booking(request: HttpRequest, event_id: uuid.UUID) -> Status[None]:
    agent = caller(request)
    actions.do_decide_booking(agent, access.access_pending_booking(agent, event_id), approve=True)
    return Status(204, None)


@router.post(
    "/bookings/{event_id}/decline", response=DECIDE_ERRORS, summary="Refuser une réservation"
)
def decline_booking(request: HttpRequest, event_id: uuid.UUID) -> Status[None]:
    agent = caller(request)
    actions.do_decide_booking(agent, access.access_pending_booking(agent, event_id), approve=False)
    return Status(204, None)


# --- free/busy, outbox ------------------------------------------------------------------------


@router.get(
    "/freebusy",
    response={200: list[FreeBusyOut], **READ_ERRORS},
    summary="Disponibilités d'agents et de ressources",
    description="Seuls les créneaux occupés ; un titre n'apparaît que pour qui peut "
    "lire l'agenda, jamais pour un événement privé.",
)
def free_busy(request: HttpRequest, query: Query[FreeBusyIn]) -> list[FreeBusyOut]:
    agent = caller(request)
    span = _range(query)
    if span is None:
        return []
    start, end = span
    found = []
    for username in dict.fromkeys(query.agents):
        name, periods = access.access_agent_free_busy(agent, username, start, end)
        found.append(FreeBusyOut(kind="agent", id=username, name=name, busy=_busy(periods)))
    for resource_id in dict.fromkeys(query.resources):
        resource = access.access_resource(agent, resource_id)
        periods = access.access_free_busy(agent, resource.calendar, start, end)
        found.append(
            FreeBusyOut(
                kind="resource", id=str(resource.pk), name=resource.name, busy=_busy(periods)
            )
        )
    return found


def _busy(periods: list[access.BusyPeriod]) -> list[BusyOut]:
    ordered = sorted(periods, key=lambda period: period.start)
    return [
        BusyOut(start=p.start, end=p.end, tentative=p.tentative, summary=p.summary) for p in ordered
    ]


@router.get(
    "/outbox",
    response={200: list[ImipOut], **READ_ERRORS},
    summary="Invitations externes en attente d'envoi (administrateurs)",
)
def imip_outbox(request: HttpRequest) -> list[ImipOut]:
    return [
        ImipOut(
            id=item.pk,
            created_at=item.created_at,
            sender=item.sender.username if item.sender else None,
            recipient=item.recipient,
            method=item.method,
            uid=item.uid,
            summary=item.summary,
            status=item.status,
            data=item.data,
        )
        for item in access.access_imip_outbox(caller(request))
    ]
