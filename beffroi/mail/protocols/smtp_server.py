"""What both SMTP listeners share: an aiosmtpd session that refuses the smuggling family.

aiosmtpd (>= 1.4.5) already ends DATA only at ``<CRLF>.<CRLF>``; on top of that:

- a command line ending in a bare LF, or holding a bare CR, is refused and the connection
  closed (never normalised);
- a message holding a bare CR or LF, or a NUL byte (which some servers drop, turning
  ``<CRLF>NUL.<CRLF>`` into an end of data), anywhere is refused whole
  (``has_bare_line_ending``);
- commands pipelined after DATA (sent without waiting for the 354 reply; we do not announce
  PIPELINING) are refused and the connection closed, so a body can never run as commands;
- a source route in RCPT (``<@relay:user@domain>``, which the parser would silently drop) is
  refused as a relaying attempt.
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
import uuid
from collections.abc import Callable
from email.utils import format_datetime
from typing import Any, TypeVar

from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 100
_BARE = re.compile(rb"\r(?!\n)|(?<!\r)\n|\x00")
_SOURCE_ROUTE = re.compile(r"^\s*TO:\s*<\s*@", re.IGNORECASE)

T = TypeVar("T")


class BareLineEnding(Exception):
    """A command line ended with a bare LF or held a bare CR."""


class _StrictReader(asyncio.StreamReader):
    async def readuntil(self, separator: Any = b"\n") -> bytes:
        line = await super().readuntil(separator)
        if separator == b"\n" and (not line.endswith(b"\r\n") or b"\r" in line[:-2]):
            raise BareLineEnding()
        return line


def has_bare_line_ending(data: bytes) -> bool:
    """A bare CR or LF, or a NUL byte: the bytes of every SMTP smuggling variant."""
    return _BARE.search(data) is not None


async def run_sync(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a database-touching function off the event loop, on a fresh-enough connection."""

    def call() -> T:
        close_old_connections()
        return function(*args, **kwargs)

    return await sync_to_async(call, thread_sensitive=True)()


def tls_context() -> ssl.SSLContext | None:
    """The STARTTLS context from the configured certificate, if any."""
    if not settings.MAIL_TLS_CERT_FILE or not settings.MAIL_TLS_KEY_FILE:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(settings.MAIL_TLS_CERT_FILE, settings.MAIL_TLS_KEY_FILE)
    return context


def peer_address(session: Session) -> str:
    peer: Any = session.peer
    return str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"


def received_header(session: Session, envelope: Envelope, *, authenticated: bool) -> bytes:
    """The trace header this server adds on top of every message it accepts."""
    protocol = "UTF8SMTP" if "SMTPUTF8" in envelope.mail_options else "ESMTP"
    if session.ssl is not None:
        protocol += "S"
    if authenticated:
        protocol += "A"
    helo = re.sub(r"[^A-Za-z0-9.\-\[\]:]", "", session.host_name or "unknown")[:255] or "unknown"
    recipient = f"\r\n\tfor <{envelope.rcpt_tos[0]}>" if len(envelope.rcpt_tos) == 1 else ""
    line = (
        f"Received: from {helo} ([{peer_address(session)}])\r\n"
        f"\tby {settings.MAIL_HOSTNAME} (Beffroi) with {protocol} id {uuid.uuid4().hex[:16]}"
        f"{recipient};\r\n\t{format_datetime(timezone.localtime())}\r\n"
    )
    return line.encode("utf-8", "surrogateescape")


class StrictSMTP(SMTP):
    """An aiosmtpd session with the defences above."""

    # RFC 5322 2.1.1: 998 octets and CRLF (aiosmtpd tolerates one more).
    line_length_limit = 1000

    def __init__(self, handler: Any, **kwargs: Any) -> None:
        kwargs.setdefault("hostname", settings.MAIL_HOSTNAME)
        kwargs.setdefault("ident", "Beffroi ESMTP")
        kwargs.setdefault("data_size_limit", settings.MAIL_MAX_MESSAGE_BYTES)
        kwargs.setdefault("enable_SMTPUTF8", True)
        super().__init__(handler, **kwargs)

    def _cb_client_connected(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # aiosmtpd reads every command line (and AUTH answers) through this reader: giving it
        # a subclass that adds no state checks each line without copying aiosmtpd's loop.
        reader.__class__ = _StrictReader
        super()._cb_client_connected(reader, writer)

    async def smtp_DATA(self, arg: str) -> None:  # noqa: N802
        if self._reader._buffer:  # type: ignore[attr-defined]
            await self._refuse_and_close("554 5.5.0 Error: commands sent after DATA before 354")
            return
        await super().smtp_DATA(arg)

    async def smtp_RCPT(self, arg: str) -> None:  # noqa: N802
        if arg and _SOURCE_ROUTE.match(arg):
            await self.push("550 5.7.1 Error: source routes are refused, relaying denied")
            return
        await super().smtp_RCPT(arg)

    async def _refuse_and_close(self, reply: str) -> None:
        await self.push(reply)
        if self.transport is not None:
            self.transport.close()

    async def handle_exception(self, error: Exception) -> str:
        if isinstance(error, BareLineEnding):
            transport = self.transport
            if transport is not None:
                self.loop.call_soon(transport.close)
            return "500 5.5.2 Error: bare CR or LF in a command line, goodbye"
        peer = peer_address(self.session) if self.session is not None else "unknown"
        logger.exception("SMTP session error", extra={"fields": {"peer": peer}})
        return "451 4.3.0 Error: local error, try again later"
