"""The webmail's actions and reads without the web: assignment rules, sending rules, the
Drive links (chosen files and large uploads), and the mail search source's access rule."""

from __future__ import annotations

import pytest
from django.test import override_settings

from beffroi.core.errors import InvalidInput, NotAllowed, NotFound
from beffroi.files.access.nodes import access_root
from beffroi.files.actions.nodes import do_open_personal_space, do_upload
from beffroi.files.models import Node, PublicLink
from beffroi.mail.access import access_conversations, access_delegates
from beffroi.mail.actions import do_create_shared_mailbox, do_deliver, do_grant_delegation
from beffroi.mail.actions.compose import SENT_ATTACHMENTS_FOLDER, Composition, do_send
from beffroi.mail.actions.conversations import do_assign, do_delete
from beffroi.mail.index import parse
from beffroi.mail.models import Folder, Message, QueuedMessage
from beffroi.mail.store import read_raw
from beffroi.mail.tests.conftest import message
from beffroi.search.access import access_search

pytestmark = pytest.mark.django_db

VOIRIE = "agent.voirie@ville-exemple.fr"
FINANCES = "agent.finances@ville-exemple.fr"
URBANISME = "urbanisme@ville-exemple.fr"


@pytest.fixture
def urbanisme(domain, agent_voirie, agent_finances):
    shared = do_create_shared_mailbox(URBANISME, "Urbanisme", acting=None)
    do_grant_delegation(shared, agent_voirie, read=True, send_as=True, acting=None)
    do_grant_delegation(shared, agent_finances, read=True, acting=None)
    return shared


def _thread(to: str, subject: str = "Demande") -> Message:
    return do_deliver(message(to=to, subject=subject), "", [to]).messages[0]


def test_only_a_delegate_assigns_and_only_to_a_delegate(
    urbanisme, agent_voirie, agent_finances, elu
):
    found = _thread(URBANISME)
    with pytest.raises(NotFound):
        do_assign(elu, urbanisme, found.thread_id, assignee=agent_voirie, status="a_traiter")
    with pytest.raises(InvalidInput):
        do_assign(agent_voirie, urbanisme, found.thread_id, assignee=elu, status="a_traiter")
    with pytest.raises(InvalidInput):
        do_assign(agent_voirie, urbanisme, found.thread_id, assignee=None, status="fini")
    assignment = do_assign(
        agent_finances, urbanisme, found.thread_id, assignee=agent_voirie, status="traite"
    )
    assert assignment.assignee == agent_voirie
    rows, total = access_conversations(agent_voirie, found.folder)
    assert total == 1
    assert rows[0].assignment == assignment
    assert {a.username for a in access_delegates(agent_voirie, urbanisme)} == {
        "agent.voirie",
        "agent.finances",
    }


def test_a_conversation_of_another_mailbox_cannot_be_assigned(urbanisme, agent_voirie):
    elsewhere = _thread(FINANCES)
    with pytest.raises(NotFound):
        do_assign(agent_voirie, urbanisme, elsewhere.thread_id, assignee=None, status="en_cours")


def test_send_as_through_the_action(urbanisme, agent_voirie, agent_finances):
    sent = do_send(agent_voirie, Composition(sender=URBANISME, to=FINANCES, subject="Avis"))
    assert sent.mailbox == urbanisme
    assert parse(sent.raw)["From"].addresses[0].addr_spec == URBANISME
    with pytest.raises(NotAllowed):
        do_send(agent_finances, Composition(sender=URBANISME, to=VOIRIE, subject="Non"))
    assert Message.objects.filter(folder__mailbox=urbanisme, subject="Avis").count() == 1
    assert not Message.objects.filter(subject="Non").exists()


def test_a_reply_marks_the_message_answered_in_its_thread(domain, agent_voirie):
    asked = do_deliver(
        message(subject="Question", headers="Message-ID: <question-1@exterieur.example>\r\n"),
        "",
        [VOIRIE],
    ).messages[0]
    do_send(
        agent_voirie,
        Composition(
            sender=VOIRIE,
            to=FINANCES,
            subject="Re : Question",
            in_reply_to=asked.message_id,
            references=[asked.message_id],
        ),
    )
    asked.refresh_from_db()
    assert asked.answered
    sent = Message.objects.get(folder__special_use=Folder.SpecialUse.SENT)
    assert sent.thread_id == asked.thread_id


