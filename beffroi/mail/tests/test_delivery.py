"""Delivery into the store: the bytes kept unchanged in an encrypted blob, the index filled,
UIDs and MODSEQs increasing, all or nothing, quotas, and blobs the collector leaves alone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from beffroi.files.blobs import blob_store
from beffroi.files.blobs.collect import collect_garbage
from beffroi.files.models import Blob
from beffroi.mail.access import access_folder, access_message_bytes, access_messages
from beffroi.mail.actions import do_add_alias, do_deliver, do_expunge, do_set_flags
from beffroi.mail.errors import QuotaExceeded, UnknownRecipient
from beffroi.mail.models import Folder, Mailbox, Message
from beffroi.mail.tests.conftest import message

pytestmark = pytest.mark.django_db


def inbox_of(agent) -> Folder:
    return Folder.objects.get(mailbox__owner=agent, special_use="inbox")


def test_a_delivered_message_is_in_the_inbox_byte_for_byte(domain, agent_voirie):
    """The first message gets UID 1, a MODSEQ, and reads back identical."""
    raw = message()
    delivery = do_deliver(raw, "expediteur@exterieur.example", ["agent.voirie@ville-exemple.fr"])
    inbox = access_folder(agent_voirie, Mailbox.objects.get(owner=agent_voirie), "INBOX")
    [stored] = access_messages(agent_voirie, inbox)
    assert stored == delivery.messages[0]
    assert stored.uid == 1
    assert stored.modseq > 1
    assert stored.size == len(raw)
    assert access_message_bytes(agent_voirie, stored) == raw
    inbox.refresh_from_db()
    assert (inbox.uidnext, inbox.highestmodseq) == (2, stored.modseq)


def test_the_blob_is_encrypted_on_disk(domain, settings):
    """The message's words are nowhere in the blob store's files."""
    do_deliver(
        message(body="Mot de passe du portail : tournesol\r\n"), "", ["elu@ville-exemple.fr"]
    )
    files = [path for path in settings.FILES_BLOB_DIR.rglob("*") if path.is_file()]
    assert files
    assert all(b"tournesol" not in path.read_bytes() for path in files)


def test_the_index_holds_the_headers(domain):
    """Subject, addresses, date and Message-ID are indexed, decoded."""
    raw = message(
        subject="=?utf-8?q?Permis_de_construire_=C3=A0_signer?=",
        headers="Message-ID: <abc@exterieur.example>\r\nCc: Maire <maire@ville-exemple.fr>\r\n",
    )
    [stored] = do_deliver(raw, "", ["agent.voirie@ville-exemple.fr"]).messages
    assert stored.subject == "Permis de construire à signer"
    assert stored.message_id == "<abc@exterieur.example>"
    assert stored.cc == "Maire <maire@ville-exemple.fr>"
    assert stored.sender == "expediteur@exterieur.example"
    assert stored.date is not None
    assert stored.date.isoformat() == "2026-11-30T10:00:00+01:00"
    assert stored.structure == {"type": "text/plain", "charset": "utf-8"}


def test_replies_join_the_thread_of_what_they_answer(domain):
    """A reply (In-Reply-To) and a later message (References) share the first one's thread."""
    to = ["agent.voirie@ville-exemple.fr"]
    [first] = do_deliver(message(headers="Message-ID: <1@x.example>\r\n"), "", to).messages
    [reply] = do_deliver(
        message(headers="Message-ID: <2@x.example>\r\nIn-Reply-To: <1@x.example>\r\n"), "", to
    ).messages
    [later] = do_deliver(
        message(headers="Message-ID: <3@x.example>\r\nReferences: <1@x.example> <2@x.example>\r\n"),
        "",
        to,
    ).messages
    [other] = do_deliver(message(headers="Message-ID: <4@x.example>\r\n"), "", to).messages
    assert first.thread_id == reply.thread_id == later.thread_id
    assert other.thread_id != first.thread_id


