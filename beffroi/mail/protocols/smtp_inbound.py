"""The inbound SMTP listener (the organisation's MX): mail from the world to local mailboxes.

Recipients are checked at RCPT (unknown: 550 5.1.1, so nothing is accepted that would have to
bounce later); only local domains are accepted (550 5.7.1 for relaying, and for the routing
tricks: percent hack, bang paths, quoted local parts, source routes); at most 100 recipients
(452 4.5.3); the size announced with SIZE and enforced; messages with a bare CR or LF refused;
a rate per client address. Accepted mail gets a ``Received:`` and an
``Authentication-Results:`` header (SPF, DKIM, DMARC with the configured resolvers, see
``beffroi.mail.authentication``; a forged one claiming to be ours is removed first), a spam
score (``beffroi.mail.spam``: Junk or refused above the thresholds) and goes into each
recipient's INBOX through ``do_receive`` (into Junk when the sender's domain asks for
quarantine, refused when it asks to reject). A list address is accepted when the sender may
post to it; one of our SRS addresses when its hash and date hold (a bounce of a redirect); a
full mailbox is refused at RCPT (452 4.2.2) when the announced SIZE does not fit.
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.smtp import Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings

from beffroi.core import throttle
from beffroi.mail import authentication, queries, spam, srs
from beffroi.mail.actions.inbound import do_receive
from beffroi.mail.actions.lists import PostingRefused, may_post
from beffroi.mail.addresses import InvalidAddress, parse_address, routing_trick
from beffroi.mail.errors import QuotaExceeded, UnknownRecipient
from beffroi.mail.index import parse
from beffroi.mail.models import Folder, Mailbox
from beffroi.mail.protocols.smtp_server import (
    MAX_RECIPIENTS,
    StrictSMTP,
    has_bare_line_ending,
    peer_address,
    received_header,
    run_sync,
    tls_context,
)
from beffroi.mail.queries import list_for_address

logger = logging.getLogger(__name__)

RELAY_DENIED = "550 5.7.1 Error: relaying denied"
BARE_LINE_ENDING = (
    "554 5.6.0 Error: bare CR or LF, or NUL, in the message, refused (RFC 5321 2.3.8)"
)


def _over_quota(mailbox: Mailbox, size: int) -> bool:
    return bool(mailbox.quota_bytes) and mailbox.used_bytes + max(size, 1) > mailbox.quota_bytes


def announced_size(mail_options: list[str]) -> int:
    for option in mail_options:
        name, _, value = option.partition("=")
        if name.upper() == "SIZE" and value.isdigit():
            return int(value)
    return 0


def recipient_check(address: str, mail_from: str = "", size: int = 0) -> str | None:
    """The refusal for a recipient, or None when it is a local mailbox, alias or list (that
    the sender may post to), or one of our valid SRS addresses."""
    if srs.is_srs(address):
        domain = address.rpartition("@")[2].lower()
        if srs.reverse(address) is not None and queries.is_local_domain(domain):
            return None
        return "550 5.1.1 Error: invalid or expired SRS address"
    if routing_trick(address):
        return RELAY_DENIED
    try:
        parsed = parse_address(address)
    except InvalidAddress:
        return "553 5.1.3 Error: malformed recipient address"
    if not queries.is_local_domain(parsed.domain):
        return RELAY_DENIED
    mailbox = queries.mailbox_for_address(str(parsed))
    if mailbox is None:
        mailing_list = list_for_address(str(parsed))
        if mailing_list is None:
            return f"550 5.1.1 <{parsed}>: recipient address rejected: user unknown"
        if not may_post(mailing_list, mail_from, from_outside=True):
            return f"550 5.7.1 <{parsed}>: you may not post to this list"
        return None
    if _over_quota(mailbox, size):
        return f"452 4.2.2 <{parsed}>: mailbox full"
    return None


def _verdict(raw: bytes, mail_from: str, helo: str, client: str) -> authentication.Verdict:
    try:
        return authentication.verify(raw, mail_from, helo, client)
    except Exception:
        # A bug in a check must not lose mail: deliver, saying nothing was verified.
        logger.exception("sender authentication failed")
        line = f"Authentication-Results: {settings.MAIL_HOSTNAME}; none\r\n"
        return authentication.Verdict(line.encode(), "none", "none")


def _builtin_spam(
    raw: bytes, verdict: authentication.Verdict, recipients: list[str]
) -> spam.SpamVerdict:
    try:
        return spam.builtin_verdict(
            parse(raw), recipients, verdict, verified=authentication.configured()
        )
    except Exception:
        logger.exception("spam scoring failed")
        return spam.SpamVerdict(score=0.0, action=spam.Action.ACCEPT, checks=["ERROR"])


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
        refusal = await run_sync(
            recipient_check,
            address,
            envelope.mail_from or "",
            announced_size(envelope.mail_options),
        )
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
        raw = authentication.strip_forged_results(raw)
        judged = await run_sync(_builtin_spam, raw, verdict, list(envelope.rcpt_tos))
        judged = await sync_to_async(spam.with_rspamd, thread_sensitive=False)(
            judged,
            raw,
            client_ip=peer_address(session),
            helo=session.host_name or "",
            mail_from=envelope.mail_from or "",
            recipients=list(envelope.rcpt_tos),
        )
        if judged.action == spam.Action.REJECT:
            return "550 5.7.1 Error: message refused as spam"
        if judged.action == spam.Action.DEFER:
            return "451 4.7.1 Error: try again later"
        quarantined = verdict.dmarc == "fail" and verdict.policy == "quarantine"
        folder = (
            Folder.SpecialUse.JUNK
            if quarantined or judged.action == spam.Action.JUNK
            else Folder.SpecialUse.INBOX
        )
        stored = (
            received_header(session, envelope, authenticated=False)
            + judged.header
            + verdict.header
            + raw
        )
        try:
            await run_sync(
                do_receive,
                stored,
                envelope.mail_from or "",
                list(envelope.rcpt_tos),
                special_use=folder,
            )
        except QuotaExceeded:
            return "452 4.2.2 Error: mailbox full, try again later"
        except PostingRefused:
            return "550 5.7.1 Error: you may not post to this list"
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
