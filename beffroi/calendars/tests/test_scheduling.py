"""Invitations as clients make them (CalDAV requests answered in-process by the DAV adapter):
an organizer's save reaches attendees and rooms, answers come back, rooms refuse double bookings
whatever the path, cancellations propagate, outside attendees get iTIP messages in the outbox."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from defusedxml.ElementTree import fromstring

from beffroi.calendars import access, actions, compose
from beffroi.calendars.booking import BookingConflict
from beffroi.calendars.models import BookingStatus, Event, ImipMessage, Resource
from beffroi.calendars.tests.samples import event_text
from beffroi.calendars.tests.test_caldav_requests import dav
from beffroi.directory.actions import do_create_app_password

pytestmark = pytest.mark.django_db

NS = {"D": "DAV:", "C": "urn:ietf:params:xml:ns:caldav", "B": "urn:beffroi:dav"}
ROOM = "salle-du-conseil@ville-exemple.fr"


@pytest.fixture
def secrets(agent_voirie, agent_finances) -> dict[str, str]:
    return {
        agent.username: do_create_app_password(agent, "agenda", ["calendars"])[1]
        for agent in (agent_voirie, agent_finances)
    }


@pytest.fixture
def council_chamber(maire) -> Resource:
    return actions.do_create_resource(
        maire,
        slug="salle-du-conseil",
        name="La salle du conseil",
        kind=Resource.Kind.ROOM,
        email=ROOM,
        capacity=40,
        equipment=["Vidéoprojecteur", "Sonorisation"],
        building="Hôtel de ville",
    )


def invitation(
    uid: str = "commission-travaux",
    start: str = "20270312T140000",
    end: str = "20270312T160000",
    *,
    summary: str = "Commission travaux",
    attendees: tuple[str, ...] = ("agent.finances@ville-exemple.fr", ROOM),
    extra: tuple[str, ...] = (),
) -> str:
    lines = [
        "ORGANIZER;CN=Karim Benali:mailto:agent.voirie@ville-exemple.fr",
        "ATTENDEE;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:agent.voirie@ville-exemple.fr",
        *(f"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{who}" for who in attendees),
        *extra,
    ]
    return event_text(uid, summary, start, end, extra=tuple(lines))


def partstat(text: str, who: str) -> str:
    parsed = icalendar.Calendar.from_ical(text)
    for value in parsed.walk("VEVENT")[0].get("ATTENDEE"):
        if str(value).lower() == f"mailto:{who}":
            return str(value.params.get("PARTSTAT"))
    raise AssertionError(f"{who} is not invited")


def message(response) -> str:
    return fromstring(response.body).findtext("B:message", namespaces=NS) or ""


def test_invitation_reaches_attendee_and_room_and_the_answer_comes_back(
    agent_voirie, agent_finances, council_chamber, secrets
):
    """Done when 2: A invites B and the council chamber; B accepts from their client; A's copy
    shows it; a second booking of the room at an overlapping time is refused."""
    put = dav(
        "PUT",
        "/agent.voirie/agenda/commission.ics",
        secrets["agent.voirie"],
        invitation(),
        content_type="text/calendar",
    )
    assert put.status == 201
    assert "ETag" not in put.headers  # the server added delivery statuses: clients refetch

    # B's client finds the invitation in B's calendar.
    listing = dav(
        "PROPFIND",
        "/agent.finances/agenda/",
        secrets["agent.finances"],
        username="agent.finances",
        depth="1",
    )
    hrefs = [n.text for n in fromstring(listing.body).iterfind(".//D:response/D:href", NS)]
    assert "/dav/cal/agent.finances/agenda/commission-travaux.ics" in hrefs
    fetched = dav(
        "GET",
        "/agent.finances/agenda/commission-travaux.ics",
        secrets["agent.finances"],
        username="agent.finances",
    )
    assert fetched.status == 200
    assert partstat(fetched.body.decode(), "agent.finances@ville-exemple.fr") == "NEEDS-ACTION"
    # The room booked itself.
    room_copy = Event.objects.get(calendar=council_chamber.calendar, uid="commission-travaux")
    assert room_copy.booking_status == BookingStatus.ACCEPTED
    organizer_copy = Event.objects.get(calendar__owner=agent_voirie, uid="commission-travaux")
    assert partstat(organizer_copy.data, ROOM) == "ACCEPTED"
    assert "SCHEDULE-STATUS=1.2" in organizer_copy.data

    # B accepts: the client sets PARTSTAT and PUTs with If-Match.
    accepted = fetched.body.decode().replace(
        "PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:agent.finances",
        "PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:agent.finances",
    )
    assert accepted != fetched.body.decode()
    answered = dav(
        "PUT",
        "/agent.finances/agenda/commission-travaux.ics",
        secrets["agent.finances"],
        accepted,
        username="agent.finances",
        if_match=fetched.headers["ETag"],
    )
    assert answered.status == 204
    mine = dav("GET", "/agent.voirie/agenda/commission.ics", secrets["agent.voirie"]).body.decode()
    assert partstat(mine, "agent.finances@ville-exemple.fr") == "ACCEPTED"

    # Another meeting at 15:00 in the same room: refused over CalDAV, naming the slot.
    clash = dav(
        "PUT",
        "/agent.finances/agenda/autre.ics",
        secrets["agent.finances"],
        invitation("autre-reunion", "20270312T150000", "20270312T170000", attendees=(ROOM,))
        .replace("agent.voirie@", "agent.finances@")
        .replace("Karim Benali", "Sophie Martin"),
        username="agent.finances",
    )
    assert clash.status == 409
    assert message(clash) == (
        "La salle du conseil est déjà réservée le 12/03/2027 de 14:00 à 16:00 (Commission travaux)."
    )
    assert not Event.objects.filter(uid="autre-reunion").exists()  # nothing half-written

    # …and through the action the web and the API use.
    fields = compose.EventFields(
        summary="Point presse",
        start=dt.datetime(2027, 3, 12, 15, 30),
        end=dt.datetime(2027, 3, 12, 16, 30),
        attendees=(compose.Attendee(ROOM),),
    )
    calendar = actions.do_ensure_default_calendar(agent_finances)
    with pytest.raises(BookingConflict, match="12/03/2027 de 14:00 à 16:00"):
        actions.do_save_event_fields(agent_finances, calendar, fields)
    assert Event.objects.filter(calendar=council_chamber.calendar).count() == 1


def test_a_weekly_booking_meeting_one_instance_is_refused(agent_voirie, council_chamber, secrets):
    """A weekly series whose seventh week meets a one-off booking is refused as a whole."""
    one_off = invitation("mariage", "20270424T100000", "20270424T120000", attendees=(ROOM,))
    assert dav("PUT", "/agent.voirie/agenda/m.ics", secrets["agent.voirie"], one_off).status == 201
    series = invitation(
        "permanence",
        "20270313T090000",
        "20270313T110000",
        summary="Permanence",
        attendees=(ROOM,),
        extra=("RRULE:FREQ=WEEKLY",),
    )
    refused = dav("PUT", "/agent.voirie/agenda/p.ics", secrets["agent.voirie"], series)
    assert refused.status == 409
    assert "24/04/2027 de 10:00 à 12:00 (Commission travaux)" in message(refused)
    assert not Event.objects.filter(uid="permanence").exists()


def test_direct_write_into_the_room_calendar_is_checked_too(maire, council_chamber):
    """The room's manager writing into its calendar gets the same refusal."""
    calendar = council_chamber.calendar
    actions.do_put_event(maire, calendar, "a.ics", event_text("a", "Mariage"))
    with pytest.raises(BookingConflict, match=r"01/12/2026 de 18:30 à 21:00 \(Mariage\)"):
        actions.do_put_event(maire, calendar, "b.ics", event_text("b", "Répétition"))


