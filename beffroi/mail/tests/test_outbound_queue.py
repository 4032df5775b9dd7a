"""The outbound queue delivering to a second SMTP server on loopback (the test's peer): by
smarthost and by MX (through the test DNS server), DKIM signatures dkimpy verifies, retries when
the peer is down, bounces for permanent failures and at the end of the queue lifetime, one
domain down retried alone, null MX, STARTTLS, and the blob freed once the message is gone."""

from __future__ import annotations

import email
from datetime import timedelta

import dkim  # type: ignore[import-untyped]
import pytest
from django.utils import timezone

from beffroi.conf.mail import SmtpRelay
from beffroi.files.blobs import blob_store
from beffroi.files.blobs.collect import collect_garbage
from beffroi.mail.actions import do_submit
from beffroi.mail.delivery.runner import run_queue
from beffroi.mail.models import Message, QueuedMessage, QueuedRecipient
from beffroi.mail.store import read_raw
from beffroi.mail.tests.conftest import message
from beffroi.mail.tests.dns_server import dns_server
from beffroi.mail.tests.outbound_peer import (
    Recorder,
    certificate,
    dkim_dns,
    peer,
    server_context,
)
from tests.conftest import free_port

pytestmark = pytest.mark.django_db

SENDER = "agent.voirie@ville-exemple.fr"
OUTSIDE = "destinataire@exterieur.example"


def submit(agent, *recipients: str, subject: str = "Dossier de voirie") -> QueuedMessage:
    raw = message(sender=SENDER, to=", ".join(recipients), subject=subject)
    queued = do_submit(raw, SENDER, [], list(recipients), agent=agent)
    assert queued is not None
    return queued


def later(minutes: float) -> timezone.datetime:
    return timezone.now() + timedelta(minutes=minutes)


def bounces_of(agent) -> list[Message]:
    return list(
        Message.objects.filter(folder__mailbox__owner=agent, folder__special_use="inbox").filter(
            envelope_sender=""
        )
    )


@pytest.fixture
def smarthost(settings) -> int:
    port = free_port()
    settings.MAIL_SMARTHOST = SmtpRelay(host="127.0.0.1", port=port, security="none")
    return port


@pytest.fixture
def mx(settings):
    """exterieur.example's MX is 127.0.0.1 on a free port (BEFFROI_MAIL_MX_PORT)."""
    records = {
        ("exterieur.example", "MX"): ["10 mx.exterieur.example."],
        ("mx.exterieur.example", "A"): ["127.0.0.1"],
    }
    with dns_server(records) as address:
        settings.MAIL_DNS_RESOLVERS = [address]
        settings.MAIL_MX_PORT = free_port()
        yield records


def test_through_the_smarthost_byte_for_byte_with_a_valid_dkim_signature(
    domain, agent_voirie, smarthost
):
    """The peer gets the queued bytes unchanged, signed for ville-exemple.fr; the queue empties
    and the blob can then be collected."""
    queued = submit(agent_voirie, OUTSIDE)
    stored = read_raw(queued.blob_id)
    with peer(smarthost, Recorder()) as recorder:
        assert run_queue() == 1
    [received] = recorder.received
    assert received.sender == SENDER
    assert received.recipients == [OUTSIDE]
    assert received.raw == stored
    assert received.raw.startswith(b"DKIM-Signature:")
    assert dkim.verify(received.raw, dnsfunc=dkim_dns(domain))
    assert not QueuedMessage.objects.exists()
    assert collect_garbage(grace=timedelta(0)).blobs == 1
    assert not blob_store().exists(queued.blob_id)


def test_a_tampered_message_does_not_verify(domain, agent_voirie, smarthost):
    """The DKIM check in these tests can fail: a changed body does not verify."""
    submit(agent_voirie, OUTSIDE)
    with peer(smarthost, Recorder()) as recorder:
        run_queue()
    tampered = recorder.received[0].raw.replace(b"rappeler", b"rembourser")
    assert not dkim.verify(tampered, dnsfunc=dkim_dns(domain))


