"""Delivery status notifications (RFC 3464) to the sender of a queued message.

A bounce is a ``multipart/report; report-type=delivery-status``: a human part in French and in
English, the machine-readable ``message/delivery-status`` part (one block per recipient), and
the original message's headers (``text/rfc822-headers``). It is delivered *locally* to the
sender's mailbox with an empty envelope sender: the sender of queued mail is always a local
mailbox, so a bounce never leaves the server, and nothing ever answers a bounce.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, make_msgid

from django.conf import settings
from django.utils import timezone

from beffroi.mail.addresses import InvalidAddress, parse_address


@dataclass(frozen=True)
class Failure:
    address: str
    status: str  # "5.1.1"
    diagnostic: str  # the remote server's reply, or why we gave up


_HUMAN = {
    "failed": (
        "Non remis : {subject}",
        "Votre message n'a pas pu être remis aux destinataires suivants ; il ne sera plus renvoyé.",
        "Your message could not be delivered to the following recipients; it will not be retried.",
    ),
    "delayed": (
        "Remise retardée : {subject}",
        "Votre message n'a pas encore pu être remis aux destinataires suivants. Nous "
        "continuons d'essayer ; vous serez prévenu en cas d'échec définitif.",
        "Your message has not yet been delivered to the following recipients. Delivery is "
        "still being attempted; you will be told if it finally fails.",
    ),
}


def _headers_of(raw: bytes) -> bytes:
    end = raw.find(b"\r\n\r\n")
    return raw[: end + 2] if end >= 0 else raw


def _subject_of(raw: bytes) -> str:
    for line in _headers_of(raw).decode("utf-8", "replace").split("\r\n"):
        if line.lower().startswith("subject:"):
            return " ".join(line[8:].split())[:120]
    return "(sans objet)"


def _clean(text: str) -> str:
    return " ".join(text.split()).encode("ascii", "replace").decode()


def notification(
    raw: bytes,
    envelope_sender: str,
    failures: Sequence[Failure],
    *,
    arrived: datetime,
    action: str = "failed",
) -> bytes:
    """The DSN for ``failures`` (action ``failed`` or ``delayed``) of message ``raw``."""
    try:
        domain = parse_address(envelope_sender).domain
    except InvalidAddress:
        domain = settings.MAIL_HOSTNAME
    subject_fr, text_fr, text_en = _HUMAN[action]
    text = " ".join(subject_fr.format(subject=_subject_of(raw)).split())
    subject = Header(text, "utf-8").encode(linesep="\r\n")
    boundary = f"=_beffroi_dsn_{secrets.token_hex(12)}"
    listed = "\r\n".join(f"  <{f.address}> : {_clean(f.diagnostic)}" for f in failures)
    human = (f"{text_fr}\r\n\r\n{listed}\r\n\r\n-- \r\n\r\n{text_en}\r\n\r\n{listed}\r\n").encode()
    per_message = (
        f"Reporting-MTA: dns; {settings.MAIL_HOSTNAME}\r\n"
        f"Arrival-Date: {format_datetime(arrived)}\r\n"
    )
    per_recipient = "".join(
        f"\r\nFinal-Recipient: rfc822; {f.address}\r\nAction: {action}\r\n"
        f"Status: {f.status}\r\nDiagnostic-Code: smtp; {_clean(f.diagnostic)}\r\n"
        for f in failures
    )
    head = (
        f"From: Mail Delivery System <MAILER-DAEMON@{domain}>\r\n"
        f"To: <{envelope_sender}>\r\n"
        f"Subject: {subject}\r\n"
        f"Date: {format_datetime(timezone.localtime())}\r\n"
        f"Message-ID: {make_msgid(domain=domain)}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status;\r\n"
        f'\tboundary="{boundary}"\r\n'
        "\r\n"
    )
    return (
        head.encode()
        + f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n".encode()
        + human
        + f"\r\n--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n".encode()
        + (per_message + per_recipient).encode()
        + f"\r\n--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n".encode()
        + _headers_of(raw)
        + f"\r\n--{boundary}--\r\n".encode()
    )
