"""A mailbox over an agent's career (given on arrival, handed over or shared on departure) and
quotas at the inbound listener: 452 4.2.2 at RCPT when the announced size does not fit, and at
DATA a full mailbox never costs the other recipients their copy."""

from __future__ import annotations

import asyncio
from io import StringIO

import pytest
from aiosmtpd.smtp import Envelope, Session
from django.core.management import call_command
from django.core.management.base import CommandError

from beffroi.audit.models import AuditEvent
from beffroi.core.errors import InvalidInput
from beffroi.directory.actions import NewAgent, do_create_agent, do_update_profile
from beffroi.directory.models import Agent
from beffroi.mail.access import access_mailboxes, access_sending_addresses
from beffroi.mail.actions.lifecycle import do_convert_to_shared, do_hand_over_mailbox
from beffroi.mail.models import Mailbox, Message
from beffroi.mail.protocols.smtp_inbound import InboundHandler
from beffroi.mail.tests.conftest import message

VOIRIE = "agent.voirie@ville-exemple.fr"
ELU = "elu@ville-exemple.fr"
OUTSIDE = "habitant@exterieur.example"


@pytest.mark.django_db
def test_an_agent_created_in_a_served_domain_gets_a_mailbox(domain, maire):
    """Created after the domain was added: the mailbox comes with the account, audited."""
    agent = do_create_agent(
        NewAgent(username="nouvelle", password=None, email="Nouvelle@Ville-Exemple.fr"),
        acting=maire,
    )
    mailbox = Mailbox.objects.get(owner=agent)
    assert mailbox.address == "nouvelle@ville-exemple.fr"
    assert mailbox.folders.filter(special_use="inbox").exists()
    assert AuditEvent.objects.filter(action="mail.mailbox_created", actor_id=str(maire.pk)).exists()


@pytest.mark.django_db
def test_an_address_elsewhere_gets_none_until_it_is_ours(domain, maire):
    """An address outside our domains: no mailbox; given one of ours later: the mailbox."""
    agent = do_create_agent(
        NewAgent(username="stagiaire", password=None, email="stagiaire@ailleurs.example"),
        acting=maire,
    )
    assert not Mailbox.objects.filter(owner=agent).exists()
    do_update_profile(agent, {"email": "stagiaire@ville-exemple.fr"}, acting=maire)
    assert Mailbox.objects.get(owner=agent).address == "stagiaire@ville-exemple.fr"


@pytest.fixture
def departed(agent_voirie) -> Agent:
    agent_voirie.status = Agent.Status.DEPARTED
    agent_voirie.save(update_fields=["status"])
    return agent_voirie


@pytest.mark.django_db
def test_a_departed_agents_mailbox_is_handed_over(domain, departed, elu, maire):
    """The successor reads it and sends as its address."""
    mailbox = Mailbox.objects.get(owner=departed)
    do_hand_over_mailbox(mailbox, elu, acting=maire)
    assert mailbox in access_mailboxes(elu)
    assert VOIRIE in access_sending_addresses(elu).as_self
    assert AuditEvent.objects.filter(action="mail.mailbox_handed_over").exists()


@pytest.mark.django_db
def test_a_present_agents_mailbox_stays_theirs(domain, agent_voirie, elu, maire):
    mailbox = Mailbox.objects.get(owner=agent_voirie)
    with pytest.raises(InvalidInput):
        do_hand_over_mailbox(mailbox, elu, acting=maire)
    with pytest.raises(InvalidInput):
        do_convert_to_shared(mailbox, acting=maire)
    assert Mailbox.objects.get(pk=mailbox.pk).owner == agent_voirie