def test_by_mx_with_starttls_when_offered(domain, agent_voirie, mx, tmp_path, settings):
    """The MX found through the resolvers gets the message over STARTTLS (opportunistic: its
    self-signed certificate is accepted), signed."""
    submit(agent_voirie, OUTSIDE)
    tls = server_context(*certificate(tmp_path, "mx.exterieur.example"))
    with peer(settings.MAIL_MX_PORT, Recorder(), tls=tls) as recorder:
        assert run_queue() == 1
    [received] = recorder.received
    assert received.tls
    assert received.recipients == [OUTSIDE]
    assert dkim.verify(received.raw, dnsfunc=dkim_dns(domain))
    assert not QueuedMessage.objects.exists()


def test_through_a_smarthost_on_smtps_whose_certificate_is_checked(
    domain, agent_voirie, settings, tmp_path, monkeypatch
):
    """smtps:// (TLS from the first byte): delivered when the relay's certificate is trusted;
    with a certificate nobody vouches for, the message waits (a temporary failure)."""
    port = free_port()
    settings.MAIL_SMARTHOST = SmtpRelay(host="localhost", port=port, security="tls")
    cert, key = certificate(tmp_path, "localhost")
    tls = server_context(cert, key)
    submit(agent_voirie, OUTSIDE)
    with peer(port, Recorder(), implicit_tls=tls) as recorder:
        run_queue()
        assert recorder.received == []
        queued = QueuedMessage.objects.get()
        assert "certificate" in queued.last_error.lower()
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        QueuedMessage.objects.update(next_attempt_at=timezone.now())
        assert run_queue() == 1
    [received] = recorder.received
    assert dkim.verify(received.raw, dnsfunc=dkim_dns(domain))
    assert not QueuedMessage.objects.exists()


def test_peer_down_waits_then_delivers_exactly_once(domain, agent_voirie, smarthost):
    """Down: queued with a last error and a next attempt; up again and time advanced: delivered
    once, and further runs send nothing more."""
    queued = submit(agent_voirie, OUTSIDE)
    assert run_queue() == 1
    queued.refresh_from_db()
    assert queued.attempts == 1
    assert "ConnectionRefusedError" in queued.last_error
    assert queued.next_attempt_at > timezone.now()
    assert queued.claimed_until is None
    assert run_queue() == 0  # not due yet
    with peer(smarthost, Recorder()) as recorder:
        assert run_queue(later(2)) == 1
        assert run_queue(later(600)) == 0
    assert len(recorder.received) == 1
    assert not QueuedMessage.objects.exists()
    assert bounces_of(agent_voirie) == []


def test_a_permanent_refusal_bounces_to_the_sender(domain, agent_voirie, smarthost):
    """550: a multipart/report lands in the sender's INBOX (human part in French and English,
    the delivery-status part, the original headers); the queue is empty; nothing sent twice."""
    refusal = "550 5.1.1 <destinataire@exterieur.example>: no such user"
    queued = submit(agent_voirie, OUTSIDE, subject="Arrêté de circulation")
    with peer(smarthost, Recorder(refuse={OUTSIDE: refusal})) as recorder:
        run_queue()
        run_queue(later(600))
    assert recorder.received == []
    assert not QueuedMessage.objects.exists()
    [bounce] = bounces_of(agent_voirie)
    raw = read_raw(bounce.blob_id)
    parsed = email.message_from_bytes(raw)
    assert parsed.get_content_type() == "multipart/report"
    assert parsed.get_param("report-type") == "delivery-status"
    assert parsed["Auto-Submitted"] == "auto-replied"
    human, status, headers = parsed.get_payload()
    text = human.get_payload(decode=True).decode()
    assert "n'a pas pu être remis" in text
    assert "could not be delivered" in text
    assert OUTSIDE in text
    assert status.get_content_type() == "message/delivery-status"
    report = status.as_string()
    assert f"Final-Recipient: rfc822; {OUTSIDE}" in report
    assert "Action: failed" in report
    assert "Status: 5.1.1" in report
    assert "no such user" in report
    assert headers.get_content_type() == "text/rfc822-headers"
    assert read_raw(queued.blob_id).split(b"\r\n\r\n")[0] in raw
    assert "Arrêté de circulation" in bounce.subject


