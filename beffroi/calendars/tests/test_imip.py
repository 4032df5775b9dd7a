"""Invitations by e-mail with people outside the organisation (iMIP): the outbox leaves as
messages their calendar software reads, and what they send back (an invitation, an answer, a
cancellation) is read and applied only from the address it speaks for."""

from __future__ import annotations

import email

import pytest
from django.core import mail

from beffroi.calendars import actions, itip
from beffroi.calendars.imip import invitation_in, read_invitation
from beffroi.calendars.invitations import (
    do_answer_external_invitation,
    do_apply_external_cancellation,
    do_apply_external_reply,
)
from beffroi.calendars.models import Event, ImipMessage
from beffroi.calendars.tests.samples import event_text
from beffroi.core.errors import InvalidInput
from beffroi.core.tests.tasks import failed, run_queued_tasks

pytestmark = pytest.mark.django_db

ARCHITECT = "h.lambert@lambert-architectes.example"
KARIM = "agent.voirie@ville-exemple.fr"


def _meeting(organizer: str, attendees: tuple[str, ...], *, method: str = "", **kw: str) -> str:
    lines = [
        f"ORGANIZER;CN=Organisateur:mailto:{organizer}",
        *(f"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{who}" for who in attendees),
    ]
    return event_text(
        kw.get("uid", "visite-chantier"),
        kw.get("summary", "Visite de chantier"),
        "20270115T100000",
        "20270115T120000",
        extra=tuple(lines),
        calendar_extra=(f"METHOD:{method}",) if method else (),
    )


def partstat(text: str, who: str) -> str | None:
    return itip.partstat(itip.load(text), who)


@pytest.fixture
def relay(settings):
    settings.OUTBOUND_MAIL_ENABLED = True


