"""Implicit scheduling (RFC 6638 §3.2): what the server does when an organizer or an attendee
saves or deletes an object that has attendees.

Called by ``actions`` inside their transaction, after the saving calendar's row is locked:

- the organizer saves → each internal attendee gets a copy in their calendar (their answer kept),
  each resource books itself per its policy (a conflict refuses the whole save), each outside
  address gets an iTIP REQUEST in the iMIP outbox; removed attendees get a cancellation;
- an attendee saves their copy → their PARTSTAT is copied into the organizer's copy (or a REPLY
  goes to the outbox for an outside organizer);
- the organizer deletes or cancels → copies become STATUS:CANCELLED, resources are freed;
- an attendee deletes their copy → they decline.

Locks are taken organizer first, then attendees in address order, so that two saves of one
meeting queue rather than deadlock. Copies are written with the ``Writer`` of ``actions``: a
delivered copy never triggers scheduling of its own.
"""

from __future__ import annotations

import functools
import operator
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from beffroi.calendars import booking, itip
from beffroi.calendars.calendar_data import CalendarObject, parse_calendar_object
from beffroi.calendars.models import BookingStatus, Calendar, Event, ImipMessage, Resource
from beffroi.calendars.tasks import schedule_invitations
from beffroi.directory.models import Agent

Store = Callable[[Calendar, str, CalendarObject, Event | None, str], Event]


@dataclass(frozen=True)
class Writer:
    """The low-level writes of ``actions`` (each bumps the calendar's revision and logs the
    change for sync tokens), handed to scheduling so that copies are written the same way."""

    store: Store
    remove: Callable[[Event], None]
    ensure_calendar: Callable[[Agent], Calendar]


@dataclass
class Outcome:
    """What scheduling did to a save: the text to store instead of the client's, if changed."""

    text: str | None = None
    delivered: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Attendee:
    address: str
    agent: Agent | None = None
    resource: Resource | None = None


def _resolve(addresses: list[str]) -> list[Attendee]:
    if not addresses:
        return []
    matching = functools.reduce(operator.or_, (Q(email__iexact=a) for a in addresses))
    agents = {
        agent.email.lower(): agent
        for agent in Agent.objects.filter(matching).exclude(email="")
        if agent.can_sign_in
    }
    resources = {
        resource.email.lower(): resource
        for resource in Resource.objects.select_related("calendar", "manager").filter(
            matching, active=True
        )
    }
    return [
        Attendee(address, agents.get(address), resources.get(address))
        for address in sorted(addresses)
    ]


def role_of(calendar: Calendar, parsed: Any) -> str:
    """``organizer``, ``attendee`` or ``none``: the part the calendar's owner plays."""
    owner_address = (calendar.owner.email or "").lower()
    organizer = itip.organizer(parsed)
    if not owner_address or organizer is None or getattr(calendar, "resource", None):
        return "none"
    others = [a for a in itip.attendees(parsed) if a != organizer]
    if organizer == owner_address:
        return "organizer" if others else "none"
    if owner_address in others:
        return "attendee"
    return "none"


# --- the organizer saves ----------------------------------------------------------------------


def organizer_saved(
    calendar: Calendar,
    checked: CalendarObject,
    previous: str | None,
    *,
    writer: Writer,
    sender: Agent,
) -> Outcome:
    parsed = itip.load(checked.text)
    organizer = itip.organizer(parsed) or ""
    cancelled = itip.is_cancelled(parsed)
    before = itip.load(previous) if previous else None
    now = {a for a in itip.attendees(parsed) if a != organizer}
    removed = {a for a in (itip.attendees(before) if before else []) if a != organizer} - now
    outcome = Outcome()
    for attendee in _resolve(sorted(now)):
        if attendee.resource is not None:
            status = _book(attendee.resource, parsed, checked, writer, cancelled=cancelled)
        elif attendee.agent is not None:
            status = _deliver(attendee.agent, parsed, writer)
        else:
            status = _outbox(sender, attendee.address, parsed, "CANCEL" if cancelled else "REQUEST")
        itip.set_attendee(parsed, attendee.address, schedule_status=status)
        outcome.delivered.append(attendee.address)
    if removed:
        _cancel_for(sorted(removed), parsed, writer, sender)
    outcome.text = itip.dump(parsed)
    return outcome


