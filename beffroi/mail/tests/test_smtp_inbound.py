"""The inbound listener's checks that need no socket: the recipient rules and the rate per
client address (the whole listener is exercised with swaks in tests/test_smtp_swaks.py)."""

from __future__ import annotations

import asyncio

import pytest
from aiosmtpd.smtp import Envelope, Session

from beffroi.mail.protocols.smtp_inbound import RELAY_DENIED, InboundHandler, recipient_check

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("agent.voirie@ville-exemple.fr", None),
        ("Agent.Voirie@VILLE-EXEMPLE.FR", None),
        ("inconnu@ville-exemple.fr", "550 5.1.1 <inconnu@ville-exemple.fr>"),
        ("quelqu.un@ailleurs.example", RELAY_DENIED),
        ("quelqu.un%ailleurs.example@ville-exemple.fr", RELAY_DENIED),
        ('"a@ailleurs.example"@ville-exemple.fr', RELAY_DENIED),
        ("ailleurs.example!a@ville-exemple.fr", RELAY_DENIED),
        ("pas une adresse", "553 5.1.3"),
    ],
)
def test_recipient_rules(domain, address, expected):
    """Local mailboxes only, whatever the case; relaying tricks refused as relaying."""
    refusal = recipient_check(address)
    if expected is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert refusal.startswith(expected)


def test_a_client_address_over_its_rate_is_deferred(settings, protocol_connections):
    """Past BEFFROI_MAIL_INBOUND_PER_MINUTE messages, MAIL is deferred with 450 4.7.1; another
    address is not affected."""
    settings.MAIL_INBOUND_PER_MINUTE = 3
    handler = InboundHandler()

    async def mail_from(peer: str) -> str:
        session = Session(asyncio.get_running_loop())
        session.peer = (peer, 40000)
        return await handler.handle_MAIL(None, session, Envelope(), "a@b.example", [])  # type: ignore[arg-type]

    async def attempts() -> list[str]:
        first = [await mail_from("203.0.113.7") for _ in range(4)]
        return [*first, await mail_from("203.0.113.8")]

    replies = asyncio.run(attempts())
    assert replies[:3] == ["250 2.1.0 OK"] * 3
    assert replies[3].startswith("450 4.7.1")
    assert replies[4] == "250 2.1.0 OK"