@pytest.mark.parametrize(
    "raw",
    [
        b"Subject: =?x-unknown?q?caf=E9?=\r\nFrom: \xff\xfe <a@b>\r\n\r\n\xe9t\xe9\r\n",
        b'Content-Type: text/plain; charset="utf-8\r\nSubject: \x00\r\n\r\nbody',
        b"no headers at all",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n",
    ],
    ids=["unknown-charset", "broken-header", "no-headers", "unterminated-multipart"],
)
def test_broken_messages_are_stored_unchanged(domain, agent_voirie, raw):
    """Broken charsets, headers and MIME never stop a delivery, and the bytes are kept."""
    [stored] = do_deliver(raw, "", ["agent.voirie@ville-exemple.fr"]).messages
    assert access_message_bytes(agent_voirie, stored) == raw


def test_a_mime_tree_100_levels_deep_is_summarised(domain):
    """A pathologically deep MIME tree is stored, its summary cut short."""
    parts = []
    for level in range(100):
        parts.append(f"Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n")
    raw = ("".join(parts) + "Content-Type: text/plain\r\n\r\nfond\r\n").encode()
    [stored] = do_deliver(raw, "", ["agent.voirie@ville-exemple.fr"]).messages
    depth, node = 0, stored.structure
    while node.get("parts"):
        node, depth = node["parts"][0], depth + 1
    assert depth <= 20
    assert node.get("truncated") is True


def test_an_unknown_recipient_delivers_to_no_one(domain):
    """One unknown recipient among known ones: nothing is delivered."""
    with pytest.raises(UnknownRecipient):
        do_deliver(message(), "", ["agent.voirie@ville-exemple.fr", "personne@ville-exemple.fr"])
    assert not Message.objects.exists()


def test_a_full_mailbox_refuses_the_message_for_everyone(domain, agent_voirie):
    """Over one recipient's quota: delivered to no one, quotas unchanged."""
    Mailbox.objects.filter(owner=agent_voirie).update(quota_bytes=100)
    with pytest.raises(QuotaExceeded):
        do_deliver(message(), "", ["elu@ville-exemple.fr", "agent.voirie@ville-exemple.fr"])
    assert not Message.objects.exists()
    assert set(Mailbox.objects.values_list("used_bytes", flat=True)) == {0}


def test_quota_counts_each_message(domain, agent_voirie):
    """The mailbox's use grows with each message until the quota refuses one."""
    raw = message()
    Mailbox.objects.filter(owner=agent_voirie).update(quota_bytes=2 * len(raw))
    to = ["agent.voirie@ville-exemple.fr"]
    do_deliver(raw, "", to)
    do_deliver(raw, "", to)
    with pytest.raises(QuotaExceeded):
        do_deliver(raw, "", to)
    assert Mailbox.objects.get(owner=agent_voirie).used_bytes == 2 * len(raw)


def test_an_alias_and_the_address_deliver_once(domain, agent_voirie):
    """Two recipients reaching the same mailbox give one message."""
    mailbox = Mailbox.objects.get(owner=agent_voirie)
    do_add_alias(mailbox, "voirie@ville-exemple.fr", acting=None)
    delivery = do_deliver(
        message(), "", ["Voirie@Ville-Exemple.fr", "agent.voirie@ville-exemple.fr"]
    )
    assert len(delivery.messages) == 1
    assert delivery.messages[0].folder.mailbox == mailbox


def test_one_message_to_two_mailboxes_is_stored_once(domain):
    """Identical bytes for two recipients: two messages, one blob."""
    delivery = do_deliver(message(), "", ["elu@ville-exemple.fr", "maire@ville-exemple.fr"])
    assert len(delivery.messages) == 2
    assert Blob.objects.count() == 1


def test_the_collector_keeps_a_message_blob(domain, agent_voirie):
    """Past the grace period, a message's blob is kept; once expunged it is collected."""
    raw = message()
    [stored] = do_deliver(raw, "", ["agent.voirie@ville-exemple.fr"]).messages
    collected = collect_garbage(grace=timedelta(0))
    assert collected.blobs == 0
    assert blob_store().exists(stored.blob_id)
    inbox = inbox_of(agent_voirie)
    do_set_flags(agent_voirie, inbox, [stored.uid], add=["deleted"])
    do_expunge(agent_voirie, inbox)
    assert collect_garbage(grace=timedelta(0)).blobs == 1
    assert not blob_store().exists(stored.blob_id)
