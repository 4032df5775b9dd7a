"""Invitations from outside in the webmail: shown beside the message with their date and place,
answered with one button (the event in the agenda, the answer in the outbox for the organizer),
a cancellation taken only from the organizer, and nothing to answer for someone else."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from beffroi.calendars.models import Event, ImipMessage
from beffroi.calendars.tests.samples import event_text
from beffroi.mail.actions import do_deliver
from beffroi.mail.models import Message

pytestmark = pytest.mark.django_db

VOIRIE = "agent.voirie@ville-exemple.fr"
ARCHITECT = "h.lambert@lambert-architectes.example"


def _invitation_mail(method: str, *, sender: str = ARCHITECT) -> bytes:
    calendar = event_text(
        "visite-chantier",
        "Visite de chantier",
        "20270115T100000",
        "20270115T120000",
        extra=(
            f"ORGANIZER;CN=Hélène Lambert:mailto:{ARCHITECT}",
            f"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{VOIRIE}",
            "LOCATION:École Jules-Ferry",
        ),
        calendar_extra=(f"METHOD:{method}",),
    )
    return (
        f"From: Hélène Lambert <{sender}>\r\nTo: {VOIRIE}\r\n"
        "Subject: Invitation : Visite de chantier\r\n"
        "Date: Mon, 30 Nov 2026 10:00:00 +0100\r\nMessage-ID: <visite@lambert.example>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVisite du chantier.\r\n"
        f"--b\r\nContent-Type: text/calendar; charset=utf-8; method={method}\r\n\r\n"
        f"{calendar}\r\n--b--\r\n"
    ).encode()


def _page(client: Client, message: Message) -> str:
    url = reverse("mail:conversation", args=[message.folder.mailbox_id, message.thread_id])
    # The text as read, with the template's line breaks and indentation as single spaces.
    return " ".join(html.unescape(client.get(url).content.decode()).split())


def _client(agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


def test_an_invitation_is_shown_and_accepted_from_the_message(domain, agent_voirie):
    do_deliver(_invitation_mail("REQUEST"), ARCHITECT, [VOIRIE])
    delivered = Message.objects.get()
    karim = _client(agent_voirie)

    page = _page(karim, delivered)
    assert (
        "Invitation\n    : Visite de chantier" in page or "Invitation : Visite de chantier" in page
    )
    assert "vendredi 15 janvier 2027, 10:00 – 12:00" in page
    assert "École Jules-Ferry" in page
    assert 'value="ACCEPTED"' in page

    response = karim.post(reverse("mail:invitation", args=[delivered.pk]), {"reponse": "ACCEPTED"})

    assert response.status_code == 302
    event = Event.objects.get(uid="visite-chantier")
    assert event.calendar.owner == agent_voirie
    reply = ImipMessage.objects.get(method="REPLY")
    assert reply.recipient == ARCHITECT
    page = _page(karim, delivered)
    assert "Dans votre agenda" in page
    assert 'value="ACCEPTED" class="button button--small" aria-pressed="true"' in page


def test_someone_else_cannot_answer_for_the_agent(domain, agent_voirie, agent_finances):
    do_deliver(_invitation_mail("REQUEST"), ARCHITECT, [VOIRIE])
    delivered = Message.objects.get()
    response = _client(agent_finances).post(
        reverse("mail:invitation", args=[delivered.pk]), {"reponse": "ACCEPTED"}
    )
    assert response.status_code == 404
    assert not Event.objects.exists()


def test_a_cancellation_from_another_address_changes_nothing(domain, agent_voirie):
    do_deliver(_invitation_mail("REQUEST"), ARCHITECT, [VOIRIE])
    karim = _client(agent_voirie)
    karim.post(reverse("mail:invitation", args=[Message.objects.get().pk]), {"reponse": "ACCEPTED"})
    do_deliver(_invitation_mail("CANCEL", sender="escroc@ailleurs.example"), "", [VOIRIE])
    forged = Message.objects.filter(sender__contains="escroc").get()

    response = karim.post(reverse("mail:invitation", args=[forged.pk]), follow=True)

    assert "Seul l'organisateur peut annuler cet événement." in html.unescape(
        response.content.decode()
    )
    assert "STATUS:CANCELLED" not in Event.objects.get().data

    do_deliver(_invitation_mail("CANCEL"), ARCHITECT, [VOIRIE])
    genuine = Message.objects.filter(sender__contains=ARCHITECT).latest("created_at")
    karim.post(reverse("mail:invitation", args=[genuine.pk]))
    assert "STATUS:CANCELLED" in Event.objects.get().data
    assert "Votre agenda est à jour." in _page(karim, genuine)


def test_an_outside_answer_reaches_the_meeting_as_it_arrives(domain, agent_voirie):
    """Karim invited the architect; her answer arriving by the MX is written into his meeting
    at once. The same answer from another address changes nothing."""
    from beffroi.calendars import actions as calendar_actions
    from beffroi.calendars import itip
    from beffroi.mail.actions.inbound import do_receive

    agenda = calendar_actions.do_ensure_default_calendar(agent_voirie)
    meeting = event_text(
        "visite-chantier",
        "Visite de chantier",
        "20270115T100000",
        "20270115T120000",
        extra=(
            f"ORGANIZER;CN=Karim Benali:mailto:{VOIRIE}",
            f"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{ARCHITECT}",
        ),
    )
    calendar_actions.do_put_event(agent_voirie, agenda, "visite.ics", meeting)

    def answer(sender: str) -> bytes:
        calendar = meeting.replace("BEGIN:VEVENT", "METHOD:REPLY\r\nBEGIN:VEVENT", 1).replace(
            "PARTSTAT=NEEDS-ACTION", "PARTSTAT=ACCEPTED"
        )
        return (
            f"From: {sender}\r\nTo: {VOIRIE}\r\nSubject: Accepté : Visite de chantier\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n"
            f"{calendar}"
        ).encode()

    def architect_answer() -> str | None:
        return itip.partstat(itip.load(Event.objects.get(uid="visite-chantier").data), ARCHITECT)

    do_receive(
        answer("escroc@ailleurs.example"), "escroc@ailleurs.example", [VOIRIE], special_use=""
    )
    assert architect_answer() == "NEEDS-ACTION"
    do_receive(answer(ARCHITECT), ARCHITECT, [VOIRIE], special_use="")
    assert architect_answer() == "ACCEPTED"