@pytest.mark.django_db
def test_the_command_turns_it_into_a_shared_mailbox(domain, departed):
    """``beffroi mail mailbox convert-to-shared``: same address and messages, no owner; mail
    keeps arriving."""
    from beffroi.mail.actions import do_deliver

    do_deliver(message(subject="Avant"), OUTSIDE, [VOIRIE])
    output = StringIO()
    call_command("mail", "mailbox", "convert-to-shared", "agent.voirie", stdout=output)
    assert "boîte partagée" in output.getvalue()
    mailbox = Mailbox.objects.get(address=VOIRIE)
    assert (mailbox.kind, mailbox.owner) == (Mailbox.Kind.SHARED, None)
    do_deliver(message(subject="Après"), OUTSIDE, [VOIRIE])
    assert Message.objects.filter(folder__mailbox=mailbox).count() == 2
    assert AuditEvent.objects.filter(action="mail.mailbox_converted_to_shared").exists()
    with pytest.raises(CommandError):
        call_command("mail", "mailbox", "convert-to-shared", "agent.voirie", stdout=output)


def _session() -> Session:
    session = Session(asyncio.get_running_loop())
    session.peer = ("203.0.113.7", 40000)
    session.host_name = "mx.exterieur.example"
    return session


def rcpt(address: str, size: int | None) -> str:
    async def run() -> str:
        envelope = Envelope()
        envelope.mail_from = OUTSIDE
        if size is not None:
            envelope.mail_options = [f"SIZE={size}"]
        return await InboundHandler().handle_RCPT(None, _session(), envelope, address, [])  # type: ignore[arg-type]

    return asyncio.run(run())


def data(recipients: list[str], raw: bytes) -> str:
    async def run() -> str:
        envelope = Envelope()
        envelope.mail_from = OUTSIDE
        envelope.rcpt_tos = recipients
        envelope.original_content = raw
        return await InboundHandler().handle_DATA(None, _session(), envelope)  # type: ignore[arg-type]

    return asyncio.run(run())


@pytest.mark.django_db(transaction=True)
def test_rcpt_refuses_a_size_that_does_not_fit(domain, agent_voirie, protocol_connections):
    """SIZE announced over what is left: 452 4.2.2 (try later); a size that fits: 250."""
    Mailbox.objects.filter(owner=agent_voirie).update(quota_bytes=10_000, used_bytes=9_000)
    assert rcpt(VOIRIE, 5_000).startswith("452 4.2.2")
    assert rcpt(VOIRIE, 500).startswith("250")
    Mailbox.objects.filter(owner=agent_voirie).update(used_bytes=10_000)
    assert rcpt(VOIRIE, None).startswith("452 4.2.2")
    assert rcpt(ELU, 5_000).startswith("250")


@pytest.mark.django_db(transaction=True)
def test_a_full_mailbox_does_not_cost_the_others_their_copy(
    domain, agent_voirie, elu, protocol_connections
):
    """At DATA one mailbox is full: the other recipient keeps the message, the sender gets a
    notice (queued outside) naming the full mailbox; nothing delivered twice."""
    Mailbox.objects.filter(owner=agent_voirie).update(quota_bytes=100)
    raw = message(to=f"{VOIRIE}, {ELU}", headers="Message-ID: <m1@exterieur.example>\r\n")
    assert data([VOIRIE, ELU], raw).startswith("250")
    assert list(Message.objects.values_list("folder__mailbox__address", flat=True)) == [ELU]
    from beffroi.mail.models import QueuedMessage
    from beffroi.mail.store import read_raw

    [notice] = QueuedMessage.objects.all()
    assert (notice.envelope_sender, notice.recipients) == ("", [OUTSIDE])
    assert VOIRIE.encode() in read_raw(notice.blob_id)


@pytest.mark.django_db(transaction=True)
def test_all_mailboxes_full_is_a_temporary_refusal(domain, agent_voirie, protocol_connections):
    """No copy can be kept: 452 4.2.2 at DATA, nothing stored, no notice (the client retries)."""
    Mailbox.objects.filter(owner=agent_voirie).update(quota_bytes=100)
    assert data([VOIRIE], message()).startswith("452 4.2.2")
    assert not Message.objects.exists()
