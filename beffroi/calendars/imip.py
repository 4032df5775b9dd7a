"""Invitations by e-mail (iMIP, RFC 6047) for people outside the organisation, both ways.

Out: the scheduling outbox (``ImipMessage``) is sent by the worker as a message whose
``text/calendar; method=…`` part Outlook, Thunderbird and Gmail show as an invitation, an
answer or a cancellation, with a plain-text part in French for everyone else. It leaves through
``beffroi.core.outbound`` (the organisation's own mail service, or its relay).

In: a message that reaches an agent with such a part is read here (``invitation_in``) for the
webmail to show it, and answered through ``actions.do_answer_external_invitation``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import Message
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from beffroi.calendars import itip
from beffroi.calendars.models import ImipMessage
from beffroi.core.text import printable_line

# A calendar part bigger than this is not an invitation anyone typed.
MAX_CALENDAR_BYTES = 256 * 1024
METHODS = ("REQUEST", "REPLY", "CANCEL")


@dataclass(frozen=True)
class Invitation:
    """What an iMIP part says, for a person to read and answer."""

    method: str  # REQUEST, REPLY or CANCEL
    uid: str
    summary: str
    organizer: str
    starts_at: dt.datetime | dt.date | None
    ends_at: dt.datetime | dt.date | None
    location: str
    data: str  # the iCalendar text, as received
    # For a REPLY: who answers, and what.
    replier: str = ""
    answer: str = ""


def _first_event(calendar: Any) -> Any | None:
    for item in itip.components(calendar):
        if "RECURRENCE-ID" not in item:
            return item
    return None


def _when(value: Any) -> dt.datetime | dt.date | None:
    moment = getattr(value, "dt", None)
    if isinstance(moment, dt.datetime) and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment if isinstance(moment, dt.datetime | dt.date) else None


def read_invitation(text: str) -> Invitation | None:
    """The invitation an iCalendar text carries, or None when it is not one we can answer."""
    if len(text.encode("utf-8", "replace")) > MAX_CALENDAR_BYTES:
        return None
    try:
        calendar = itip.load(text)
    except ValueError:
        return None
    method = str(calendar.get("METHOD", "")).upper()
    event = _first_event(calendar)
    if method not in METHODS or event is None or not str(event.get("UID", "")).strip():
        return None
    replier, answer = "", ""
    if method == "REPLY":
        attendees = itip.attendees(calendar)
        if len(attendees) != 1:
            return None
        replier = attendees[0]
        answer = itip.partstat(calendar, replier) or ""
    return Invitation(
        method=method,
        uid=str(event["UID"]).strip()[:255],
        summary=printable_line(str(event.get("SUMMARY", "")))[:255],
        organizer=itip.organizer(calendar) or "",
        starts_at=_when(event.get("DTSTART")),
        ends_at=_when(event.get("DTEND")),
        location=printable_line(str(event.get("LOCATION", "")))[:255],
        data=text,
        replier=replier,
        answer=answer,
    )


def invitation_in(message: Message) -> Invitation | None:
    """The first ``text/calendar`` part of a parsed message, read as an invitation."""
    for part in message.walk():
        if part.get_content_type() != "text/calendar":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or len(payload) > MAX_CALENDAR_BYTES:
            return None
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, "replace")
        except LookupError:
            text = payload.decode("utf-8", "replace")
        return read_invitation(text)
    return None


# --- out ---------------------------------------------------------------------------------------


def _moment(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value, timezone.get_default_timezone())
        return formats.date_format(local, "l j F Y, H:i")
    return formats.date_format(value, "l j F Y")


def _text(message: ImipMessage, invitation: Invitation | None, sender_name: str) -> str:
    summary = message.summary or _("(sans titre)")
    intro = {
        "REQUEST": _("%(name)s vous invite : « %(summary)s »."),
        "CANCEL": _("%(name)s annule : « %(summary)s »."),
        "REPLY": _("%(name)s répond à votre invitation : « %(summary)s »."),
    }.get(message.method, _("%(name)s vous écrit au sujet de « %(summary)s »."))
    lines = [intro % {"name": sender_name, "summary": summary}, ""]
    if invitation is not None:
        if invitation.starts_at is not None:
            lines.append(_("Quand : %(when)s") % {"when": _moment(invitation.starts_at)})
        if invitation.location:
            lines.append(_("Où : %(where)s") % {"where": invitation.location})
    lines += [
        "",
        _(
            "Votre logiciel de messagerie ou d'agenda montre cette invitation avec les "
            "boutons pour y répondre."
        ),
    ]
    return "\n".join(lines) + "\n"


def _subject(message: ImipMessage) -> str:
    summary = message.summary or _("(sans titre)")
    prefix = {
        "REQUEST": _("Invitation"),
        "CANCEL": _("Annulé"),
        "REPLY": _("Réponse"),
    }.get(message.method, _("Agenda"))
    return printable_line(f"{prefix} : {summary}")[:250]


def email_of(message: ImipMessage) -> EmailMultiAlternatives:
    """The e-mail of one outbox message (in the organisation's language)."""
    sender = message.sender
    name = sender.display_name if sender is not None else ""
    with translation.override(settings.LANGUAGE_CODE):
        text = _text(message, read_invitation(message.data), name or _("La mairie"))
        subject = _subject(message)
    from_email = settings.DEFAULT_FROM_EMAIL
    reply_to: list[str] = []
    if sender is not None and sender.email:
        from_email = f"{printable_line(name)} <{sender.email}>" if name else sender.email
        reply_to = [sender.email]
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=[message.recipient],
        reply_to=reply_to,
    )
    email.attach_alternative(message.data, f"text/calendar; charset=utf-8; method={message.method}")
    return email
