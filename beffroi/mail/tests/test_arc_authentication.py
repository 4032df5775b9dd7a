"""Hardening of inbound sender authentication: forged Authentication-Results claiming our
authserv-id removed, ARC chains verified with dkimpy (arc=pass/fail/none) against the test's
DNS server, and DMARC's organisational domain from the Public Suffix List."""

from __future__ import annotations

import asyncio

import dkim
import pytest
from aiosmtpd.smtp import Envelope, Session

from beffroi.mail import public_suffix
from beffroi.mail.authentication import _aligned, strip_forged_results, verify
from beffroi.mail.models import Message
from beffroi.mail.protocols.smtp_inbound import InboundHandler
from beffroi.mail.store import read_raw
from beffroi.mail.tests.test_sender_authentication import (  # noqa: F401 (the fixture)
    PEM,
    RAW,
    SENDER_IP,
    records,
    resolver,
)

FORGED = (
    b"Authentication-Results: localhost;\r\n\tspf=pass smtp.mailfrom=banque.example;\r\n"
    b"\tdkim=pass header.d=banque.example\r\n"
    b"Authentication-Results: (commentaire) LOCALHOST; dmarc=pass\r\n"
    b"Authentication-Results: mx.relais.example; spf=pass\r\n"
)


def test_results_claiming_our_id_are_removed():
    """Ours (in any case, after a comment, folded) go; another server's stay; the body is
    untouched."""
    cleaned = strip_forged_results(FORGED + RAW)
    assert cleaned == b"Authentication-Results: mx.relais.example; spf=pass\r\n" + RAW
    body = b"\r\n\r\nAuthentication-Results: localhost; spf=pass\r\n"
    assert strip_forged_results(b"Subject: x" + body) == b"Subject: x" + body


@pytest.mark.django_db(transaction=True)
def test_the_listener_stores_only_its_own_results(domain, agent_voirie, protocol_connections):
    """A message arriving with forged results keeps one Authentication-Results of ours."""

    async def deliver() -> str:
        session = Session(asyncio.get_running_loop())
        session.peer = ("203.0.113.7", 40000)
        envelope = Envelope()
        envelope.mail_from = "service@expediteur.example"
        envelope.rcpt_tos = ["agent.voirie@ville-exemple.fr"]
        envelope.original_content = FORGED + RAW
        return await InboundHandler().handle_DATA(None, session, envelope)  # type: ignore[arg-type]

    assert asyncio.run(deliver()).startswith("250")
    stored = read_raw(Message.objects.get().blob_id)
    ours = [
        line
        for line in stored.split(b"\r\n")
        if line.lower().startswith(b"authentication-results:")
    ]
    assert ours == [
        b"Authentication-Results: localhost; none",
        b"Authentication-Results: mx.relais.example; spf=pass",
    ]


def sealed(raw: bytes) -> bytes:
    """``raw`` as a forwarder (relais.example's authserv-id) would pass it on: its results,
    then an ARC set signed with the key expediteur.example publishes."""
    with_results = b"Authentication-Results: relais.example; spf=pass\r\n" + raw
    seal = dkim.arc_sign(with_results, b"s1", b"expediteur.example", PEM, b"relais.example")
    return b"".join(seal) + with_results


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (lambda: sealed(RAW), "arc=pass"),
        (lambda: sealed(RAW).replace(b"la facture", b"le RIB"), "arc=fail"),
        (lambda: RAW, "arc=none"),
    ],
    ids=["sealed", "tampered", "no-chain"],
)
def test_arc_chains_are_verified(resolver, raw, expected):  # noqa: F811
    resolver(records())
    verdict = verify(raw(), "service@expediteur.example", "mx", SENDER_IP)
    assert expected in verdict.header.decode()
    assert verdict.arc == expected.partition("=")[2]


@pytest.mark.parametrize(
    ("name", "organisational"),
    [
        ("ville-exemple.fr", "ville-exemple.fr"),
        ("mail.services.ville-exemple.fr", "ville-exemple.fr"),
        ("prefecture.gouv.fr", "prefecture.gouv.fr"),
        ("www.prefecture.gouv.fr", "prefecture.gouv.fr"),
        ("mairie.co.uk", "mairie.co.uk"),
        ("Mail.Mairie.CO.UK.", "mairie.co.uk"),
    ],
)
def test_organisational_domains_come_from_the_public_suffix_list(name, organisational):
    assert public_suffix.organisational_domain(name) == organisational


def test_wildcard_and_exception_rules():
    """``*.ck`` makes every name under ck a suffix, ``!www.ck`` an exception to it."""
    rules = public_suffix.parse_rules("// comment\nfr\n*.ck\n!www.ck\n")
    assert public_suffix.organisational_domain("a.b.mairie.ck", rules) == "b.mairie.ck"
    assert public_suffix.organisational_domain("x.www.ck", rules) == "www.ck"
    assert public_suffix.organisational_domain("a.b.fr", rules) == "b.fr"


def test_alignment_respects_multi_label_suffixes():
    """Two bodies under gouv.fr are different organisations; a subdomain aligns with its own."""
    assert not _aligned("prefecture.gouv.fr", "impots.gouv.fr")
    assert _aligned("mail.ville-exemple.fr", "ville-exemple.fr")
