"""The calendar API, as a script with a personal token would call it."""

from __future__ import annotations

import pytest
from django.test import Client

from beffroi.calendars import actions
from beffroi.calendars.models import Event, ImipMessage, Resource
from beffroi.directory.actions import do_create_api_token

pytestmark = pytest.mark.django_db

ROOM = "salle-du-conseil@ville-exemple.fr"


def client_of(agent) -> Client:
    token = do_create_api_token(agent, "test")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def council_chamber(maire) -> Resource:
    return actions.do_create_resource(
        maire,
        slug="salle-du-conseil",
        name="La salle du conseil",
        kind="room",
        email=ROOM,
        capacity=40,
        equipment=["Vidéoprojecteur"],
        building="Hôtel de ville",
    )


def meeting(room_id, start="2027-03-12T14:00:00", end="2027-03-12T16:00:00", **extra):
    return {
        "summary": "Commission travaux",
        "start": start,
        "end": end,
        "attendees": ["agent.finances@ville-exemple.fr"],
        "resources": [str(room_id)],
        **extra,
    }


def test_create_an_invitation_and_the_second_booking_is_refused(
    agent_voirie, agent_finances, council_chamber
):
    """Over the API: the meeting reaches B and the room; an overlapping booking gets a 409
    naming the slot, and nothing is written."""
    api = client_of(agent_voirie)
    calendars = api.get("/api/v1/calendars/").json()
    mine = calendars[0]["id"]

    created = api.post(
        f"/api/v1/calendars/{mine}/events",
        meeting(council_chamber.pk),
        content_type="application/json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert {a["email"]: a["partstat"] for a in body["attendees"]} == {
        "agent.finances@ville-exemple.fr": "NEEDS-ACTION",
        ROOM: "ACCEPTED",
    }
    assert Event.objects.filter(calendar__owner=agent_finances, uid=body["uid"]).exists()

    theirs = client_of(agent_finances)
    their_calendar = theirs.get("/api/v1/calendars/").json()[0]["id"]
    clash = theirs.post(
        f"/api/v1/calendars/{their_calendar}/events",
        meeting(council_chamber.pk, "2027-03-12T15:30:00", "2027-03-12T17:00:00", attendees=[]),
        content_type="application/json",
    )
    assert clash.status_code == 409
    assert clash.json()["message"] == (
        "La salle du conseil est déjà réservée le 12/03/2027 de 14:00 à 16:00 (Commission travaux)."
    )
    assert Event.objects.filter(calendar=council_chamber.calendar).count() == 1


def test_answer_find_a_room_free_busy_and_events_in_a_range(
    agent_voirie, agent_finances, council_chamber
):
    api = client_of(agent_voirie)
    mine = api.get("/api/v1/calendars/").json()[0]["id"]
    uid = api.post(
        f"/api/v1/calendars/{mine}/events",
        meeting(council_chamber.pk, private=True),
        content_type="application/json",
    ).json()["uid"]

    theirs = client_of(agent_finances)
    copy = Event.objects.get(calendar__owner=agent_finances, uid=uid)
    answered = theirs.post(
        f"/api/v1/calendars/invitations/{copy.pk}/answer",
        {"partstat": "ACCEPTED"},
        content_type="application/json",
    )
    assert answered.status_code == 200
    own = Event.objects.get(calendar__owner=agent_voirie, uid=uid)
    assert "PARTSTAT=ACCEPTED" in own.data.split("agent.finances")[0].rsplit("ATTENDEE", 1)[1]

    meeting_time = {"start": "2027-03-12T13:00:00Z", "minutes": 180}
    free = theirs.get("/api/v1/calendars/resources/available", {**meeting_time, "people": 10})
    assert free.json() == []
    later = {"start": "2027-03-13T13:00:00Z", "minutes": 180, "people": 10}
    assert [
        r["slug"] for r in theirs.get("/api/v1/calendars/resources/available", later).json()
    ] == ["salle-du-conseil"]
    too_small = theirs.get("/api/v1/calendars/resources/available", {**later, "people": 41})
    assert too_small.json() == []

    window = {"start": "2027-03-12T00:00:00Z", "days": 1}
    busy = theirs.get(
        "/api/v1/calendars/freebusy",
        {**window, "agents": ["agent.voirie"], "resources": [str(council_chamber.pk)]},
    ).json()
    assert [(item["kind"], len(item["busy"])) for item in busy] == [("agent", 1), ("resource", 1)]
    # A colleague sees that Karim is busy, never what the private meeting is.
    assert busy[0]["busy"][0]["summary"] is None
    unknown = theirs.get("/api/v1/calendars/freebusy", {**window, "agents": ["personne"]})
    assert unknown.status_code == 404

    listed = api.get(f"/api/v1/calendars/{mine}/events", window).json()
    assert [item["summary"] for item in listed] == ["Commission travaux"]


def test_outbox_is_for_administrators(agent_voirie, maire):
    api = client_of(agent_voirie)
    mine = api.get("/api/v1/calendars/").json()[0]["id"]
    api.post(
        f"/api/v1/calendars/{mine}/events",
        {
            "summary": "Visite",
            "start": "2027-03-12T14:00:00",
            "end": "2027-03-12T15:00:00",
            "attendees": ["h.lambert@lambert-architectes.example"],
        },
        content_type="application/json",
    )
    assert ImipMessage.objects.count() == 1
    assert api.get("/api/v1/calendars/outbox").status_code == 404
    outbox = client_of(maire).get("/api/v1/calendars/outbox").json()
    assert [(m["method"], m["recipient"]) for m in outbox] == [
        ("REQUEST", "h.lambert@lambert-architectes.example")
    ]
