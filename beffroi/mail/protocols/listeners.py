"""Starting the mail listeners inside ``beffroi serve`` (on its event loop, beside HTTP)."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from beffroi.mail.protocols.smtp_inbound import inbound_session
from beffroi.mail.protocols.smtp_server import tls_context
from beffroi.mail.protocols.smtp_submission import (
    implicit_tls_submission_session,
    submission_session,
)


async def start_mail_listeners(host: str, options: dict[str, Any]) -> list[tuple[str, Any]]:
    """The SMTP listeners asked for by ``--smtp-port``, ``--submission-port`` and
    ``--submissions-port`` (TLS from the first byte, RFC 8314), each with the line ``serve``
    prints about it."""
    loop = asyncio.get_running_loop()
    started: list[tuple[str, Any]] = []
    shown = f"[{host}]" if ":" in host else host
    for option, factory, label in (
        ("smtp_port", inbound_session, "SMTP (réception)"),
        ("submission_port", submission_session, "SMTP (envoi authentifié)"),
        ("submissions_port", implicit_tls_submission_session, "SMTP (envoi authentifié, TLS)"),
    ):
        port = options.get(option)
        if port is None:
            continue
        implicit = option == "submissions_port"
        context = tls_context() if implicit else None
        if implicit and context is None:
            for _line, opened in started:
                opened.close()
            raise OSError(
                "--submissions-port demande un certificat (BEFFROI_MAIL_TLS_CERT_FILE et "
                "BEFFROI_MAIL_TLS_KEY_FILE)"
            )
        try:
            server = await loop.create_server(
                partial(factory, loop=loop), host=host, port=port, ssl=context
            )
        except OSError:
            for _line, opened in started:
                opened.close()
            raise
        started.append((f"{label} écoute sur {shown}:{port}", server))
    return started
