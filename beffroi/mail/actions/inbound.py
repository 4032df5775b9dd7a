"""What the MX does with a message it accepted: local recipients get it (partially, when some
mailboxes are full: the others keep their copy and the sender is told), and bounces to one of
our SRS addresses go back to the sender a redirect rewrote.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from django.db import transaction
from django.utils import timezone

from beffroi.calendars.imip import invitation_in
from beffroi.calendars.invitations import do_apply_external_reply
from beffroi.mail import srs
from beffroi.mail.actions.messages import Delivery, do_deliver
from beffroi.mail.actions.queue import do_queue_outbound, do_submit
from beffroi.mail.errors import QuotaExceeded
from beffroi.mail.index import header, parse
from beffroi.mail.models import Folder
from beffroi.mail.queries import is_local_domain

logger = logging.getLogger(__name__)


def _over_quota_notice(raw: bytes, envelope_sender: str, refused: Sequence[str]) -> bytes:
    original = parse(raw)
    domain = refused[0].rpartition("@")[2]
    notice = EmailMessage()
    notice["From"] = f"MAILER-DAEMON@{domain}"
    notice["To"] = envelope_sender
    notice["Subject"] = "Non distribué : boîte aux lettres pleine (Undelivered: mailbox full)"
    notice["Date"] = format_datetime(timezone.localtime())
    notice["Message-ID"] = make_msgid(domain=domain)
    notice["Auto-Submitted"] = "auto-replied"
    if header(original, "message-id"):
        notice["In-Reply-To"] = header(original, "message-id")
    addresses = "\n".join(f"  <{address}>" for address in refused)
    subject = header(original, "subject")[:200]
    notice.set_content(
        "Votre message n'a pas pu être remis à ces destinataires, dont la boîte aux lettres "
        f"est pleine :\n{addresses}\n\nObjet : {subject}\n\n"
        "Les autres destinataires l'ont bien reçu.\n\n"
        "Your message could not be delivered to the recipients above: their mailbox is full "
        "(4.2.2). The other recipients received it.\n"
    )
    return bytes(notice.as_bytes(policy=notice.policy.clone(linesep="\r\n")))


def _take_calendar_answers(raw: bytes, delivery: Delivery) -> None:
    """An outside attendee's answer to an agent's meeting (iMIP REPLY) is written into the
    meeting as soon as it arrives, as Outlook and Thunderbird do: only the answer of the
    address the message comes from, only into its recipients' own meetings, and never for mail
    filed as junk."""
    if b"text/calendar" not in raw.lower() or not delivery.messages:
        return
    parsed = parse(raw)
    invitation = invitation_in(parsed)
    if invitation is None or invitation.method != "REPLY":
        return
    sender = parseaddr(header(parsed, "from"))[1].lower()
    for message in delivery.messages:
        owner = message.folder.mailbox.owner
        if owner is None or message.folder.special_use == Folder.SpecialUse.JUNK:
            continue
        try:
            do_apply_external_reply(owner, invitation, sender)
        except Exception:  # the message is delivered; the agenda can be updated from it
            logger.exception("calendar answer not taken into the agenda")


def do_receive(
    raw: bytes, envelope_sender: str, recipients: Sequence[str], *, special_use: str
) -> Delivery:
    """Deliver an accepted message: ``QuotaExceeded`` only when no copy could be kept at all
    (the client then tries again later); otherwise the full mailboxes are in
    ``Delivery.refused`` and the sender gets a notice (never for a bounce: null sender)."""
    bounces = [srs.reverse(r) for r in recipients if srs.is_srs(r)]
    local = [r for r in recipients if not srs.is_srs(r)]
    with transaction.atomic():
        delivery = (
            do_deliver(
                raw,
                envelope_sender,
                local,
                special_use=special_use or Folder.SpecialUse.INBOX,
                from_outside=True,
                partial=True,
            )
            if local
            else Delivery(messages=[])
        )
        originals = [address for address in bounces if address]
        if originals:
            # A bounce of a redirected message: back to the original sender, null sender.
            do_queue_outbound(raw, "", originals, agent=None)
        if delivery.refused and not delivery.messages and not originals:
            raise QuotaExceeded()  # nothing kept: undo any hold too, the client tries later
    _take_calendar_answers(raw, delivery)
    if delivery.refused and envelope_sender:
        notice = _over_quota_notice(raw, envelope_sender, delivery.refused)
        sender_domain = envelope_sender.rpartition("@")[2].lower()
        local_sender = is_local_domain(sender_domain)
        try:
            do_submit(
                notice,
                "",
                [envelope_sender] if local_sender else [],
                [] if local_sender else [envelope_sender],
                agent=None,
            )
        except Exception:
            logger.exception("over-quota notice not sent")
    return delivery
