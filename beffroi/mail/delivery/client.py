"""The SMTP client side: one message to one domain's recipients through a list of routes.

Each recipient gets its own result: 2xx delivered, 4xx (and any connection, TLS or protocol
error) temporary, 5xx permanent. The next route is tried while nothing was accepted or refused
for good. MX hosts get opportunistic STARTTLS (no certificate check, RFC 7435) unless the
domain's MTA-STS policy is ``enforce``: then only the policy's MX hosts, only with STARTTLS and a
certificate valid for the host's name. The bytes go unchanged (they already end in CRLF and
carry their DKIM signature).
"""

from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from beffroi.mail.delivery.mta_sts import Policy
from beffroi.mail.delivery.routes import Route

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
_STATUS = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})\b")


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient: ``code`` 0 when no server answered for it."""

    code: int
    text: str
    status: str

    @property
    def delivered(self) -> bool:
        return 200 <= self.code < 300

    @property
    def permanent(self) -> bool:
        return 500 <= self.code < 600


def outcome(code: int, reply: bytes | str, host: str = "") -> Outcome:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    text = " ".join(text.split())[:500]
    found = _STATUS.match(text)
    status = found.group(0) if found else f"{str(code)[:1] or '4'}.0.0"
    if not 200 <= code < 600:
        status = "4.4.1"
    shown = f"{host}: {code} {text}" if host else f"{code} {text}"
    return Outcome(code=code, text=shown, status=status)


def temporary(text: str, status: str = "4.4.1") -> Outcome:
    return Outcome(code=0, text=text, status=status)


class _Client(smtplib.SMTP):
    """smtplib connecting to the address it was given while naming the host (for SNI and the
    certificate check)."""

    def __init__(self, address: str, host: str, port: int, **kwargs: Any) -> None:
        self.address = address
        super().__init__(host, port, **kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return socket.create_connection((self.address or host, port), timeout, self.source_address)


def _needs_utf8(sender: str, recipients: Sequence[str]) -> bool:
    return not all(address.isascii() for address in (sender, *recipients))


def _verified_context() -> ssl.SSLContext:
    return ssl.create_default_context()  # honours SSL_CERT_FILE


def _unverified_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class HostFailed(Exception):
    """This host could not take the message; the next one may."""


def _open(route: Route, address: str, policy: Policy | None) -> smtplib.SMTP:
    hostname = settings.MAIL_HOSTNAME
    if route.security == "tls":
        # A smarthost on smtps:// (TLS from the first byte, the certificate checked).
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            route.name, route.port, local_hostname=hostname, timeout=TIMEOUT_SECONDS,
            context=_verified_context(),
        )  # fmt: skip
    else:
        client = _Client(
            address, route.name, route.port, local_hostname=hostname, timeout=TIMEOUT_SECONDS
        )
    client.ehlo()
    enforced = policy is not None and policy.enforced
    if route.security == "starttls" or (route.security == "opportunistic" and enforced):
        if not client.has_extn("starttls"):
            raise HostFailed(f"{route.name}: STARTTLS required but not offered")
        client.starttls(context=_verified_context())
        client.ehlo()
    elif route.security == "opportunistic" and client.has_extn("starttls"):
        client.starttls(context=_unverified_context())
        client.ehlo()
    if route.username is not None:
        client.login(route.username, route.password or "")
    return client


def _transaction(
    client: smtplib.SMTP, route: Route, sender: str, recipients: Sequence[str], raw: bytes
) -> dict[str, Outcome]:
    options = []
    if not raw.isascii() and client.has_extn("8bitmime"):
        options.append("BODY=8BITMIME")
    if _needs_utf8(sender, recipients):
        if not client.has_extn("smtputf8"):
            return {
                rcpt: outcome(553, "5.6.7 the server does not take internationalised addresses")
                for rcpt in recipients
            }
        options.append("SMTPUTF8")
        client.command_encoding = "utf-8"
    code, reply = client.mail(sender, options)
    if code >= 400:
        raise _Refused(outcome(code, reply, route.name))
    results: dict[str, Outcome] = {}
    accepted = []
    for rcpt in recipients:
        code, reply = client.rcpt(rcpt)
        results[rcpt] = outcome(code, reply, route.name)
        if 200 <= code < 300:
            accepted.append(rcpt)
    if not accepted:
        client.rset()
        return results
    try:
        final = outcome(*client.data(raw), route.name)
    except smtplib.SMTPDataError as error:
        final = outcome(error.smtp_code, error.smtp_error, route.name)
    for rcpt in accepted:
        results[rcpt] = final
    return results


class _Refused(Exception):
    def __init__(self, result: Outcome) -> None:
        super().__init__(result.text)
        self.result = result


def deliver(
    routes: Sequence[Route],
    sender: str,
    recipients: Sequence[str],
    raw: bytes,
    *,
    policy: Policy | None = None,
) -> dict[str, Outcome]:
    """Send ``raw`` to ``recipients`` (all of one domain) through the first route that takes
    it; an outcome for each recipient."""
    enforced = policy is not None and policy.enforced
    last = temporary("no route")
    for route in routes:
        if enforced and route.security == "opportunistic" and not policy.allows(route.name):  # type: ignore[union-attr]
            last = temporary(f"{route.name}: not an MX host of the MTA-STS policy", "4.7.5")
            continue
        for address in route.addresses:
            try:
                client = _open(route, address, policy)
            except HostFailed as error:
                last = temporary(str(error), "4.7.5")
                continue
            except ssl.SSLError as error:
                last = temporary(f"{route.name}: TLS failed ({error.reason or error})", "4.7.5")
                continue
            except smtplib.SMTPResponseException as error:
                # Refused before any transaction (greeting, STARTTLS, a smarthost's AUTH): a
                # matter of this server or our settings, not of the message: try again later.
                refused = outcome(error.smtp_code, error.smtp_error, route.name)
                last = temporary(refused.text, "4.4.2")
                continue
            except (OSError, smtplib.SMTPException) as error:
                last = temporary(f"{route.name}: {type(error).__name__}: {error}")
                continue
            try:
                with client:
                    return _transaction(client, route, sender, recipients, raw)
            except _Refused as refused:
                if refused.result.permanent:
                    return dict.fromkeys(recipients, refused.result)
                last = refused.result
            except (OSError, smtplib.SMTPException) as error:
                last = temporary(f"{route.name}: {type(error).__name__}: {error}")
    return dict.fromkeys(recipients, last)
