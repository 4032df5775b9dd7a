"""The webmail through Django's test client: reading, sending (own address, send-as on a shared
mailbox, refused without it), assignment seen by every delegate, header injection refused,
hostile HTML neutralised, another agent's mail missing, CSRF on every form."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.mail.actions import do_create_shared_mailbox, do_deliver, do_grant_delegation
from beffroi.mail.index import parse
from beffroi.mail.models import Assignment, Folder, Message, QueuedMessage
from beffroi.mail.store import read_raw
from beffroi.mail.tests.conftest import message

pytestmark = pytest.mark.django_db

VOIRIE = "agent.voirie@ville-exemple.fr"
FINANCES = "agent.finances@ville-exemple.fr"
URBANISME = "urbanisme@ville-exemple.fr"


def client_for(agent, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(agent)
    return client


def folder_of(address: str, role: str) -> Folder:
    return Folder.objects.select_related("mailbox").get(mailbox__address=address, special_use=role)


@pytest.fixture
def urbanisme(domain, agent_voirie, agent_finances):
    """urbanisme@: Karim (voirie) may read and send as it, Sophie (finances) only reads."""
    shared = do_create_shared_mailbox(URBANISME, "Urbanisme", acting=None)
    do_grant_delegation(shared, agent_voirie, read=True, send_as=True, acting=None)
    do_grant_delegation(shared, agent_finances, read=True, acting=None)
    return shared


def send(client: Client, **fields: str):
    data = {"sender": VOIRIE, "to": "", "cc": "", "bcc": "", "subject": "", "body": ""}
    data.update(fields)
    return client.post(reverse("mail:compose"), data)


def test_inbox_lists_conversations_with_unread_counts(domain, agent_voirie):
    do_deliver(message(subject="Nid-de-poule rue Victor-Hugo"), "", [VOIRIE])
    response = client_for(agent_voirie).get(reverse("mail:index"), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nid-de-poule rue Victor-Hugo" in page
    assert "Boîte de réception" in page
    assert f'href="{reverse("mail:settings-index")}"' in page  # out-of-office and rules
    assert "Envoyés" in page
    assert "Corbeille" in page
    assert re.search(r"non lus :\s*</span>1<", page)


def test_sending_as_oneself_delivers_and_keeps_a_copy_in_sent(domain, agent_voirie):
    response = send(
        client_for(agent_voirie), to=FINANCES, subject="Devis toiture", body="Bonjour **Sophie**"
    )
    assert response.status_code == 302
    received = Message.objects.get(folder=folder_of(FINANCES, "inbox"))
    raw = read_raw(received.blob_id)
    parsed = parse(raw)
    assert parsed["From"].addresses[0].addr_spec == VOIRIE
    assert parsed.get_body(("plain",)).get_content().startswith("Bonjour **Sophie**")
    assert "<strong>Sophie</strong>" in parsed.get_body(("html",)).get_content()
    assert Message.objects.filter(folder=folder_of(VOIRIE, "sent"), seen=True).count() == 1


def test_send_as_a_shared_mailbox_with_the_right(urbanisme, agent_voirie):
    """Done-when 4: Karim has « envoyer en tant que » on urbanisme@: the message's From is
    urbanisme@, and its copy lands in urbanisme@'s Sent folder."""
    response = send(
        client_for(agent_voirie), sender=URBANISME, to=FINANCES, subject="Permis de construire"
    )
    assert response.status_code == 302
    received = Message.objects.get(folder=folder_of(FINANCES, "inbox"))
    parsed = parse(read_raw(received.blob_id))
    assert [a.addr_spec for a in parsed["From"].addresses] == [URBANISME]
    assert parsed["Sender"] is None
    assert Message.objects.filter(
        folder=folder_of(URBANISME, "sent"), subject="Permis de construire"
    ).exists()
    assert not Message.objects.filter(folder=folder_of(VOIRIE, "sent")).exists()


