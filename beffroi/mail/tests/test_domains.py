"""Mail domains: added once, in their ASCII form, with a sealed DKIM key; every agent in the
domain gets a mailbox with the standard folders; a key rotation keeps the old key published."""

from __future__ import annotations

import base64
from datetime import timedelta

import dkim
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.core.errors import NotAllowed
from beffroi.files.blobs.keys import keyring, record_key_id
from beffroi.files.blobs.rotation import rotate_master_key
from beffroi.mail import dkim_keys, queries
from beffroi.mail.actions import do_add_domain, do_rotate_dkim_key, do_submit
from beffroi.mail.actions.domains import DKIM_OVERLAP
from beffroi.mail.addresses import InvalidAddress
from beffroi.mail.errors import DomainExists
from beffroi.mail.models import DkimKey, Folder, Mailbox
from beffroi.mail.store import read_raw
from beffroi.mail.tests.conftest import message

pytestmark = pytest.mark.django_db


def test_adding_a_domain_gives_its_agents_a_mailbox(domain, agent_voirie, maire):
    """Each agent whose address is in the domain gets a personal mailbox with six folders."""
    mailbox = Mailbox.objects.get(owner=agent_voirie)
    assert mailbox.address == "agent.voirie@ville-exemple.fr"
    assert mailbox.kind == Mailbox.Kind.PERSONAL
    assert mailbox.domain == domain
    roles = dict(Folder.objects.filter(mailbox=mailbox).values_list("name", "special_use"))
    assert roles == {
        "INBOX": "inbox",
        "Brouillons": "drafts",
        "Envoyés": "sent",
        "Archives": "archive",
        "Indésirables": "junk",
        "Corbeille": "trash",
    }
    assert Mailbox.objects.filter(domain=domain).count() == 5
    event = AuditEvent.objects.get(action="mail.domain_added")
    assert event.details["mailboxes"] == 5


def test_a_domain_is_kept_in_its_ascii_form(db):
    """An internationalised name is stored as IDNA, in lower case, and found either way."""
    domain = do_add_domain("Mairie-Évry.FR")
    assert domain.name == "xn--mairie-vry-h7a.fr"
    with pytest.raises(DomainExists):
        do_add_domain("mairie-évry.fr")


@pytest.mark.parametrize("name", ["", "localhost", "exa mple.fr", "-bad.fr", "a..fr"])
def test_a_malformed_domain_is_refused(db, name):
    """A name that is not a domain is refused before anything is written."""
    with pytest.raises(InvalidAddress):
        do_add_domain(name)
    assert not DkimKey.objects.exists()


def test_only_an_administrator_adds_a_domain(agent_voirie):
    """An agent who is not an administrator may not add a domain."""
    with pytest.raises(NotAllowed):
        do_add_domain("ville-exemple.fr", acting=agent_voirie)


def test_the_dkim_private_key_is_sealed_at_rest(domain):
    """The stored private key is not a PEM, opens with the master key, and matches the
    published public key."""
    key = queries.signing_key(domain)
    assert key is not None
    assert b"PRIVATE KEY" not in bytes(key.sealed_private_key)
    pem = dkim_keys.private_key_pem(key.wrapped_key, key.sealed_private_key)
    private = serialization.load_pem_private_key(pem, password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert dkim_keys.dns_record(key.public_key).endswith(key.public_key)
    assert base64.b64decode(key.public_key) == public


def test_a_rotation_keeps_the_old_key_published_during_the_overlap(domain):
    """After a rotation the new key signs, both are published, and after the overlap only the
    new one is."""
    old = queries.signing_key(domain)
    new = do_rotate_dkim_key(domain)
    assert queries.signing_key(domain) == new
    assert new.selector != old.selector
    assert {key.selector for key in queries.published_keys(domain)} == {old.selector, new.selector}
    with time_machine.travel(timezone.now() + DKIM_OVERLAP + timedelta(hours=1)):
        assert [key.selector for key in queries.published_keys(domain)] == [new.selector]
    assert AuditEvent.objects.filter(action="mail.dkim_key_rotated").count() == 1


def test_a_master_key_rotation_rewraps_the_dkim_keys(domain):
    """After ``beffroi keys rotate`` (old master key gone), the DKIM key still opens."""
    key = queries.signing_key(domain)
    pem = dkim_keys.private_key_pem(key.wrapped_key, key.sealed_private_key)
    rotate_master_key()
    key.refresh_from_db()
    assert len(keyring().keys) == 1
    assert record_key_id(bytes(key.wrapped_key)) == keyring().current_id
    assert dkim_keys.private_key_pem(key.wrapped_key, key.sealed_private_key) == pem


def test_mail_leaving_is_signed_with_the_domain_key(domain, agent_voirie):
    """A message submitted for an outside recipient is queued with a DKIM signature that
    dkimpy verifies against the domain's published key; a tampered copy fails."""
    raw = message(sender="agent.voirie@ville-exemple.fr", to="contact@ailleurs.example")
    queued = do_submit(
        raw, "agent.voirie@ville-exemple.fr", [], ["contact@ailleurs.example"], agent=agent_voirie
    )
    signed = read_raw(queued.blob_id)
    key = queries.signing_key(domain)

    def dns(name: bytes, timeout: float = 5) -> bytes:
        assert name == f"{key.selector}._domainkey.{domain.name}.".encode()
        return dkim_keys.dns_record(key.public_key).encode()

    assert signed.startswith(b"DKIM-Signature:")
    assert signed.endswith(raw)
    assert dkim.verify(signed, dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"rappeler", b"virer"), dnsfunc=dns)
