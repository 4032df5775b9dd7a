"""Creating, editing and deleting events from the agenda's form; importing and exporting .ics."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beffroi.calendars.actions import do_ensure_default_calendar, do_put_event, do_share_calendar
from beffroi.calendars.compose import fields_of
from beffroi.calendars.models import Calendar, Event
from beffroi.calendars.tests.samples import event_text

pytestmark = pytest.mark.django_db

NEW = "/agenda/evenements/nouveau/"


@pytest.fixture
def agenda(agent_voirie) -> Calendar:
    return do_ensure_default_calendar(agent_voirie)


def _form(agenda: Calendar, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "calendar": str(agenda.pk),
        "summary": "Réunion de chantier",
        "start_date": "2026-10-20",
        "start_time": "10:00",
        "end_date": "2026-10-20",
        "end_time": "11:30",
        "location": "Rue de la Mairie",
        "description": "Point sur les travaux",
        "frequency": "",
        "privacy": "PUBLIC",
    }
    data.update(changes)
    return data


def test_an_event_created_with_the_form_is_in_the_calendar_and_the_week(
    client, agenda, agent_voirie
):
    """The form writes one iCalendar object with a TZID of Paris, a reminder and a weekly rule,
    then shows the week of its start where it appears at 10:00."""
    client.force_login(agent_voirie)

    response = client.post(
        NEW, _form(agenda, frequency="WEEKLY", count="3", reminders=["15"]), follow=True
    )

    assert response.redirect_chain[-1][0] == "/agenda/semaine/2026-10-20/"
    page = response.content.decode()
    assert "L&#x27;événement « Réunion de chantier » est enregistré." in page
    assert "10:00 – 11:30" in page
    event = Event.objects.get(calendar=agenda)
    assert "DTSTART;TZID=Europe/Paris:20261020T100000" in event.data
    assert "RRULE:FREQ=WEEKLY;COUNT=3" in event.data
    assert "TRIGGER:-PT15M" in event.data
    assert event.recurring


def test_an_all_day_event_takes_whole_days(client, agenda, agent_voirie):
    """An all-day event from 2 to 3 November: dates, and DTEND is the day after the last."""
    client.force_login(agent_voirie)
    client.post(
        NEW,
        _form(agenda, all_day="on", start_date="2026-11-02", end_date="2026-11-03", start_time=""),
    )
    event = Event.objects.get(calendar=agenda)
    assert "DTSTART;VALUE=DATE:20261102" in event.data
    assert "DTEND;VALUE=DATE:20261104" in event.data


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "09:00"}, "end_time", "La fin est avant le début."),
        ({"count": "3"}, "frequency", "Choisissez une répétition, ou videz sa fin."),
        (
            {"frequency": "WEEKLY", "count": "3", "until": "2026-12-01"},
            "count",
            "Indiquez une date de fin ou un nombre de fois, pas les deux.",
        ),
        (
            {"frequency": "WEEKLY", "until": "2026-10-01"},
            "until",
            "La répétition se termine avant le premier événement.",
        ),
        ({"frequency": "HOURLY"}, "frequency", "Sélectionnez un choix valide."),
        ({"start_time": ""}, "start_time", "Indiquez l’heure, ou cochez « Toute la journée »."),
        ({"attendees": "personne.inconnue"}, "attendees", "personne.inconnue"),
    ],
)
def test_the_form_refuses_what_it_cannot_write(
    client, agenda, agent_voirie, changes, field, message
):
    """End before start, a bad repetition, a missing time or an unknown attendee: the form comes
    back with the reason next to the field, and nothing is written."""
    client.force_login(agent_voirie)
    response = client.post(NEW, _form(agenda, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message.replace("’", "'") in error for error in errors)
    assert 'role="alert"' in response.content.decode()
    assert not Event.objects.exists()


def test_a_ten_megabyte_description_is_refused_with_a_message(client, agenda, agent_voirie):
    """A body larger than the server reads comes back as the form with a readable reason (413),
    and nothing is written."""
    client.force_login(agent_voirie)
    response = client.post(NEW, _form(agenda, description="x" * (10 * 1024 * 1024)))
    assert response.status_code == 413
    assert "Le formulaire envoyé est trop volumineux" in response.content.decode()
    assert not Event.objects.exists()


def test_a_description_over_the_limit_is_refused_next_to_its_field(client, agenda, agent_voirie):
    client.force_login(agent_voirie)
    response = client.post(NEW, _form(agenda, description="x" * 60_000))
    assert response.status_code == 400
    assert response.context["form"].errors["description"]
    assert not Event.objects.exists()


def test_editing_keeps_what_the_form_does_not_show(client, agenda, agent_voirie):
    """An event written by a client with a category and an exception keeps them when its title
    and times are changed in the form; the sequence goes up."""
    text = event_text(
        "serie",
        "Permanence",
        "20261013T140000",
        "20261013T160000",
        extra=(
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/Paris:20261020T140000",
            "CATEGORIES:Accueil",
        ),
    )
    do_put_event(agent_voirie, agenda, "serie.ics", text)
    client.force_login(agent_voirie)
    url = "/agenda/agendas/agent.voirie/agenda/evenements/serie.ics/modifier/"

    form = client.get(url)
    assert form.context["form"].initial["start_time"].hour == 14
    response = client.post(
        url,
        _form(
            agenda,
            summary="Permanence du mardi",
            start_date="2026-10-13",
            start_time="15:00",
            end_date="2026-10-13",
            end_time="17:00",
            frequency="WEEKLY",
            count="4",
        ),
    )

    assert response.status_code == 302
    data = Event.objects.get(name="serie.ics").data
    assert "SUMMARY:Permanence du mardi" in data
    assert "CATEGORIES:Accueil" in data
    assert "EXDATE" in data
    assert "SEQUENCE:1" in data
    fields = fields_of(data, timezone="Europe/Paris")
    assert fields.start.hour == 15
    assert fields.count == 4


def test_a_stale_edit_is_refused_with_a_message(client, agenda, agent_voirie):
    """Someone changed the event since the form was opened: the save is refused, not merged."""
    do_put_event(agent_voirie, agenda, "a.ics", event_text("a"))
    client.force_login(agent_voirie)
    url = "/agenda/agendas/agent.voirie/agenda/evenements/a.ics/modifier/"
    response = client.post(url, _form(agenda, etag='"perime"'))
    assert response.status_code == 400
    assert "a été modifié entre-temps" in response.content.decode()


def test_deleting_asks_first_then_removes_the_event(client, agenda, agent_voirie):
    do_put_event(agent_voirie, agenda, "a.ics", event_text("a"))
    client.force_login(agent_voirie)
    url = "/agenda/agendas/agent.voirie/agenda/evenements/a.ics/supprimer/"

    assert "Supprimer « Conseil municipal »" in client.get(url).content.decode()
    assert Event.objects.filter(name="a.ics").exists()
    response = client.post(url)

    assert response.status_code == 302
    assert not Event.objects.filter(name="a.ics").exists()


def test_the_event_page_shows_its_details_and_repetition(client, agenda, agent_voirie):
    text = event_text(
        "serie",
        "Permanence",
        extra=("RRULE:FREQ=WEEKLY;UNTIL=20261231T225959Z", "LOCATION:Salle 2"),
    )
    do_put_event(agent_voirie, agenda, "serie.ics", text)
    client.force_login(agent_voirie)
    page = client.get("/agenda/agendas/agent.voirie/agenda/evenements/serie.ics/").content.decode()
    assert "Chaque semaine, jusqu'au 31 décembre 2026" in page
    assert "Salle 2" in page
    assert "18:30" in page


def test_export_then_import_gives_back_the_same_events(client, agenda, agent_voirie):
    """The export streams every event; importing it into a fresh calendar recreates them with
    their UIDs and rules."""
    do_put_event(agent_voirie, agenda, "a.ics", event_text("a", "Conseil"))
    do_put_event(
        agent_voirie,
        agenda,
        "b.ics",
        event_text("b", "Marché", extra=("RRULE:FREQ=WEEKLY;COUNT=10",)),
    )
    client.force_login(agent_voirie)

    exported = client.get("/agenda/agendas/agent.voirie/agenda/export.ics")
    assert exported.streaming
    assert exported["Content-Type"] == "text/calendar; charset=utf-8"
    body = b"".join(exported.streaming_content)
    assert body.count(b"BEGIN:VEVENT") == 2

    Event.objects.all().delete()
    upload = SimpleUploadedFile("agenda.ics", body, content_type="text/calendar")
    response = client.post("/agenda/agendas/agent.voirie/agenda/importer/", {"file": upload})

    assert response.status_code == 200
    assert "Importés : 2 nouveaux événements, 0 mis à jour." in response.content.decode()
    assert set(Event.objects.values_list("uid", flat=True)) == {"a", "b"}
    assert "RRULE:FREQ=WEEKLY;COUNT=10" in Event.objects.get(uid="b").data


def test_import_lists_the_refused_events_and_keeps_the_good_ones(client, agenda, agent_voirie):
    """An event repeating every minute and one in an unknown time zone are listed with their
    reason; the good one is imported."""
    good = event_text("bon", "Bon").split("BEGIN:VEVENT")[1].split("END:VCALENDAR")[0]
    minute = (
        event_text("minute", "Trop souvent", extra=("RRULE:FREQ=MINUTELY",))
        .split("BEGIN:VEVENT")[1]
        .split("END:VCALENDAR")[0]
    )
    zone = (
        event_text("zone", "Ailleurs", tzid="Mars/Olympus")
        .split("BEGIN:VEVENT")[1]
        .split("END:VCALENDAR")[0]
    )
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//FR\r\n"
    body = f"{head}BEGIN:VEVENT{good}BEGIN:VEVENT{minute}BEGIN:VEVENT{zone}END:VCALENDAR\r\n"
    client.force_login(agent_voirie)

    upload = SimpleUploadedFile("a.ics", body.encode(), content_type="text/calendar")
    page = client.post("/agenda/agendas/agent.voirie/agenda/importer/", {"file": upload})

    text = page.content.decode()
    assert "2 événements refusés" in text
    assert "Trop souvent" in text
    assert "toutes les minutes" in text
    assert "Ailleurs" in text
    assert "Mars/Olympus" in text
    assert list(Event.objects.values_list("uid", flat=True)) == ["bon"]


def test_a_file_that_is_not_icalendar_imports_nothing(client, agenda, agent_voirie):
    client.force_login(agent_voirie)
    upload = SimpleUploadedFile("a.ics", b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n")
    response = client.post("/agenda/agendas/agent.voirie/agenda/importer/", {"file": upload})
    assert response.status_code == 400
    assert "rien n&#x27;a été importé" in response.content.decode()
    assert not Event.objects.exists()


def test_moving_an_event_keeps_paris_wall_clock_times(client, agenda, agent_voirie):
    """What dragging posts: a one-off meeting of Friday 23 October 10:00 moved to Monday
    26 October 10:00, after the change to winter time, is written at 10:00 Paris time."""
    do_put_event(
        agent_voirie,
        agenda,
        "a.ics",
        event_text("a", "Point", "20261023T100000", "20261023T110000"),
    )
    client.force_login(agent_voirie)
    url = "/agenda/agendas/agent.voirie/agenda/evenements/a.ics/deplacer/"

    response = client.post(
        url,
        {"start": "2026-10-26T10:00", "end": "2026-10-26T11:30"},
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 204
    data = Event.objects.get(name="a.ics").data
    assert "DTSTART;TZID=Europe/Paris:20261026T100000" in data
    assert "DTEND;TZID=Europe/Paris:20261026T113000" in data


def test_a_recurring_event_is_not_moved_by_dragging(client, agenda, agent_voirie):
    """A series is changed with its form, where the person sees what changes: the move is
    refused with a message and the event is untouched."""
    text = event_text("serie", extra=("RRULE:FREQ=WEEKLY;COUNT=3",))
    do_put_event(agent_voirie, agenda, "serie.ics", text)
    client.force_login(agent_voirie)
    url = "/agenda/agendas/agent.voirie/agenda/evenements/serie.ics/deplacer/"

    response = client.post(url, {"start": "2026-12-02T10:00", "end": "2026-12-02T11:00"})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Ce déplacement n&#x27;est pas possible" in page
    assert Event.objects.get(name="serie.ics").data == text


def test_a_reader_exports_private_events_as_busy_only(client, agent_voirie, agent_finances):
    """Karim reads Sophie's agenda: his export of it carries her private appointment without
    its title."""
    theirs = do_ensure_default_calendar(agent_finances)
    private = event_text("rdv", "Rendez-vous personnel", extra=("CLASS:PRIVATE",))
    do_put_event(agent_finances, theirs, "rdv.ics", private)
    do_share_calendar(agent_finances, theirs, "reader", to_agent=agent_voirie)
    client.force_login(agent_voirie)

    exported = client.get("/agenda/agendas/agent.finances/agenda/export.ics")

    body = b"".join(exported.streaming_content).decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert "Rendez-vous personnel" not in body