def test_approval_policy_waits_for_the_manager(agent_voirie, maire, elu):
    """A vehicle needing approval: the booking waits, its manager sees and approves it."""
    van = actions.do_create_resource(
        maire,
        slug="kangoo",
        name="Le Kangoo",
        kind=Resource.Kind.VEHICLE,
        email="kangoo@ville-exemple.fr",
        policy=Resource.Policy.APPROVAL,
        manager=elu,
    )
    calendar = actions.do_ensure_default_calendar(agent_voirie)
    actions.do_put_event(
        agent_voirie, calendar, "c.ics", invitation("chantier", attendees=(van.email,))
    )
    mine = Event.objects.get(calendar=calendar, uid="chantier")
    assert partstat(mine.data, van.email) == "NEEDS-ACTION"
    pending = access.access_pending_bookings(elu)
    assert [event.uid for event in pending] == ["chantier"]
    assert access.access_pending_bookings(agent_voirie) == []

    actions.do_decide_booking(elu, pending[0], approve=True)

    mine.refresh_from_db()
    assert partstat(mine.data, van.email) == "ACCEPTED"
    assert access.access_pending_bookings(elu) == []


def test_declined_booking_frees_the_vehicle(agent_voirie, maire, elu):
    van = actions.do_create_resource(
        maire,
        slug="kangoo",
        name="Le Kangoo",
        kind=Resource.Kind.VEHICLE,
        email="kangoo@ville-exemple.fr",
        policy=Resource.Policy.APPROVAL,
        manager=elu,
    )
    calendar = actions.do_ensure_default_calendar(agent_voirie)
    actions.do_put_event(
        agent_voirie, calendar, "c.ics", invitation("chantier", attendees=(van.email,))
    )
    actions.do_decide_booking(elu, access.access_pending_bookings(elu)[0], approve=False)
    mine = Event.objects.get(calendar=calendar, uid="chantier")
    assert partstat(mine.data, van.email) == "DECLINED"
    assert not Event.objects.filter(calendar=van.calendar).exists()


