"""The inbound SMTP listener (the organisation's MX): mail from the world to local mailboxes.

Recipients are checked at RCPT (unknown: 550 5.1.1, so nothing is accepted that would have to
bounce later); only local domains are accepted (550 5.7.1 for relaying, and for the routing
tricks: percent hack, bang paths, quoted local parts, source routes); at most 100 recipients
(452 4.5.3); the size announced with SIZE and enforced; messages with a bare CR or LF refused;
a rate per client address. Accepted mail gets a ``Received:`` and an
``Authentication-Results:`` header (SPF, DKIM, DMARC with the configured resolvers, see
``beffroi.mail.authentication``) and goes into each recipient's INBOX through ``do_deliver``
(into Junk when the sender's domain asks for quarantine, refused when it asks to reject).
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.smtp import Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings

from beffroi.core import throttle
from beffroi.mail import authentication, queries
from beffroi.mail.actions import do_deliver
from beffroi.mail.addresses import InvalidAddress, parse_address, routing_trick
from beffroi.mail.errors import QuotaExceeded, UnknownRecipient
from beffroi.mail.models import Folder
from beffroi.mail.protocols.smtp_server import (
    MAX_RECIPIENTS,
    StrictSMTP,
    has_bare_line_ending,
    peer_address,
    received_header,
    run_sync,
    tls_context,
)

logger = logging.getLogger(__name__)

RELAY_DENIED = "550 5.7.1 Error: relaying denied"
BARE_LINE_ENDING = "554 5.6.0 Error: bare CR or LF in the message, refused (RFC 5321 2.3.8)"


def recipient_check(address: str) -> str | None:
    """The refusal for a recipient, or None when it is a local mailbox or alias."""
    if routing_trick(address):
        return RELAY_DENIED
    try:
        parsed = parse_address(address)
    except InvalidAddress:
        return "553 5.1.3 Error: malformed recipient address"
    if not queries.is_local_domain(parsed.domain):
        return RELAY_DENIED
    if queries.mailbox_for_address(str(parsed)) is None:
        return f"550 5.1.1 <{parsed}>: recipient address rejected: user unknown"
    return None


def _verdict(raw: bytes, mail_from: str, helo: str, client: str) -> authentication.Verdict:
    try:
        return authentication.verify(raw, mail_from, helo, client)
    except Exception:
        # A bug in a check must not lose mail: deliver, saying nothing was verified.
        logger.exception("sender authentication failed")
        line = f"Authentication-Results: {settings.MAIL_HOSTNAME}; none\r\n"
        return authentication.Verdict(line.encode(), "none", "none")


class InboundHandler:
    async def handle_MAIL(  # noqa: N802
        self,
        server: StrictSMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        allowed = await run_sync(
            throttle.within_rate,
            "smtp-inbound",
            peer_address(session),
            settings.MAIL_INBOUND_PER_MINUTE,
        )
        if not allowed:
            return "450 4.7.1 Error: too many messages from your address, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(  # noqa: N802
        self,
        server: StrictSMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Error: too many recipients"
        refusal = await run_sync(recipient_check, address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: StrictSMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        if has_bare_line_ending(raw):
            return BARE_LINE_ENDING
        verdict = await sync_to_async(_verdict, thread_sensitive=False)(
            raw, envelope.mail_from or "", session.host_name or "", peer_address(session)
        )
        if verdict.dmarc == "fail" and verdict.policy == "reject":
            return "550 5.7.1 Error: rejected by the DMARC policy of the sender's domain"
        folder = (
            Folder.SpecialUse.JUNK
            if verdict.dmarc == "fail" and verdict.policy == "quarantine"
            else Folder.SpecialUse.INBOX
        )
        stored = received_header(session, envelope, authenticated=False) + verdict.header + raw
        try:
            await run_sync(
                do_deliver,
                stored,
                envelope.mail_from or "",
                list(envelope.rcpt_tos),
                special_use=folder,
            )
        except QuotaExceeded:
            return "552 5.2.2 Error: mailbox full"
        except UnknownRecipient:
            return "550 5.1.1 Error: recipient address rejected: user unknown"
        except Exception:
            logger.exception("inbound delivery failed")
            return "451 4.3.0 Error: local error, try again later"
        return "250 2.0.0 OK: delivered"


def inbound_session(**kwargs: Any) -> StrictSMTP:
    """One session of the inbound listener (STARTTLS offered when a certificate is set; no
    AUTH: the MX takes mail for local mailboxes only)."""
    return StrictSMTP(
        InboundHandler(),
        tls_context=tls_context(),
        auth_exclude_mechanism=["LOGIN", "PLAIN"],
        **kwargs,
    )
