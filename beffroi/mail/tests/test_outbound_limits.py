"""Per-agent sending limits at submission, and Beffroi's own mail (``core.outbound``) going
through the organisation's mail service when it has a domain."""

from __future__ import annotations

import asyncio

import pytest
from aiosmtpd.smtp import Envelope, Session
from django.core import mail

from beffroi.conf.mail import SmtpRelay
from beffroi.core.outbound import deliver_mail
from beffroi.mail.models import Message, QueuedMessage
from beffroi.mail.protocols.smtp_submission import SubmissionHandler
from beffroi.mail.store import read_raw

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_over_the_hourly_limit_is_deferred(
    domain, agent_voirie, agent_finances, settings, protocol_connections
):
    """BEFFROI_MAIL_SEND_LIMIT_PER_HOUR recipients an hour, local or not; the one past it gets
    451 4.7.1; another agent is not affected."""
    settings.MAIL_SEND_LIMIT_PER_HOUR = 3
    handler = SubmissionHandler()

    async def rcpt(agent, address: str, envelope: Envelope) -> str:
        session = Session(asyncio.get_running_loop())
        session.auth_data = agent
        return await handler.handle_RCPT(None, session, envelope, address, [])  # type: ignore[arg-type]

    async def attempts() -> list[str]:
        envelope = Envelope()
        replies = [
            await rcpt(agent_voirie, address, envelope)
            for address in (
                "maire@ville-exemple.fr", "a@exterieur.example", "b@exterieur.example",
                "c@exterieur.example",
            )
        ]  # fmt: skip
        return [*replies, await rcpt(agent_finances, "a@exterieur.example", Envelope())]

    replies = asyncio.run(attempts())
    assert replies[:3] == ["250 2.1.5 OK"] * 3
    assert replies[3].startswith("451 4.7.1")
    assert replies[4] == "250 2.1.5 OK"


def _payload(from_email: str, to: list[str]) -> dict[str, object]:
    return {
        "subject": "Réinitialisation du mot de passe",
        "body": "Suivez ce lien pour choisir un nouveau mot de passe.",
        "content_subtype": "plain",
        "from_email": from_email,
        "to": to,
        "cc": [],
        "bcc": [],
        "reply_to": [],
        "headers": {},
        "alternatives": [],
    }


def test_mail_from_a_local_domain_goes_through_the_mail_service(domain, settings):
    """A local recipient gets it in their INBOX at once, an outside one through the queue,
    DKIM-signed; Django's backend sends nothing."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMTP_RELAY = SmtpRelay(host="relais.example", port=587, security="starttls")
    deliver_mail.call(
        _payload(
            "Mairie <no-reply@ville-exemple.fr>",
            ["agent.voirie@ville-exemple.fr", "citoyen@exterieur.example"],
        )
    )
    assert mail.outbox == []
    [local] = Message.objects.filter(folder__mailbox__address="agent.voirie@ville-exemple.fr")
    assert local.subject == "Réinitialisation du mot de passe"
    [queued] = QueuedMessage.objects.all()
    assert queued.recipients == ["citoyen@exterieur.example"]
    assert queued.envelope_sender == "no-reply@ville-exemple.fr"
    assert read_raw(queued.blob_id).startswith(b"DKIM-Signature:")


def test_mail_from_elsewhere_keeps_the_relay(domain, settings):
    """With a relay and a From: outside the local domains, Django's backend sends it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMTP_RELAY = SmtpRelay(host="relais.example", port=587, security="starttls")
    deliver_mail.call(_payload("Beffroi <no-reply@prestataire.example>", ["a@exterieur.example"]))
    assert len(mail.outbox) == 1
    assert not QueuedMessage.objects.exists()


def test_without_a_relay_a_local_domain_takes_it(domain, settings):
    """No relay configured but a local domain: the mail service sends it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMTP_RELAY = None
    deliver_mail.call(_payload("Beffroi <no-reply@localhost>", ["a@exterieur.example"]))
    assert mail.outbox == []
    assert QueuedMessage.objects.get().recipients == ["a@exterieur.example"]


def test_mail_can_leave_through_the_mail_service_once_it_has_a_way_out(db, settings):
    """Without a relay, mail Beffroi sends (digests, invitations) can leave only when the
    organisation has a domain and a route: a smarthost, or resolvers for the MX."""
    from beffroi.conf.mail import SmtpRelay
    from beffroi.core.outbound import mail_can_leave
    from beffroi.mail.actions import do_add_domain

    settings.OUTBOUND_MAIL_ENABLED = False
    settings.MAIL_SMARTHOST = None
    settings.MAIL_DNS_RESOLVERS = []
    assert not mail_can_leave()
    do_add_domain("ville-exemple.fr")
    assert not mail_can_leave()  # a domain, but no way out
    settings.MAIL_DNS_RESOLVERS = ["127.0.0.1"]
    assert mail_can_leave()
    settings.MAIL_DNS_RESOLVERS = []
    settings.MAIL_SMARTHOST = SmtpRelay(host="127.0.0.1", port=2526, security="none")
    assert mail_can_leave()
