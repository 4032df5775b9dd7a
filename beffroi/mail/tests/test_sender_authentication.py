"""SPF, DKIM and DMARC of inbound mail, checked against a DNS server the test runs on
loopback (the only resolver configured), and what the inbound listener does with them."""

from __future__ import annotations

import asyncio
import base64

import dkim
import pytest
from aiosmtpd.smtp import Envelope, Session
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from beffroi.mail.authentication import verify
from beffroi.mail.models import Message
from beffroi.mail.protocols.smtp_inbound import InboundHandler
from beffroi.mail.tests.dns_server import dns_server

SENDER_IP = "192.0.2.10"
RAW = (
    b"From: Service <service@expediteur.example>\r\nTo: agent.voirie@ville-exemple.fr\r\n"
    b"Subject: Facture\r\nDate: Mon, 30 Nov 2026 10:00:00 +0100\r\n"
    b"Message-ID: <f-1@expediteur.example>\r\n\r\nVeuillez trouver la facture.\r\n"
)


def _key() -> tuple[bytes, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, base64.b64encode(der).decode()


PEM, PUBLIC = _key()


def _strings(text: str) -> str:
    """A TXT value as DNS holds it: quoted strings of at most 255 characters."""
    return " ".join(f'"{text[i : i + 255]}"' for i in range(0, len(text), 255))


def records(spf: str = "v=spf1 ip4:192.0.2.0/24 -all", dmarc: str = "v=DMARC1; p=reject"):
    return {
        ("expediteur.example", "TXT"): [f'"{spf}"'],
        ("_dmarc.expediteur.example", "TXT"): [f'"{dmarc}"'],
        ("s1._domainkey.expediteur.example", "TXT"): [_strings(f"v=DKIM1; k=rsa; p={PUBLIC}")],
    }


def signed(raw: bytes = RAW) -> bytes:
    signature = dkim.sign(
        raw, b"s1", b"expediteur.example", PEM, include_headers=[b"from", b"subject"]
    )
    return signature + raw


@pytest.fixture
def resolver(settings):
    def use(table):
        server = dns_server(table)
        address = server.__enter__()
        settings.MAIL_DNS_RESOLVERS = [address]
        return server

    opened = []
    yield lambda table: opened.append(use(table))
    for server in opened:
        server.__exit__(None, None, None)


def test_without_resolvers_nothing_is_checked(settings):
    """No resolver configured: « none », and no DNS query is made."""
    settings.MAIL_DNS_RESOLVERS = []
    verdict = verify(signed(), "service@expediteur.example", "mx.expediteur.example", SENDER_IP)
    assert verdict.header == b"Authentication-Results: localhost; none\r\n"
    assert verdict.dmarc == "none"


def test_a_signed_message_from_an_allowed_address_passes(resolver):
    """SPF, DKIM and DMARC all pass for a signed message from the domain's network."""
    resolver(records())
    verdict = verify(signed(), "service@expediteur.example", "mx", SENDER_IP)
    text = verdict.header.decode()
    assert "spf=pass smtp.mailfrom=expediteur.example" in text
    assert "dkim=pass header.d=expediteur.example" in text
    assert "dmarc=pass header.from=expediteur.example" in text


def test_a_tampered_body_fails_dkim(resolver):
    """The body changed after signing: dkim=fail."""
    resolver(records())
    tampered = signed().replace(b"la facture", b"le RIB modifie")
    verdict = verify(tampered, "service@expediteur.example", "mx", SENDER_IP)
    assert "dkim=fail" in verdict.header.decode()


def test_spf_results(resolver):
    """An address outside the record: fail with -all, softfail with ~all."""
    resolver(records(spf="v=spf1 ip4:198.51.100.0/24 include:relais.example ~all"))
    verdict = verify(RAW, "service@expediteur.example", "mx", SENDER_IP)
    assert "spf=softfail" in verdict.header.decode()


def test_dmarc_fails_without_an_aligned_pass(resolver):
    """Unsigned, from an address SPF refuses: DMARC fails and the domain asks to reject."""
    resolver(records())
    verdict = verify(RAW, "service@expediteur.example", "mx", "203.0.113.99")
    assert (verdict.dmarc, verdict.policy) == ("fail", "reject")
    assert "spf=fail" in verdict.header.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("policy", "reply", "folder"), [
    ("reject", "550 5.7.1", None),
    ("quarantine", "250", "Indésirables"),
    ("none", "250", "INBOX"),
])  # fmt: skip
def test_the_listener_honours_the_dmarc_policy(
    domain, resolver, protocol_connections, policy, reply, folder
):
    """A DMARC failure: refused for p=reject, into Junk for p=quarantine, INBOX otherwise."""
    resolver(records(dmarc=f"v=DMARC1; p={policy}"))

    async def deliver() -> str:
        session = Session(asyncio.get_running_loop())
        session.peer = ("203.0.113.99", 40000)
        session.host_name = "mx.expediteur.example"
        envelope = Envelope()
        envelope.mail_from = "service@expediteur.example"
        envelope.rcpt_tos = ["agent.voirie@ville-exemple.fr"]
        envelope.original_content = RAW
        return await InboundHandler().handle_DATA(None, session, envelope)  # type: ignore[arg-type]

    assert asyncio.run(deliver()).startswith(reply)
    stored = list(Message.objects.values_list("folder__name", flat=True))
    assert stored == ([folder] if folder else [])
