"""Invitations and room bookings from the agenda's form, and answers from the event page."""

from __future__ import annotations

import re

import pytest

from beffroi.calendars import itip
from beffroi.calendars.actions import do_create_resource, do_ensure_default_calendar
from beffroi.calendars.models import Event, Resource

pytestmark = pytest.mark.django_db

NEW = "/agenda/evenements/nouveau/"


@pytest.fixture
def council_chamber(maire) -> Resource:
    return do_create_resource(
        maire,
        slug="salle-du-conseil",
        name="Salle du conseil",
        kind=Resource.Kind.ROOM,
        email="salle-du-conseil@ville-exemple.fr",
        capacity=40,
        building="Hôtel de ville",
    )


def _meeting(calendar_id: str, room: Resource, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "calendar": calendar_id,
        "summary": "Préparation du conseil",
        "start_date": "2026-12-03",
        "start_time": "14:00",
        "end_date": "2026-12-03",
        "end_time": "15:00",
        "privacy": "PUBLIC",
        "attendees": "agent.finances",
        "resources": [str(room.pk)],
    }
    data.update(changes)
    return data


def test_an_invitation_reaches_the_colleague_who_accepts_it_from_the_web(
    client, agent_voirie, agent_finances, council_chamber
):
    """Karim invites Sophie (by her username) and books the council chamber; the meeting appears
    in Sophie's week; she accepts on its page and Karim's copy shows her answer."""
    agenda = do_ensure_default_calendar(agent_voirie)
    client.force_login(agent_voirie)
    form = client.get(NEW).content.decode()
    assert "Salle du conseil (salle, 40 places, Hôtel de ville)" in form

    response = client.post(NEW, _meeting(str(agenda.pk), council_chamber))

    assert response.status_code == 302
    copy = Event.objects.get(calendar__owner=agent_finances)
    assert Event.objects.filter(calendar=council_chamber.calendar).exists()
    client.force_login(agent_finances)
    week = client.get("/agenda/semaine/2026-12-03/").content.decode()
    assert "Préparation du conseil" in week
    page_url = f"/agenda/agendas/agent.finances/{copy.calendar.slug}/evenements/{copy.name}/"
    page = client.get(page_url).content.decode()
    assert "Votre réponse à l'invitation" in page
    assert "Salle du conseil" in page

    answered = client.post(page_url + "repondre/", {"partstat": "ACCEPTED"}, follow=True)

    assert "Votre réponse est enregistrée et transmise." in answered.content.decode()
    original = Event.objects.get(calendar=agenda)
    parsed = itip.load(original.data)
    assert itip.partstat(parsed, "agent.finances@ville-exemple.fr") == "ACCEPTED"


def test_a_second_booking_of_the_room_is_refused_with_the_taken_slot(
    client, agent_voirie, agent_finances, council_chamber
):
    """Sophie tries to book the chamber over Karim's meeting: the form comes back with the
    reason naming the slot that is taken, and nothing is written in her calendar."""
    mine = do_ensure_default_calendar(agent_voirie)
    client.force_login(agent_voirie)
    client.post(NEW, _meeting(str(mine.pk), council_chamber, attendees=""))
    theirs = do_ensure_default_calendar(agent_finances)
    client.force_login(agent_finances)

    response = client.post(
        NEW,
        _meeting(
            str(theirs.pk),
            council_chamber,
            attendees="",
            summary="Commission des finances",
            start_time="14:30",
            end_time="16:00",
        ),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Salle du conseil est déjà réservée le 03/12/2026 de 14:00 à 15:00" in page
    assert not Event.objects.filter(calendar=theirs).exists()


def test_find_a_room_lists_what_is_free_and_fits_then_opens_the_booking(
    client, maire, agent_voirie, agent_finances, council_chamber
):
    """With the council chamber booked from 14:00 to 15:00, a search at 14:30 for ten people
    finds only the wedding room; for thirty people, or with a projector, nothing; at 15:00 the
    chamber again. "Réserver" opens the form on that slot with the room ticked."""
    weddings = do_create_resource(
        maire,
        slug="salle-des-mariages",
        name="Salle des mariages",
        kind=Resource.Kind.ROOM,
        email="salle-des-mariages@ville-exemple.fr",
        capacity=20,
        equipment=["Écran"],
        building="Hôtel de ville",
    )
    agenda = do_ensure_default_calendar(agent_voirie)
    client.force_login(agent_voirie)
    assert client.post(NEW, _meeting(str(agenda.pk), council_chamber)).status_code == 302

    def search(**asked: object) -> str:
        query = {"date": "2026-12-03", "start": "14:30", "minutes": 60, **asked}
        response = client.get("/agenda/salles/", query)
        assert response.status_code == 200
        return response.content.decode()

    ten = search(people=10)
    thirty = search(people=30)
    projector = search(people=10, equipment="Écran", start="14:45", minutes=30)
    later = search(start="15:00", kind="room")
    blank = client.get("/agenda/salles/", {"date": "hier", "start": "14:30", "minutes": 60})

    assert "1 ressource libre" in ten
    assert "Salle des mariages" in ten
    assert "Réserver Salle du conseil" not in ten
    assert "Rien n'est libre" in thirty
    assert "Réserver Salle des mariages" in projector
    assert "Réserver Salle du conseil" in later
    assert "Réserver Salle des mariages" in later
    assert blank.status_code == 400

    link = f"?date=2026-12-03&amp;heure=14%3A30&amp;fin=15%3A30&amp;ressource={weddings.pk}"
    assert link in ten
    form = client.get(NEW + link.replace("&amp;", "&")).content.decode()
    ticked = re.findall(r'value="([0-9a-f-]+)" id="id_resources_\d+" checked', form)
    assert ticked == [str(weddings.pk)]
    assert 'value="14:30"' in form
    assert 'value="15:30"' in form