def test_outside_recipients_are_queued_and_local_ones_delivered(domain, agent_voirie):
    do_send(
        agent_voirie,
        Composition(
            sender=VOIRIE,
            to="Paul Girard <paul.girard@exemple-habitant.fr>",
            bcc=FINANCES,
            subject="Réponse",
        ),
    )
    assert QueuedMessage.objects.count() == 1
    delivered = Message.objects.get(folder__mailbox__address=FINANCES)
    assert b"Bcc:" not in read_raw(delivered.blob_id)
    sent = Message.objects.get(folder__special_use=Folder.SpecialUse.SENT)
    assert b"Bcc: agent.finances@ville-exemple.fr" in read_raw(sent.blob_id)


def test_a_drive_file_becomes_a_share_link_in_the_body(domain, agent_voirie, agent_finances):
    root = access_root(agent_voirie, do_open_personal_space(agent_voirie))
    plan = do_upload(agent_voirie, root, "plan.pdf", [b"%PDF-1.4"])
    sent = do_send(
        agent_voirie,
        Composition(sender=VOIRIE, to=FINANCES, subject="Plan", drive_files=[str(plan.pk)]),
        base_url="https://beffroi.ville-exemple.fr/",
    )
    link = PublicLink.objects.get(node=plan)
    text = parse(sent.raw).get_body(("plain",)).get_content()
    assert f"https://beffroi.ville-exemple.fr/p/{link.token}/" in text
    # A file Sophie may not read is missing for her, and nothing is sent.
    with pytest.raises(NotFound):
        do_send(
            agent_finances,
            Composition(sender=FINANCES, to=VOIRIE, subject="Vol", drive_files=[str(plan.pk)]),
        )
    assert not Message.objects.filter(subject="Vol").exists()


@override_settings(MAIL_ATTACHMENT_LINK_BYTES=1000)
def test_a_large_upload_goes_to_the_drive_as_a_link(domain, agent_voirie, agent_finances):
    sent = do_send(
        agent_voirie,
        Composition(
            sender=VOIRIE,
            to=FINANCES,
            subject="Photos",
            uploads=[
                ("petite.txt", "text/plain", b"petit"),
                ("grande.bin", "application/octet-stream", b"x" * 5000),
            ],
        ),
    )
    parsed = parse(sent.raw)
    names = [part.get_filename() for part in parsed.iter_attachments()]
    assert names == ["petite.txt"]
    stored = Node.objects.get(name="grande.bin")
    assert stored.parent.name == SENT_ATTACHMENTS_FOLDER
    assert PublicLink.objects.filter(node=stored).exists()
    assert "grande.bin" in parsed.get_body(("plain",)).get_content()


def test_search_finds_mail_only_for_readers(
    urbanisme, agent_voirie, agent_finances, elu, django_capture_on_commit_callbacks
):
    """Owner and read delegates find a message; a delegate removed loses the results; an
    expunged message leaves the index."""
    with django_capture_on_commit_callbacks(execute=True):
        do_deliver(
            message(to=URBANISME, subject="Permis", body="Extension de la véranda au 4 rue Haute"),
            "",
            [URBANISME],
        )
        trottoir = do_deliver(
            message(to=VOIRIE, subject="Trottoir", body="Véranda du voisin"), "", [VOIRIE]
        ).messages[0]

    def titles(agent) -> set[str]:
        results = access_search(agent, "véranda", kinds=["mail"])
        return {hit.title for group in results.groups for hit in group.hits}

    assert titles(agent_voirie) == {"Permis", "Trottoir"}
    assert titles(agent_finances) == {"Permis"}
    assert titles(elu) == set()
    do_grant_delegation(urbanisme, agent_finances, read=False, acting=None)
    assert titles(agent_finances) == set()
    with django_capture_on_commit_callbacks(execute=True):
        do_delete(agent_voirie, trottoir)
        do_delete(agent_voirie, Message.objects.get(subject="Trottoir"))
    assert titles(agent_voirie) == {"Permis"}
