"""The submission listener: the agents' mail clients send through it with an app password.

Credentials are accepted only over TLS (after STARTTLS) when a certificate is configured;
without one, only from loopback and never in production. They are checked by the directory
(``authenticate_protocol_client``: app passwords, or the account password when the account has
no second factor; repeated failures slowed down). The envelope sender and every From: address
must be addresses the account may use (its own, its aliases, a mailbox delegated "send as";
"send on behalf" also needs Sender: the agent's own address), else 550 5.7.1. Local recipients
are delivered at once; the others are queued for the outbound worker.
"""

from __future__ import annotations

import ipaddress
import logging
from base64 import b64decode
from email.utils import getaddresses
from typing import Any

from aiosmtpd.smtp import MISSING, AuthResult, Envelope, Session
from django.conf import settings

from beffroi.core import throttle
from beffroi.core.errors import NotAuthenticated, TooManyAttempts
from beffroi.directory.access.credentials import authenticate_protocol_client
from beffroi.directory.models import Agent
from beffroi.mail import queries
from beffroi.mail.access import SendingAddresses, access_sending_addresses
from beffroi.mail.actions import do_submit
from beffroi.mail.actions.lists import PostingRefused, may_post
from beffroi.mail.addresses import InvalidAddress, parse_address, routing_trick
from beffroi.mail.errors import QuotaExceeded, UnknownRecipient
from beffroi.mail.index import header, parse
from beffroi.mail.protocols.smtp_inbound import BARE_LINE_ENDING
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

SENDER_REFUSED = "550 5.7.1 Error: this account may not send as this address"


def _normalised(address: str) -> str | None:
    try:
        return str(parse_address(address))
    except InvalidAddress:
        return None


def from_header_allowed(raw: bytes, rights: SendingAddresses) -> bool:
    """Every From: address is one the account may use; "on behalf" ones need Sender: the
    agent's own address."""
    message = parse(raw)
    senders = [_normalised(address) for _name, address in getaddresses([header(message, "from")])]
    if not senders or any(sender is None for sender in senders):
        return False
    if all(sender in rights.as_self for sender in senders):
        return True
    declared = [_normalised(a) for _n, a in getaddresses([header(message, "sender")])]
    return (
        rights.own is not None
        and declared == [rights.own]
        and all(sender in rights.as_self | rights.on_behalf for sender in senders)
    )


def _local_recipient(address: str, mail_from: str) -> bool | str:
    """True for a local mailbox or a list the sender may write to, False for an outside
    address, or the refusal."""
    if routing_trick(address):
        return "550 5.7.1 Error: routing through this server is refused"
    try:
        parsed = parse_address(address)
    except InvalidAddress:
        return "553 5.1.3 Error: malformed recipient address"
    if not queries.is_local_domain(parsed.domain):
        return False
    if queries.mailbox_for_address(str(parsed)) is not None:
        return True
    mailing_list = queries.list_for_address(str(parsed))
    if mailing_list is None:
        return f"550 5.1.1 <{parsed}>: recipient address rejected: user unknown"
    if not may_post(mailing_list, mail_from, from_outside=False):
        return f"550 5.7.1 <{parsed}>: you may not write to this list"
    return True