def test_send_as_a_shared_mailbox_without_the_right_is_refused(urbanisme, agent_finances):
    """Sophie only reads urbanisme@: refused with a clear French message, nothing sent."""
    before = Message.objects.count()
    response = client_for(agent_finances).post(
        reverse("mail:compose"),
        {"sender": URBANISME, "to": VOIRIE, "subject": "Usurpation", "body": "Non."},
    )
    assert response.status_code == 422
    assert (
        "Vous ne pouvez pas envoyer de message depuis l&#x27;adresse" in (response.content.decode())
        or "Vous ne pouvez pas envoyer de message depuis l'adresse" in response.content.decode()
    )
    assert Message.objects.count() == before
    assert not QueuedMessage.objects.exists()


def test_send_on_behalf_puts_the_agent_in_sender(urbanisme, agent_finances):
    do_grant_delegation(urbanisme, agent_finances, read=True, send_on_behalf=True, acting=None)
    response = send(client_for(agent_finances), sender=URBANISME, to=VOIRIE, subject="Pour info")
    assert response.status_code == 302
    parsed = parse(read_raw(Message.objects.get(folder=folder_of(VOIRIE, "inbox")).blob_id))
    assert parsed["From"].addresses[0].addr_spec == URBANISME
    assert parsed["Sender"].addresses[0].addr_spec == FINANCES


def test_assignment_is_seen_by_every_delegate(urbanisme, agent_voirie, agent_finances, maire):
    """Done-when 4: Karim assigns a conversation of urbanisme@ to Sophie « en cours »; both
    see it in the list and in the conversation; the change is audited; the mayor, who has no
    delegation, gets the same 404 as for a missing conversation and cannot assign."""
    delivered = do_deliver(message(to=URBANISME, subject="Déclaration préalable"), "", [URBANISME])
    thread = delivered.messages[0].thread_id
    karim = client_for(agent_voirie)
    url = reverse("mail:assign", args=[urbanisme.pk, thread])
    response = karim.post(url, {"assignee": str(agent_finances.pk), "status": "en_cours"})
    assert response.status_code == 302
    assignment = Assignment.objects.get(mailbox=urbanisme, thread_id=thread)
    assert (assignment.assignee, assignment.status) == (agent_finances, "en_cours")
    assert AuditEvent.objects.filter(action="mail.conversation_assigned").count() == 1
    inbox = folder_of(URBANISME, "inbox")
    for agent in (agent_voirie, agent_finances):
        client = client_for(agent)
        listing = client.get(reverse("mail:folder", args=[inbox.pk])).content.decode()
        assert "Attribuée à Sophie Martin" in listing
        assert "en cours" in listing
        page = client.get(reverse("mail:conversation", args=[urbanisme.pk, thread]))
        assert "Attribuée à Sophie Martin" in page.content.decode()
    outsider = client_for(maire)
    missing = reverse("mail:conversation", args=[urbanisme.pk, uuid.uuid4()])
    assert outsider.get(missing).status_code == 404
    assert (
        outsider.get(reverse("mail:conversation", args=[urbanisme.pk, thread])).status_code == 404
    )
    assert outsider.post(url, {"assignee": "", "status": "traite"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "en_cours"


def test_assigning_to_an_agent_without_delegation_is_refused(urbanisme, agent_voirie, elu):
    delivered = do_deliver(message(to=URBANISME), "", [URBANISME])
    thread = delivered.messages[0].thread_id
    response = client_for(agent_voirie).post(
        reverse("mail:assign", args=[urbanisme.pk, thread]),
        {"assignee": str(elu.pk), "status": "a_traiter"},
        follow=True,
    )
    assert "n&#x27;a pas de délégation sur cette boîte aux lettres" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Bonjour\r\nBcc: victime@exterieur.example"),
        ("subject", "Bonjour\nX-Injected: 1"),
        ("to", "agent.finances@ville-exemple.fr\r\nBcc: victime@exterieur.example"),
        ("cc", "Sophie <agent.finances@ville-exemple.fr>\nBcc: x@exterieur.example"),
        ("sender", "agent.voirie@ville-exemple.fr\r\nBcc: x@exterieur.example"),
    ],
)
def test_header_injection_is_refused(domain, agent_voirie, field, value):
    before = Message.objects.count()
    fields = {"to": FINANCES, "subject": "Objet", field: value}
    response = send(client_for(agent_voirie), **fields)
    assert response.status_code == 422
    page = response.content.decode()
    assert "ne peut pas contenir de retour à la ligne" in page or "ne pouvez pas envoyer" in page
    assert Message.objects.count() == before
    assert not QueuedMessage.objects.exists()


