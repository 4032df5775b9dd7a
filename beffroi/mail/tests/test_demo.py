"""The demo's mail: the commune's domain, a mailbox per agent, urbanisme@ with its delegations,
and a history delivered through the real actions, threaded, partly read, flagged, archived."""

from __future__ import annotations

from beffroi.directory.actions import do_create_first_administrator
from beffroi.directory.demo import DemoCommune, seed_demo
from beffroi.directory.models import Agent
from beffroi.files.models import Blob
from beffroi.mail import access, policies
from beffroi.mail.demo import SHARED, seed_mail
from beffroi.mail.models import Delegation, Folder, Mailbox, Message
from beffroi.mail.store import read_raw


def test_the_demo_brings_mailboxes_a_shared_mailbox_and_a_history(db):
    do_create_first_administrator()
    said: list[str] = []

    commune, _password = seed_demo(say=said.append)

    agents = Agent.objects.filter(email__endswith="@ville-exemple.fr")
    assert Mailbox.objects.filter(owner__in=agents).count() == agents.count() > 100
    shared = Mailbox.objects.get(address=SHARED)
    assert shared.kind == Mailbox.Kind.SHARED
    urbanism = set(
        Agent.objects.filter(memberships__department__code="URBANISME").values_list(
            "username", flat=True
        )
    )
    senders = set(
        Delegation.objects.filter(mailbox=shared, send_as=True).values_list(
            "agent__username", flat=True
        )
    )
    assert senders == urbanism
    [reader] = Delegation.objects.filter(mailbox=shared, send_as=False)
    assert reader.read
    assert not policies.abilities(reader.agent, shared).send_as
    assert shared in access.access_mailboxes(reader.agent)

    messages = Message.objects.all()
    assert 300 <= messages.count() <= 800
    assert messages.filter(folder__mailbox=shared).count() > 50
    assert messages.filter(seen=True).exists()
    assert messages.filter(seen=False).exists()
    assert messages.filter(flagged=True).exists()
    assert messages.filter(folder__special_use=Folder.SpecialUse.ARCHIVE).exists()
    assert messages.filter(folder__special_use=Folder.SpecialUse.SENT).exists()
    # Replies are threaded with the message they answer.
    reply = messages.filter(subject__startswith="RE: Bons de commande enrobé").first()
    assert reply is not None
    assert reply.in_reply_to
    asked = messages.filter(message_id=reply.in_reply_to).first()
    assert asked is not None
    assert reply.references
    # The permit file: its attachment is in the stored bytes, its thread in urbanisme@.
    permit = messages.filter(folder__mailbox=shared, subject__contains="PC 099999 26 00012")
    assert permit.count() == 3
    assert any(b"PCMI3-plan-de-coupe.pdf" in read_raw(m.blob_id) for m in permit)
    # Stored as raw French mail in the blob store, not as rows alone.
    first = messages.filter(subject="Nid-de-poule dangereux").first()
    assert first is not None
    assert Blob.objects.filter(sha256=first.blob_id).exists()
    assert b"Nid-de-poule" in read_raw(first.blob_id)
    assert any(line.startswith("Données de démonstration : messagerie") for line in said)
    assert any("messages remis" in line for line in said)

    # A second pass of the mail seeder adds nothing.
    before = messages.count()
    again: list[str] = []
    seed_mail(DemoCommune(**{**commune.__dict__, "say": again.append}))
    assert Message.objects.count() == before
    assert "rien d'ajouté" in again[0]
