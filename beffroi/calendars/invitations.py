"""Actions on the invitations that came by e-mail from outside the organisation (iMIP).

- An agent answers an invitation (REQUEST): the event goes into their agenda with their answer,
  and the answer leaves for the organizer through the outbox, as for any attendee who saves an
  invitation (``actions.do_put_event`` → ``scheduling``).
- The organizer cancels (CANCEL): the agent's copy is marked cancelled, without any answer.
- An outside attendee answers an agent's meeting (REPLY): their participation is written into
  the agent's event, without sending the invitation again.

A cancellation or an answer changes what is already in an agenda: it is taken only from the
address it speaks for (the message's From is the organizer, or the attendee who answers), and
only for an event that address takes part in. Accepting an invitation changes only the agent's
own agenda, so any invitation addressed to them may be answered (some calendar services send
from another address than the organizer's).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from beffroi.calendars import itip, scheduling
from beffroi.calendars.actions import WRITER, do_ensure_default_calendar, do_put_event
from beffroi.calendars.calendar_data import parse_calendar_object
from beffroi.calendars.imip import Invitation
from beffroi.calendars.models import Calendar, Event
from beffroi.core.errors import InvalidInput
from beffroi.directory.models import Agent

ANSWERS = ("ACCEPTED", "TENTATIVE", "DECLINED")


def _refused(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"invitation": [message]})


def _as_stored(invitation: Invitation) -> Any:
    parsed = itip.load(invitation.data)
    parsed.pop("METHOD", None)
    return itip.without_schedule_status(parsed)


def do_answer_external_invitation(agent: Agent, invitation: Invitation, answer: str) -> Event:
    """``agent`` accepts, tentatively accepts or declines an invitation received by e-mail."""
    if answer not in ANSWERS:
        raise _refused(_("Réponse inconnue."))
    if invitation.method != "REQUEST":
        raise _refused(_("Ce message n'est pas une invitation à laquelle répondre."))
    me = (agent.email or "").lower()
    parsed = _as_stored(invitation)
    if not me or me not in itip.attendees(parsed) or me == invitation.organizer:
        raise _refused(_("Cette invitation ne vous est pas adressée."))
    existing = scheduling.existing_copy(agent, invitation.uid)
    if existing is not None:
        theirs = itip.load(existing.data)
        if itip.organizer(theirs) != invitation.organizer:
            raise _refused(_("Un autre événement de votre agenda porte déjà cet identifiant."))
        if itip.sequence(theirs) > itip.sequence(parsed):
            parsed = theirs  # an older invitation: the answer goes on the newer one
    itip.set_attendee(parsed, me, partstat=answer)
    calendar = existing.calendar if existing is not None else do_ensure_default_calendar(agent)
    name = existing.name if existing is not None else scheduling.free_name(calendar, invitation.uid)
    result = do_put_event(
        agent,
        calendar,
        name,
        itip.dump(parsed),
        if_match=existing.etag if existing is not None else None,
        if_none_match=existing is None,
    )
    return result.event


def do_apply_external_cancellation(agent: Agent, invitation: Invitation, sender: str) -> Event:
    """The organizer called the meeting off: the agent's copy shows it cancelled."""
    if invitation.method != "CANCEL":
        raise _refused(_("Ce message n'annule aucun événement."))
    if sender.lower() != invitation.organizer:
        raise _refused(_("Seul l'organisateur peut annuler cet événement."))
    existing = scheduling.existing_copy(agent, invitation.uid)
    if existing is None or itip.organizer(itip.load(existing.data)) != invitation.organizer:
        raise _refused(_("Cet événement n'est pas dans votre agenda."))
    with transaction.atomic():
        calendar = Calendar.objects.select_for_update().get(pk=existing.calendar_id)
        cancelled = itip.cancelled(itip.load(existing.data))
        checked = parse_calendar_object(itip.dump(cancelled), timezone=calendar.timezone)
        return WRITER.store(calendar, existing.name, checked, existing, existing.booking_status)


def do_apply_external_reply(agent: Agent, invitation: Invitation, sender: str) -> Event | None:
    """An outside attendee answered ``agent``'s meeting: their answer is written into it.
    None when there is nothing to write (not the agent's meeting, not an attendee of it)."""
    if invitation.method != "REPLY" or invitation.answer not in (*ANSWERS, "NEEDS-ACTION"):
        return None
    if not invitation.replier or sender.lower() != invitation.replier:
        return None
    me = (agent.email or "").lower()
    if invitation.organizer != me:
        return None
    with transaction.atomic():
        event = (
            Event.objects.select_related("calendar")
            .filter(calendar__owner=agent, calendar__resource__isnull=True, uid=invitation.uid)
            .order_by("created_at")
            .first()
        )
        if event is None:
            return None
        calendar = Calendar.objects.select_for_update().get(pk=event.calendar_id)
        theirs = itip.load(event.data)
        if itip.organizer(theirs) != me or itip.partstat(theirs, invitation.replier) is None:
            return None
        itip.set_attendee(
            theirs, invitation.replier, partstat=invitation.answer, schedule_status=itip.SUCCESS
        )
        checked = parse_calendar_object(itip.dump(theirs), timezone=calendar.timezone)
        return WRITER.store(calendar, event.name, checked, event, event.booking_status)