def _copy_for(parsed: Any) -> Any:
    return itip.without_schedule_status(itip.load(itip.dump(parsed)))


def existing_copy(agent: Agent, uid: str) -> Event | None:
    return (
        Event.objects.select_related("calendar")
        .filter(calendar__owner=agent, calendar__resource__isnull=True, uid=uid)
        .order_by("created_at")
        .first()
    )


def _deliver(agent: Agent, parsed: Any, writer: Writer) -> str:
    uid = _uid(parsed)
    existing = existing_copy(agent, uid)
    target = existing.calendar if existing is not None else writer.ensure_calendar(agent)
    target = Calendar.objects.select_for_update().get(pk=target.pk)
    copy = _copy_for(parsed)
    if existing is not None:
        # The attendee's answer stands unless the organizer asked again (a new SEQUENCE).
        theirs = itip.load(existing.data)
        answer = itip.partstat(theirs, agent.email.lower())
        asked_again = itip.sequence(parsed) > itip.sequence(theirs)
        if answer and answer != "NEEDS-ACTION" and not asked_again:
            itip.set_attendee(copy, agent.email.lower(), partstat=answer)
            itip.set_attendee(parsed, agent.email.lower(), partstat=answer)
    checked = parse_calendar_object(itip.dump(copy), timezone=target.timezone)
    name = existing.name if existing is not None else free_name(target, uid)
    writer.store(target, name, checked, existing, "")
    return itip.DELIVERED


def _book(
    resource: Resource,
    parsed: Any,
    organizer_checked: CalendarObject,
    writer: Writer,
    *,
    cancelled: bool,
) -> str:
    uid = _uid(parsed)
    target = Calendar.objects.select_for_update().get(pk=resource.calendar_id)
    existing = Event.objects.filter(calendar=target, uid=uid).first()
    if cancelled:
        if existing is not None:
            writer.remove(existing)
        itip.set_attendee(parsed, resource.email.lower(), partstat="DECLINED")
        return itip.DELIVERED
    booking.check_free(
        resource,
        organizer_checked.text,
        uid,
        starts_at=organizer_checked.starts_at,
        recurring=organizer_checked.recurring,
    )
    if existing is not None and existing.booking_status == BookingStatus.ACCEPTED:
        status = BookingStatus.ACCEPTED
    elif resource.policy == Resource.Policy.APPROVAL and resource.manager_id is not None:
        status = BookingStatus.PENDING
    else:
        status = BookingStatus.ACCEPTED
    answer = "ACCEPTED" if status == BookingStatus.ACCEPTED else "NEEDS-ACTION"
    itip.set_attendee(parsed, resource.email.lower(), partstat=answer)
    copy = _copy_for(parsed)
    checked = parse_calendar_object(itip.dump(copy), timezone=target.timezone)
    name = existing.name if existing is not None else free_name(target, uid)
    writer.store(target, name, checked, existing, status)
    return itip.DELIVERED if status == BookingStatus.PENDING else itip.SUCCESS


def _outbox(sender: Agent | None, recipient: str, parsed: Any, method: str, **kw: Any) -> str:
    transaction.on_commit(schedule_invitations)
    ImipMessage.objects.create(
        sender=sender,
        recipient=recipient,
        method=method,
        uid=_uid(parsed),
        summary=itip.summary(parsed)[:255],
        data=itip.message(parsed, method, **kw),
    )
    return itip.PENDING


