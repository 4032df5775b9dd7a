"""Starting the mail listeners inside ``beffroi serve`` (on its event loop, beside HTTP)."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from beffroi.mail.protocols.smtp_inbound import inbound_session
from beffroi.mail.protocols.smtp_submission import submission_session


async def start_mail_listeners(host: str, options: dict[str, Any]) -> list[tuple[str, Any]]:
    """The SMTP listeners asked for by ``--smtp-port`` and ``--submission-port``, each with
    the line ``serve`` prints about it."""
    loop = asyncio.get_running_loop()
    started: list[tuple[str, Any]] = []
    shown = f"[{host}]" if ":" in host else host
    for option, factory, label in (
        ("smtp_port", inbound_session, "SMTP (réception)"),
        ("submission_port", submission_session, "SMTP (envoi authentifié)"),
    ):
        port = options.get(option)
        if port is None:
            continue
        try:
            server = await loop.create_server(partial(factory, loop=loop), host=host, port=port)
        except OSError:
            for _line, opened in started:
                opened.close()
            raise
        started.append((f"{label} écoute sur {shown}:{port}", server))
    return started