def test_an_outside_attendee_gets_an_invitation_their_software_reads(
    relay, agent_voirie, django_capture_on_commit_callbacks
):
    agenda = actions.do_ensure_default_calendar(agent_voirie)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_put_event(agent_voirie, agenda, "visite.ics", _meeting(KARIM, (ARCHITECT,)))
    with django_capture_on_commit_callbacks(execute=True):
        assert not failed(run_queued_tasks())
    assert not failed(run_queued_tasks())  # the e-mail the first run queued

    (sent,) = mail.outbox
    assert sent.to == [ARCHITECT]
    assert sent.subject == "Invitation : Visite de chantier"
    assert sent.from_email == f"Karim Benali <{KARIM}>"
    assert "Karim Benali vous invite : « Visite de chantier »." in sent.body
    assert "Quand : vendredi 15 janvier 2027, 10:00" in sent.body
    parsed = email.message_from_bytes(sent.message().as_bytes())
    (calendar_part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    read = invitation_in(parsed)
    assert read is not None
    assert (read.method, read.organizer) == ("REQUEST", KARIM)
    assert ImipMessage.objects.get().status == ImipMessage.Status.SENT
    # Sent once: another run finds nothing pending.
    run_queued_tasks()
    assert len(mail.outbox) == 1


def test_without_a_way_out_the_outbox_waits(settings, agent_voirie):
    settings.OUTBOUND_MAIL_ENABLED = False
    agenda = actions.do_ensure_default_calendar(agent_voirie)
    actions.do_put_event(agent_voirie, agenda, "visite.ics", _meeting(KARIM, (ARCHITECT,)))
    from beffroi.calendars.tasks import send_invitations

    assert send_invitations.call() == 0
    assert ImipMessage.objects.get().status == ImipMessage.Status.PENDING


def test_an_invitation_from_outside_is_accepted_into_the_agenda_and_answered(agent_voirie):
    invitation = read_invitation(_meeting(ARCHITECT, (KARIM,), method="REQUEST"))
    assert invitation is not None

    event = do_answer_external_invitation(agent_voirie, invitation, "ACCEPTED")

    assert event.calendar.owner == agent_voirie
    assert partstat(event.data, KARIM) == "ACCEPTED"
    assert "METHOD" not in event.data
    (reply,) = ImipMessage.objects.all()
    assert (reply.method, reply.recipient) == ("REPLY", ARCHITECT)
    assert partstat(reply.data, KARIM) == "ACCEPTED"

    # Changing one's mind answers again, on the same event.
    do_answer_external_invitation(agent_voirie, invitation, "DECLINED")
    assert Event.objects.filter(uid="visite-chantier").count() == 1
    assert partstat(Event.objects.get(uid="visite-chantier").data, KARIM) == "DECLINED"
    assert ImipMessage.objects.filter(method="REPLY").count() == 2


def test_an_invitation_for_someone_else_is_refused(agent_voirie, agent_finances):
    invitation = read_invitation(_meeting(ARCHITECT, (KARIM,), method="REQUEST"))
    assert invitation is not None
    with pytest.raises(InvalidInput):
        do_answer_external_invitation(agent_finances, invitation, "ACCEPTED")
    with pytest.raises(InvalidInput):
        do_answer_external_invitation(agent_voirie, invitation, "MAYBE")
    assert not Event.objects.exists()


def test_a_cancellation_counts_only_from_the_organizer(agent_voirie):
    invitation = read_invitation(_meeting(ARCHITECT, (KARIM,), method="REQUEST"))
    assert invitation is not None
    do_answer_external_invitation(agent_voirie, invitation, "ACCEPTED")
    cancel = read_invitation(_meeting(ARCHITECT, (KARIM,), method="CANCEL"))
    assert cancel is not None

    with pytest.raises(InvalidInput):
        do_apply_external_cancellation(agent_voirie, cancel, "escroc@ailleurs.example")
    assert "STATUS:CANCELLED" not in Event.objects.get().data

    do_apply_external_cancellation(agent_voirie, cancel, ARCHITECT)
    assert "STATUS:CANCELLED" in Event.objects.get().data
    # No answer is sent for a cancellation.
    assert ImipMessage.objects.filter(method="REPLY").count() == 1


def test_an_outside_answer_updates_the_organizers_meeting_only_from_the_attendee(agent_voirie):
    agenda = actions.do_ensure_default_calendar(agent_voirie)
    actions.do_put_event(agent_voirie, agenda, "visite.ics", _meeting(KARIM, (ARCHITECT,)))
    requests_before = ImipMessage.objects.filter(method="REQUEST").count()
    answer = _meeting(KARIM, (ARCHITECT,), method="REPLY").replace(
        "PARTSTAT=NEEDS-ACTION", "PARTSTAT=ACCEPTED"
    )
    reply = read_invitation(answer)
    assert reply is not None
    assert (reply.replier, reply.answer) == (ARCHITECT, "ACCEPTED")

    assert do_apply_external_reply(agent_voirie, reply, "escroc@ailleurs.example") is None
    assert partstat(Event.objects.get().data, ARCHITECT) == "NEEDS-ACTION"

    updated = do_apply_external_reply(agent_voirie, reply, ARCHITECT)
    assert updated is not None
    assert partstat(updated.data, ARCHITECT) == "ACCEPTED"
    # The meeting is not sent again to anyone.
    assert ImipMessage.objects.filter(method="REQUEST").count() == requests_before


@pytest.mark.parametrize(
    "text",
    [
        "pas du tout un agenda",
        _meeting(ARCHITECT, (KARIM,)),  # no METHOD
        _meeting(ARCHITECT, (KARIM,), method="PUBLISH"),
        _meeting(ARCHITECT, (KARIM, "autre@ailleurs.example"), method="REPLY"),  # two repliers
        _meeting(ARCHITECT, (KARIM,), method="REQUEST").replace(
            "SUMMARY:", "X-PAD:" + "x" * 300_000 + "\r\nSUMMARY:"
        ),
    ],
)
def test_what_is_not_an_invitation_is_not_read_as_one(text):
    assert read_invitation(text) is None