class SubmissionHandler:
    async def handle_MAIL(  # noqa: N802
        self,
        server: SubmissionSMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        agent = session.auth_data
        sender = _normalised(address)
        rights = await run_sync(access_sending_addresses, agent)
        if sender is None or not rights.may_send_from(sender):
            return SENDER_REFUSED
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(  # noqa: N802
        self,
        server: SubmissionSMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Error: too many recipients"
        local = await run_sync(_local_recipient, address, envelope.mail_from or "")
        if isinstance(local, str):
            return local
        if not await run_sync(_within_sending_limit, session.auth_data):
            return "451 4.7.1 Error: sending limit reached for this hour, try again later"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SubmissionSMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        if has_bare_line_ending(raw):
            return BARE_LINE_ENDING
        agent = session.auth_data
        rights = await run_sync(access_sending_addresses, agent)
        if not from_header_allowed(raw, rights):
            return SENDER_REFUSED
        stored = received_header(session, envelope, authenticated=True) + raw
        recipients = list(envelope.rcpt_tos)
        mail_from = envelope.mail_from or ""
        local = [a for a in recipients if await run_sync(_local_recipient, a, mail_from) is True]
        outside = [address for address in recipients if address not in local]
        try:
            await run_sync(do_submit, stored, envelope.mail_from or "", local, outside, agent=agent)
        except QuotaExceeded:
            return "552 5.2.2 Error: a recipient's mailbox is full"
        except UnknownRecipient:
            return "550 5.1.1 Error: recipient address rejected: user unknown"
        except PostingRefused:
            return "550 5.7.1 Error: you may not write to this list"
        except Exception:
            logger.exception("submission failed")
            return "451 4.3.0 Error: local error, try again later"
        return "250 2.0.0 OK: accepted"


def _within_sending_limit(agent: Agent) -> bool:
    """Count one recipient against the agent's hourly limit (``BEFFROI_MAIL_SEND_LIMIT_PER_HOUR``,
    through the shared rate counter: per hour window, across nodes when Redis is the cache)."""
    return throttle.within_rate(
        "mail-send", str(agent.pk), settings.MAIL_SEND_LIMIT_PER_HOUR, window_seconds=3600
    )


def _check_credentials(login: bytes, password: bytes, address: str) -> Agent | str:
    try:
        return authenticate_protocol_client(
            login.decode("utf-8", "replace"),
            password.decode("utf-8", "replace"),
            scope="mail",
            address=address,
        )
    except TooManyAttempts as error:
        return f"454 4.7.0 Error: too many failed attempts, retry in {error.retry_after} s"
    except NotAuthenticated:
        return "535 5.7.8 Error: authentication credentials invalid"


class SubmissionSMTP(StrictSMTP):
    """A submission session: AUTH PLAIN or LOGIN, checked by the directory off the loop."""

    def connection_made(self, transport: Any) -> None:
        # In clear, credentials only from loopback, only in development, only without TLS.
        # Over implicit TLS (port 465) the connection is encrypted from the first byte.
        implicit = transport.get_extra_info("ssl_object") is not None
        if self._original_transport is None:
            peer = transport.get_extra_info("peername")
            self._auth_require_tls = not (
                implicit or _clear_text_allowed(peer, has_tls=bool(self.tls_context))
            )
        super().connection_made(transport)
        if implicit and self._original_transport is None and self.session is not None:
            self.session.ssl = {"ssl_object": transport.get_extra_info("ssl_object")}

    async def _verify(self, login: bytes, password: bytes) -> AuthResult:
        assert self.session is not None
        outcome = await run_sync(_check_credentials, login, password, peer_address(self.session))
        if isinstance(outcome, str):
            return AuthResult(success=False, handled=False, message=outcome)
        return AuthResult(success=True, auth_data=outcome)

    async def auth_PLAIN(self, _: Any, args: list[str]) -> AuthResult:  # noqa: N802
        if len(args) == 1:
            answer = await self.challenge_auth("")
            if answer is MISSING:
                return AuthResult(success=False)
        else:
            try:
                answer = b64decode(args[1].encode(), validate=True)
            except ValueError:
                await self.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        parts = bytes(answer).split(b"\x00")
        if len(parts) != 3:
            await self.push("501 5.5.2 Can't split auth value")
            return AuthResult(success=False, handled=True)
        return await self._verify(parts[1], parts[2])

    async def auth_LOGIN(self, _: Any, args: list[str]) -> AuthResult:  # noqa: N802
        if len(args) == 1:
            login = await self.challenge_auth(self.AuthLoginUsernameChallenge)
            if login is MISSING:
                return AuthResult(success=False)
        else:
            try:
                login = b64decode(args[1].encode(), validate=True)
            except ValueError:
                await self.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        password = await self.challenge_auth(self.AuthLoginPasswordChallenge)
        if password is MISSING:
            return AuthResult(success=False)
        return await self._verify(bytes(login), bytes(password))


def _clear_text_allowed(peer: Any, *, has_tls: bool) -> bool:
    if has_tls or settings.PRODUCTION or not isinstance(peer, tuple) or not peer:
        return False
    try:
        return ipaddress.ip_address(peer[0]).is_loopback
    except ValueError:
        return False


def submission_session(**kwargs: Any) -> SubmissionSMTP:
    return SubmissionSMTP(
        SubmissionHandler(),
        tls_context=tls_context(),
        require_starttls=False,
        auth_required=True,
        auth_require_tls=True,
        auth_exclude_mechanism=["CRAM-MD5"],
        **kwargs,
    )


def implicit_tls_submission_session(**kwargs: Any) -> SubmissionSMTP:
    """A submission session on the implicit-TLS port: the listener's socket does the TLS, so
    no STARTTLS is offered and AUTH is allowed at once."""
    return SubmissionSMTP(
        SubmissionHandler(),
        tls_context=None,
        require_starttls=False,
        auth_required=True,
        auth_require_tls=True,
        auth_exclude_mechanism=["CRAM-MD5"],
        **kwargs,
    )
