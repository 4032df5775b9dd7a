"""The built-in spam checks at the inbound listener: X-Spam-Score and X-Spam-Status on every
message, Junk above BEFFROI_MAIL_SPAM_JUNK_SCORE, 550 at DATA above the reject score."""

from __future__ import annotations

import asyncio

import pytest
from aiosmtpd.smtp import Envelope, Session

from beffroi.mail.authentication import Verdict
from beffroi.mail.index import parse
from beffroi.mail.models import Message
from beffroi.mail.protocols.smtp_inbound import InboundHandler
from beffroi.mail.spam import builtin_checks, forget_agent_names
from beffroi.mail.store import read_raw

VOIRIE = "agent.voirie@ville-exemple.fr"
OUTSIDE = "habitant@exterieur.example"
NONE = Verdict(b"", "none", "none")


def raw_message(
    *,
    sender: str = f"Habitant <{OUTSIDE}>",
    to: str = VOIRIE,
    subject: str = "Demande de renseignements",
    extra: str = "Message-ID: <a1@exterieur.example>\r\nDate: Mon, 30 Nov 2026 10:00:00 +0100\r\n",
    body: str = "Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour.\r\n",
) -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n{extra}MIME-Version: 1.0\r\n{body}"
    ).encode()


@pytest.fixture(autouse=True)
def _fresh_agent_names():
    """The agents' names are kept a minute per process: each test reads its own."""
    forget_agent_names()
    yield
    forget_agent_names()


ATTACHMENT = (
    'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
    "Voir la facture.\r\n--b\r\nContent-Type: application/octet-stream\r\n"
    'Content-Disposition: attachment; filename="facture.pdf.exe"\r\n\r\n'
    "TVqQAAMAAAAEAAAA\r\n--b--\r\n"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "recipients", "verdict", "expected"),
    [
        (raw_message(), [VOIRIE], NONE, []),
        (raw_message(extra=""), [VOIRIE], NONE, ["MISSING_MESSAGE_ID", "MISSING_DATE"]),
        (raw_message(body=ATTACHMENT), [VOIRIE], NONE, ["EXECUTABLE_ATTACHMENT"]),
        (
            raw_message(subject="URGENT VOTRE COMPTE EST BLOQUE"),
            [VOIRIE],
            NONE,
            ["SUBJECT_ALL_CAPS"],
        ),
        (
            raw_message(to="undisclosed-recipients:;"),
            [f"agent{i}@ville-exemple.fr" for i in range(6)],
            NONE,
            ["BCC_MASS_MAIL"],
        ),
        (
            raw_message(),
            [VOIRIE],
            Verdict(b"", "fail", "none", spf="fail", dkim=("fail",)),
            ["SPF_FAIL", "DKIM_FAIL", "DMARC_FAIL"],
        ),
        (
            raw_message(sender='"Karim Benali" <karim.benali@webmail.example>'),
            [VOIRIE],
            NONE,
            ["FROM_IMPERSONATES_AGENT"],
        ),
        (raw_message(sender='"Karim Benali" <agent.voirie@ville-exemple.fr>'), [VOIRIE], NONE, []),
    ],
    ids=[
        "clean",
        "no-id-no-date",
        "exe",
        "caps",
        "bcc-mass",
        "auth-failures",
        "impersonation",
        "the-agent-himself",
    ],
)
def test_builtin_checks(domain, agent_voirie, raw, recipients, verdict, expected):
    """Each check trips on its case and only there."""
    assert builtin_checks(parse(raw), recipients, verdict, verified=False) == expected


def _deliver(raw: bytes) -> str:
    async def run() -> str:
        session = Session(asyncio.get_running_loop())
        session.peer = ("203.0.113.7", 40000)
        session.host_name = "mx.exterieur.example"
        envelope = Envelope()
        envelope.mail_from = OUTSIDE
        envelope.rcpt_tos = [VOIRIE]
        envelope.original_content = raw
        return await InboundHandler().handle_DATA(None, session, envelope)  # type: ignore[arg-type]

    return asyncio.run(run())


@pytest.mark.django_db(transaction=True)
def test_scores_decide_inbox_junk_or_refusal(domain, agent_voirie, settings, protocol_connections):
    """Clean: INBOX with its score headers; an executable attachment (6): Junk; with the reject
    score lowered to 6: 550 5.7.1 and nothing stored."""
    assert _deliver(raw_message(subject="Propre")).startswith("250")
    assert _deliver(raw_message(subject="Piège", body=ATTACHMENT)).startswith("250")
    clean = Message.objects.get(subject="Propre")
    junk = Message.objects.get(subject="Piège")
    assert (clean.folder.name, junk.folder.name) == ("INBOX", "Indésirables")
    headers = parse(read_raw(junk.blob_id))
    assert headers["X-Spam-Score"] == "6.0"
    assert headers["X-Spam-Status"].startswith("Yes, score=6.0")
    assert "EXECUTABLE_ATTACHMENT" in headers["X-Spam-Status"]
    assert parse(read_raw(clean.blob_id))["X-Spam-Status"].startswith("No, score=0.0")
    settings.MAIL_SPAM_REJECT_SCORE = 6
    assert _deliver(raw_message(subject="Refusé", body=ATTACHMENT)).startswith("550 5.7.1")
    assert not Message.objects.filter(subject="Refusé").exists()


@pytest.mark.django_db(transaction=True)
def test_rspamd_unreachable_leaves_the_builtin_score(
    domain, agent_voirie, settings, protocol_connections, caplog
):
    """rspamd configured but nothing listening: delivered on the built-in score, logged."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAIL_RSPAMD_URL = f"http://127.0.0.1:{port}"
    assert _deliver(raw_message(subject="Sans rspamd")).startswith("250")
    stored = Message.objects.get(subject="Sans rspamd")
    assert stored.folder.name == "INBOX"
    assert "rspamd unreachable" in caplog.text