def test_cancellation_reaches_attendees_and_frees_the_room(
    agent_voirie, agent_finances, council_chamber, secrets
):
    dav("PUT", "/agent.voirie/agenda/c.ics", secrets["agent.voirie"], invitation())
    deleted = dav("DELETE", "/agent.voirie/agenda/c.ics", secrets["agent.voirie"])
    assert deleted.status == 204
    copy = Event.objects.get(calendar__owner=agent_finances, uid="commission-travaux")
    assert "STATUS:CANCELLED" in copy.data
    assert not Event.objects.filter(calendar=council_chamber.calendar).exists()


def test_removed_attendee_gets_a_cancellation(agent_voirie, agent_finances, secrets):
    dav("PUT", "/agent.voirie/agenda/c.ics", secrets["agent.voirie"], invitation())
    without_b = invitation(attendees=()).replace("SUMMARY", "SEQUENCE:1\r\nSUMMARY")
    assert (
        dav("PUT", "/agent.voirie/agenda/c.ics", secrets["agent.voirie"], without_b).status == 204
    )
    copy = Event.objects.get(calendar__owner=agent_finances, uid="commission-travaux")
    assert "STATUS:CANCELLED" in copy.data


def test_attendee_deleting_their_copy_declines(agent_voirie, agent_finances, secrets):
    dav("PUT", "/agent.voirie/agenda/c.ics", secrets["agent.voirie"], invitation())
    removed = dav(
        "DELETE",
        "/agent.finances/agenda/commission-travaux.ics",
        secrets["agent.finances"],
        username="agent.finances",
    )
    assert removed.status == 204
    mine = Event.objects.get(calendar__owner=agent_voirie, uid="commission-travaux")
    assert partstat(mine.data, "agent.finances@ville-exemple.fr") == "DECLINED"


def test_outside_attendees_get_itip_messages_in_the_outbox(agent_voirie, maire, secrets):
    outside = "h.lambert@lambert-architectes.example"
    dav(
        "PUT",
        "/agent.voirie/agenda/c.ics",
        secrets["agent.voirie"],
        invitation(attendees=(outside,)),
    )
    dav("DELETE", "/agent.voirie/agenda/c.ics", secrets["agent.voirie"])
    outbox = access.access_imip_outbox(maire)
    assert [(m.method, m.recipient) for m in reversed(outbox)] == [
        ("REQUEST", outside),
        ("CANCEL", outside),
    ]
    assert "METHOD:REQUEST" in outbox[1].data
    assert "STATUS:CANCELLED" in outbox[0].data
    assert ImipMessage.objects.filter(status=ImipMessage.Status.PENDING).count() == 2


def test_answer_invitation_action(agent_voirie, agent_finances, secrets):
    dav("PUT", "/agent.voirie/agenda/c.ics", secrets["agent.voirie"], invitation())
    copy = Event.objects.get(calendar__owner=agent_finances, uid="commission-travaux")
    actions.do_answer_invitation(agent_finances, copy, "TENTATIVE")
    mine = Event.objects.get(calendar__owner=agent_voirie, uid="commission-travaux")
    assert partstat(mine.data, "agent.finances@ville-exemple.fr") == "TENTATIVE"