def test_a_temporary_refusal_is_retried_then_bounces_when_the_lifetime_ends(
    domain, agent_voirie, smarthost, settings
):
    """451: retried with back-off; after BEFFROI_MAIL_QUEUE_LIFETIME_HOURS, a failed bounce
    (status 4.4.7) and the message leaves the queue."""
    settings.MAIL_QUEUE_LIFETIME_HOURS = 2
    queued = submit(agent_voirie, OUTSIDE)
    with peer(smarthost, Recorder(refuse={OUTSIDE: "451 4.3.0 try again later"})) as recorder:
        run_queue()
        queued.refresh_from_db()
        assert queued.attempts == 1
        assert "451 4.3.0 try again later" in queued.last_error
        first_next = queued.next_attempt_at
        run_queue(later(2))
        queued.refresh_from_db()
        assert queued.attempts == 2
        assert queued.next_attempt_at - later(2) > timedelta(minutes=4)
        assert queued.next_attempt_at > first_next
        assert bounces_of(agent_voirie) == []
        run_queue(later(121))
    assert recorder.received == []
    assert not QueuedMessage.objects.exists()
    [bounce] = bounces_of(agent_voirie)
    raw = read_raw(bounce.blob_id)
    assert b"Status: 4.4.7" in raw
    assert b"Action: failed" in raw


def test_only_the_domain_that_is_down_is_retried(domain, agent_voirie, mx, settings):
    """Two domains: one delivered at once, the other (its MX unreachable) retried alone and
    delivered when it comes back; each recipient gets the message once."""
    mx[("autre.example", "MX")] = ["10 mx.autre.example."]
    mx[("mx.autre.example", "AAAA")] = ["::1"]  # nothing listens there
    other = "service@autre.example"
    queued = submit(agent_voirie, OUTSIDE, other)
    with peer(settings.MAIL_MX_PORT, Recorder()) as recorder:
        run_queue()
        states = dict(queued.recipient_states.values_list("address", "state"))
        assert states == {OUTSIDE: "delivered", other: "pending"}
        del mx[("mx.autre.example", "AAAA")]
        mx[("mx.autre.example", "A")] = ["127.0.0.1"]
        run_queue(later(2))
    assert [r.recipients for r in recorder.received] == [[OUTSIDE], [other]]
    assert not QueuedMessage.objects.exists()


def test_a_null_mx_fails_at_once(domain, agent_voirie, mx):
    """RFC 7505: ``0 .`` means the domain takes no mail: a bounce, no retry."""
    mx[("exterieur.example", "MX")] = ["0 ."]
    submit(agent_voirie, OUTSIDE)
    run_queue()
    assert not QueuedMessage.objects.exists()
    [bounce] = bounces_of(agent_voirie)
    assert b"Status: 5.1.10" in read_raw(bounce.blob_id)


def test_without_smarthost_nor_resolvers_the_message_waits(domain, agent_voirie, settings):
    """Nothing leaves without a configured route: a temporary failure the queue shows."""
    settings.MAIL_DNS_RESOLVERS = []
    queued = submit(agent_voirie, OUTSIDE)
    run_queue()
    queued.refresh_from_db()
    assert "BEFFROI_MAIL_DNS_RESOLVERS" in queued.last_error
    assert queued.recipient_states.get().state == QueuedRecipient.State.PENDING


def test_a_delay_notice_goes_once_after_four_hours(domain, agent_voirie, smarthost):
    """Still undelivered after 4 h: one "delayed" notice, not one per attempt."""
    queued = submit(agent_voirie, OUTSIDE)
    run_queue()
    assert bounces_of(agent_voirie) == []
    run_queue(later(4 * 60 + 1))
    run_queue(later(8 * 60))
    [notice] = bounces_of(agent_voirie)
    raw = read_raw(notice.blob_id)
    assert b"Action: delayed" in raw
    queued.refresh_from_db()
    assert queued.delay_notified


def test_a_bounce_never_answers_a_bounce(domain, agent_voirie, smarthost):
    """A queued message with an empty envelope sender that fails makes no notification."""
    queued = submit(agent_voirie, OUTSIDE)
    QueuedMessage.objects.filter(pk=queued.pk).update(envelope_sender="")
    with peer(smarthost, Recorder(refuse={OUTSIDE: "550 5.1.1 no such user"})):
        run_queue()
    assert not QueuedMessage.objects.exists()
    assert bounces_of(agent_voirie) == []