def test_invalid_and_unknown_recipients_are_refused(domain, agent_voirie):
    client = client_for(agent_voirie)
    response = send(client, to="pas une adresse", subject="x")
    assert response.status_code == 422
    assert "n&#x27;est pas une adresse électronique valide" in response.content.decode()
    response = send(client, to="personne@ville-exemple.fr", subject="x")
    assert response.status_code == 422
    assert "Aucune boîte aux lettres ne porte l&#x27;adresse" in response.content.decode()
    assert not Message.objects.exists()


class _MessageBody(HTMLParser):
    """The elements and text the page shows inside a message's body (the rendered DOM)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.elements.append((tag, dict(attrs)))
            if tag not in {"br", "hr", "img", "input", "meta", "link"}:
                self.depth += 1
        elif tag == "div" and "mail-message__body" in (dict(attrs).get("class") or ""):
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in {"br", "hr", "img"}:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data


HOSTILE = (
    b"From: pirate@exterieur.example\r\nTo: agent.voirie@ville-exemple.fr\r\n"
    b"Subject: Offre\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b'<style>body{display:none}</style><p style="color:red" onclick="alert(1)">Bonjour'
    b'<script>alert(2)</script><img src="https://traqueur.example/pixel.png" onerror="alert(3)">'
    b'<a href="javascript:alert(4)">clic</a> <a href="https://exemple.fr/">site</a>'
    b'<iframe src="https://exemple.fr/"></iframe><svg onload="alert(5)"></svg></p>\r\n'
)


def test_hostile_html_is_neutralised(domain, agent_voirie):
    delivered = do_deliver(HOSTILE, "", [VOIRIE])
    found = delivered.messages[0]
    response = client_for(agent_voirie).get(
        reverse("mail:conversation", args=[found.folder.mailbox_id, found.thread_id])
    )
    assert response.status_code == 200
    body = _MessageBody()
    body.feed(response.content.decode())
    assert "Bonjour" in body.text
    assert not {"script", "style", "img", "iframe", "svg"} & {tag for tag, _a in body.elements}
    for _tag, attributes in body.elements:
        assert not any(name.startswith("on") or name == "style" for name in attributes)
    links = [attributes for tag, attributes in body.elements if tag == "a"]
    assert all(not (a.get("href") or "").startswith("javascript") for a in links)
    safe = next(a for a in links if a.get("href") == "https://exemple.fr/")
    assert "noopener" in (safe.get("rel") or "")
    assert "traqueur.example" not in response.content.decode()


def test_broken_messages_are_shown_not_a_server_error(domain, agent_voirie):
    bad_charset = message(subject="=?x-inconnu?B?SGVsbG8=?=", body="caf\xe9", headers="").replace(
        b"charset=utf-8", b"charset=x-inconnu"
    )
    bad_bytes = message(subject="Octets").replace(b"rappeler", b"rap\xff\xfeler")
    long_header = message(subject="Long", headers="X-Long: " + "a" * 100_000 + "\r\n")
    nested = (
        b"From: a@exterieur.example\r\nTo: agent.voirie@ville-exemple.fr\r\n"
        b"Subject: Profond\r\nMIME-Version: 1.0\r\n"
    )
    for depth in range(100):
        nested += (
            f'Content-Type: multipart/mixed; boundary="b{depth}"\r\n\r\n--b{depth}\r\n'.encode()
        )
    nested += b"Content-Type: text/plain\r\n\r\nau fond\r\n"
    for depth in reversed(range(100)):
        nested += f"--b{depth}--\r\n".encode()
    client = client_for(agent_voirie)
    for raw in (bad_charset, bad_bytes, long_header, nested):
        found = do_deliver(raw, "", [VOIRIE]).messages[0]
        url = reverse("mail:conversation", args=[found.folder.mailbox_id, found.thread_id])
        assert client.get(url).status_code == 200, raw[:80]
    listing = client.get(reverse("mail:folder", args=[folder_of(VOIRIE, "inbox").pk]))
    assert listing.status_code == 200


def test_attachments_download_with_a_safe_name(domain, agent_voirie, agent_finances):
    raw = (
        b"From: a@exterieur.example\r\nTo: agent.voirie@ville-exemple.fr\r\nSubject: Plan\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n'
        b"Content-Type: text/plain\r\n\r\nCi-joint.\r\n--x\r\nContent-Type: text/html\r\n"
        b'Content-Disposition: attachment; filename="../../etc/pass\\"wd<script>.html"\r\n\r\n'
        b"<script>alert(1)</script>\r\n--x--\r\n"
    )
    found = do_deliver(raw, "", [VOIRIE]).messages[0]
    url = reverse("mail:attachment", args=[found.pk, 1])
    response = client_for(agent_voirie).get(url)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition.split("filename*=")[0]
    assert "<" not in disposition
    assert response["Content-Type"] == "application/octet-stream"
    assert response.content.strip() == b"<script>alert(1)</script>"
    assert client_for(agent_finances).get(url).status_code == 404


def test_another_agents_message_is_missing(domain, agent_voirie, agent_finances):
    found = do_deliver(message(), "", [VOIRIE]).messages[0]
    sophie = client_for(agent_finances)
    mailbox_id = found.folder.mailbox_id
    for url in (
        reverse("mail:folder", args=[found.folder_id]),
        reverse("mail:conversation", args=[mailbox_id, found.thread_id]),
        reverse("mail:attachment", args=[found.pk, 0]),
        f"{reverse('mail:compose')}?mode=repondre&message={found.pk}",
    ):
        assert sophie.get(url).status_code == 404, url
    action = sophie.post(reverse("mail:message_action", args=[found.pk]), {"action": "delete"})
    assert action.status_code == 404
    assert Message.objects.filter(pk=found.pk, folder__special_use="inbox").exists()


def test_every_form_needs_the_csrf_token(domain, agent_voirie):
    found = do_deliver(message(to=VOIRIE), "", [VOIRIE]).messages[0]
    client = client_for(agent_voirie, csrf=True)
    posts = [
        (reverse("mail:compose"), {"sender": VOIRIE, "to": FINANCES, "subject": "x"}),
        (reverse("mail:save_draft"), {"sender": VOIRIE, "subject": "x"}),
        (reverse("mail:message_action", args=[found.pk]), {"action": "delete"}),
        (
            reverse("mail:assign", args=[found.folder.mailbox_id, found.thread_id]),
            {"assignee": "", "status": "traite"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Message.objects.filter(pk=found.pk, folder__special_use="inbox").exists()
    assert not Message.objects.filter(folder__special_use__in=["sent", "drafts"]).exists()


def test_delete_moves_to_trash_then_expunges(domain, agent_voirie):
    found = do_deliver(message(), "", [VOIRIE]).messages[0]
    client = client_for(agent_voirie)
    client.post(reverse("mail:message_action", args=[found.pk]), {"action": "delete"})
    in_trash = Message.objects.get(folder=folder_of(VOIRIE, "trash"))
    client.post(reverse("mail:message_action", args=[in_trash.pk]), {"action": "delete"})
    assert not Message.objects.exists()


def test_flags_and_move(domain, agent_voirie):
    found = do_deliver(message(), "", [VOIRIE]).messages[0]
    client = client_for(agent_voirie)
    url = reverse("mail:message_action", args=[found.pk])
    client.post(url, {"action": "flag"})
    found.refresh_from_db()
    assert found.flagged
    client.post(url, {"action": "unread"})
    found.refresh_from_db()
    assert not found.seen
    archive = folder_of(VOIRIE, "archive")
    client.post(url, {"action": "move", "folder": str(archive.pk)})
    assert Message.objects.get(thread_id=found.thread_id).folder_id == archive.pk


def test_drafts_replace_each_other_and_go_when_sent(domain, agent_voirie):
    client = client_for(agent_voirie)
    url = reverse("mail:save_draft")
    first = client.post(url, {"sender": VOIRIE, "to": FINANCES, "subject": "Brou"}).json()
    second = client.post(
        url, {"sender": VOIRIE, "to": FINANCES, "subject": "Brouillon", "draft": first["draft"]}
    ).json()
    drafts = Message.objects.filter(folder=folder_of(VOIRIE, "drafts"))
    assert [d.subject for d in drafts] == ["Brouillon"]
    assert str(drafts[0].pk) == second["draft"]
    assert drafts[0].draft
    injected = client.post(url, {"sender": VOIRIE, "subject": "a\r\nBcc: x@y.example"})
    assert injected.status_code == 422
    send(client, to=FINANCES, subject="Brouillon", draft=second["draft"])
    assert not Message.objects.filter(folder=folder_of(VOIRIE, "drafts")).exists()


def test_compose_adds_the_signature_and_reply_quotes(domain, agent_voirie):
    found = do_deliver(message(subject="Question"), "", [VOIRIE]).messages[0]
    client = client_for(agent_voirie)
    page = client.get(reverse("mail:compose")).content.decode()
    assert "-- \nKarim Benali\nAgent de voirie" in page
    reply = client.get(f"{reverse('mail:compose')}?mode=tous&message={found.pk}").content.decode()
    assert 'value="Re : Question"' in reply
    assert 'value="expediteur@exterieur.example"' in reply
    assert "&gt; Pouvez-vous me rappeler ?" in reply


def test_the_search_box_finds_mail_the_agent_reads(
    domain, agent_voirie, agent_finances, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        found = do_deliver(
            message(subject="Éclairage public", body="Le lampadaire clignote."), "", [VOIRIE]
        ).messages[0]
    url = f"{reverse('mail:search')}?q=lampadaire"
    page = client_for(agent_voirie).get(url).content.decode()
    assert reverse("mail:conversation", args=[found.folder.mailbox_id, found.thread_id]) in page
    assert "Éclairage public" in page
    assert "Éclairage public" not in client_for(agent_finances).get(url).content.decode()


def test_a_draft_is_taken_up_again(domain, agent_voirie, agent_finances):
    client = client_for(agent_voirie)
    saved = client.post(
        reverse("mail:save_draft"),
        {"sender": VOIRIE, "to": FINANCES, "subject": "À finir", "body": "Première ligne"},
    ).json()
    drafts = folder_of(VOIRIE, "drafts")
    listing = client.get(reverse("mail:folder", args=[drafts.pk])).content.decode()
    assert f"?brouillon={saved['draft']}" in listing
    page = client.get(f"{reverse('mail:compose')}?brouillon={saved['draft']}").content.decode()
    assert 'value="À finir"' in page
    assert f'value="{FINANCES}"' in page
    assert "Première ligne</textarea>" in page
    other = client_for(agent_finances).get(f"{reverse('mail:compose')}?brouillon={saved['draft']}")
    assert other.status_code == 404