def _cancel_for(addresses: list[str], parsed: Any, writer: Writer, sender: Agent | None) -> None:
    uid = _uid(parsed)
    for attendee in _resolve(addresses):
        if attendee.resource is not None:
            existing = Event.objects.filter(calendar=attendee.resource.calendar, uid=uid).first()
            if existing is not None:
                Calendar.objects.select_for_update().get(pk=existing.calendar_id)
                writer.remove(existing)
        elif attendee.agent is not None:
            copy_event = existing_copy(attendee.agent, uid)
            if copy_event is not None:
                target = Calendar.objects.select_for_update().get(pk=copy_event.calendar_id)
                text = itip.dump(itip.cancelled(itip.load(copy_event.data)))
                checked = parse_calendar_object(text, timezone=target.timezone)
                writer.store(target, copy_event.name, checked, copy_event, "")
        else:
            _outbox(
                sender, attendee.address, itip.cancelled(itip.load(itip.dump(parsed))), "CANCEL"
            )


def organizer_deleted(event: Event, *, writer: Writer, sender: Agent | None) -> None:
    parsed = itip.load(event.data)
    organizer = itip.organizer(parsed)
    addresses = [a for a in itip.attendees(parsed) if a != organizer]
    _cancel_for(addresses, parsed, writer, sender)


# --- an attendee answers ----------------------------------------------------------------------


def attendee_saved(calendar: Calendar, checked: CalendarObject, *, writer: Writer) -> None:
    """Copy the owner's answer into the organizer's copy (or send a REPLY outside)."""
    parsed = itip.load(checked.text)
    me = (calendar.owner.email or "").lower()
    answer = itip.partstat(parsed, me) or "NEEDS-ACTION"
    _answer_organizer(parsed, me, answer, writer=writer, sender=calendar.owner)


def attendee_deleted(event: Event, *, writer: Writer) -> None:
    parsed = itip.load(event.data)
    me = (event.calendar.owner.email or "").lower()
    if itip.is_cancelled(parsed):
        return
    _answer_organizer(parsed, me, "DECLINED", writer=writer, sender=event.calendar.owner)


def resource_answered(event: Event, resource: Resource, answer: str, *, writer: Writer) -> None:
    parsed = itip.load(event.data)
    _answer_organizer(parsed, resource.email.lower(), answer, writer=writer, sender=None)


def _answer_organizer(
    parsed: Any, me: str, answer: str, *, writer: Writer, sender: Agent | None
) -> None:
    organizer_address = itip.organizer(parsed) or ""
    organizer = Agent.objects.filter(email__iexact=organizer_address).first()
    if organizer is None or not organizer_address:
        if organizer_address and sender is not None:
            replied = itip.load(itip.dump(parsed))
            itip.set_attendee(replied, me, partstat=answer)
            _outbox(sender, organizer_address, replied, "REPLY", only=me)
        return
    original = (
        Event.objects.filter(
            calendar__owner=organizer, calendar__resource__isnull=True, uid=_uid(parsed)
        )
        .order_by("created_at")
        .first()
    )
    if original is None:
        return
    target = Calendar.objects.select_for_update().get(pk=original.calendar_id)
    theirs = itip.load(original.data)
    if itip.partstat(theirs, me) is None:
        return  # no longer invited: nothing to answer
    if not itip.set_attendee(theirs, me, partstat=answer, schedule_status=itip.SUCCESS):
        return
    checked = parse_calendar_object(itip.dump(theirs), timezone=target.timezone)
    writer.store(target, original.name, checked, original, original.booking_status)


# --- helpers ----------------------------------------------------------------------------------


def _uid(parsed: Any) -> str:
    for item in itip.components(parsed):
        return str(item.get("UID", ""))
    return ""


def free_name(calendar: Calendar, uid: str) -> str:
    safe = "".join(char for char in uid if char.isalnum() or char in "-_.@")[:200]
    name = f"{safe or uuid.uuid4()}.ics"
    if Event.objects.filter(calendar=calendar, name=name).exists():
        name = f"{uuid.uuid4()}.ics"
    return name
