"""The agenda pages: views of the period, times in Europe/Paris across daylight-saving changes,
and what a person may not see."""

from __future__ import annotations

import re

import pytest

from beffroi.calendars.actions import (
    do_create_calendar,
    do_ensure_default_calendar,
    do_put_event,
    do_share_calendar,
)
from beffroi.calendars.models import Calendar
from beffroi.calendars.tests.samples import event_text

pytestmark = pytest.mark.django_db

WEEKLY_ACROSS_OCTOBER = event_text(
    "reunion-voirie",
    "Réunion de service",
    "20261013T100000",
    "20261013T110000",
    extra=("RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261110T235959Z",),
)
EVENT_TIMES = re.compile(r'<span class="agenda-event__time">([^<]+)</span>')


@pytest.fixture
def agenda(agent_voirie) -> Calendar:
    return do_ensure_default_calendar(agent_voirie)


def _unmasked(page: bytes) -> bytes:
    """The page without its CSRF token (masked differently on every response) and the address
    the language switch returns to."""
    page = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)
    return re.sub(rb'name="next" type="hidden" value="[^"]+"', b"", page)


def _times(page: str) -> list[str]:
    return EVENT_TIMES.findall(page)


def test_a_weekly_meeting_stays_at_ten_across_the_end_of_summer_time(client, agenda, agent_voirie):
    """Every Tuesday 10:00 in Paris from 13 October to 10 November 2026: the week before the
    last Sunday of October (UTC+2) and the week after it (UTC+1) both show 10:00 – 11:00."""
    do_put_event(agent_voirie, agenda, "reunion.ics", WEEKLY_ACROSS_OCTOBER)
    client.force_login(agent_voirie)

    before = client.get("/agenda/semaine/2026-10-20/")
    after = client.get("/agenda/semaine/2026-10-27/")
    last = client.get("/agenda/semaine/2026-11-10/")
    beyond = client.get("/agenda/semaine/2026-11-17/")

    for response in (before, after, last):
        assert response.status_code == 200
        assert _times(response.content.decode()) == ["10:00 – 11:00"]
        assert "Réunion de service" in response.content.decode()
    assert _times(beyond.content.decode()) == []


def test_the_day_view_places_the_meeting_on_the_ten_oclock_rows(client, agenda, agent_voirie):
    """In the day grid (from 8:00, four rows an hour), 10:00 is row 9 and the hour spans 4 rows,
    on both sides of the change."""
    do_put_event(agent_voirie, agenda, "reunion.ics", WEEKLY_ACROSS_OCTOBER)
    client.force_login(agent_voirie)

    for day in ("2026-10-20", "2026-10-27"):
        page = client.get(f"/agenda/jour/{day}/").content.decode()
        assert 'class="agenda-event agenda-s9 agenda-h4 ' in page


def test_month_and_list_views_show_every_tuesday(client, agenda, agent_voirie):
    """The month of October lists the three Tuesdays of the series at 10:00; the list view from
    13 October shows the five meetings."""
    do_put_event(agent_voirie, agenda, "reunion.ics", WEEKLY_ACROSS_OCTOBER)
    client.force_login(agent_voirie)

    month = client.get("/agenda/mois/2026-10-01/").content.decode()
    listing = client.get("/agenda/liste/2026-10-13/").content.decode()

    assert month.count("10:00 – 11:00") == 3
    assert _times(listing) == ["10:00 – 11:00"] * 5
    assert "Mardi 13 octobre 2026" in listing


def test_the_agenda_shows_several_calendars_with_their_colours(client, agenda, agent_voirie):
    """Two calendars at once, each event marked with its calendar's class, whose colour the
    agenda's stylesheet gives; unticking a calendar hides its events."""
    astreintes = do_create_calendar(
        agent_voirie, slug="astreintes", name="Astreintes", colour="#b34000"
    )
    do_put_event(agent_voirie, agenda, "a.ics", event_text("a", "Conseil"))
    do_put_event(agent_voirie, astreintes, "b.ics", event_text("b", "Astreinte de nuit"))
    client.force_login(agent_voirie)

    page = client.get("/agenda/semaine/2026-12-01/").content.decode()
    only_agenda = client.get(f"/agenda/semaine/2026-12-01/?agendas={agenda.pk}").content.decode()
    colours = client.get("/agenda/couleurs.css")

    assert f"agenda-c-{astreintes.pk.hex}" in page
    assert f"agenda-c-{agenda.pk.hex}" in page
    assert "Conseil" in page
    assert "Astreinte de nuit" in page
    assert "Conseil" in only_agenda
    assert "Astreinte de nuit" not in only_agenda
    assert colours["Content-Type"].startswith("text/css")
    assert f".agenda-c-{astreintes.pk.hex}{{--agenda-colour:#b34000}}" in colours.content.decode()


def test_the_agenda_opens_on_this_week_and_moves_by_period(client, agenda, agent_voirie):
    """/agenda/ is this week; the previous and next links move by a week, a month in the month
    view; the "Aller au" form jumps to a date in the chosen view."""
    client.force_login(agent_voirie)

    week = client.get("/agenda/semaine/2026-10-20/").content.decode()
    month = client.get("/agenda/mois/2026-10-20/").content.decode()
    jump = client.get("/agenda/?vue=mois&date=2027-02-14")

    assert client.get("/agenda/").status_code == 200
    assert 'href="/agenda/semaine/2026-10-13/" rel="prev"' in week
    assert 'href="/agenda/semaine/2026-10-27/" rel="next"' in week
    assert 'href="/agenda/mois/2026-11-01/" rel="next"' in month
    assert "Février 2027" in jump.content.decode()


def test_an_unknown_view_or_date_is_not_found(client, agenda, agent_voirie):
    client.force_login(agent_voirie)
    assert client.get("/agenda/annee/2026-10-20/").status_code == 404
    assert client.get("/agenda/semaine/2026-13-45/").status_code == 404


def test_another_agents_calendar_looks_exactly_like_a_missing_one(
    client, agent_voirie, agent_finances
):
    """Export, import and an event of Sophie's calendar answer Karim the same 404 page as
    addresses that do not exist."""
    theirs = do_ensure_default_calendar(agent_finances)
    do_put_event(agent_finances, theirs, "budget.ics", event_text("budget", "Budget primitif"))
    client.force_login(agent_voirie)

    pairs = [
        (
            "/agenda/agendas/agent.finances/agenda/export.ics",
            "/agenda/agendas/personne/x/export.ics",
        ),
        ("/agenda/agendas/agent.finances/agenda/importer/", "/agenda/agendas/personne/x/importer/"),
        (
            "/agenda/agendas/agent.finances/agenda/evenements/budget.ics/",
            "/agenda/agendas/agent.finances/agenda/evenements/absent.ics/",
        ),
        (
            "/agenda/agendas/agent.finances/agenda/evenements/budget.ics/modifier/",
            "/agenda/agendas/personne/x/evenements/budget.ics/modifier/",
        ),
    ]
    for forbidden, missing in pairs:
        refused, absent = client.get(forbidden), client.get(missing)
        assert refused.status_code == absent.status_code == 404
        assert _unmasked(refused.content) == _unmasked(absent.content)
    week = client.get("/agenda/semaine/2026-11-30/").content.decode()
    assert "Budget primitif" not in week


def test_the_agenda_requires_signing_in(client, db):
    response = client.get("/agenda/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/agenda/"


def test_the_navigation_has_an_agenda_entry(client, agent_voirie):
    client.force_login(agent_voirie)
    page = client.get("/agenda/").content.decode()
    assert '<a class="main-nav__link" href="/agenda/" aria-current="page">Agenda</a>' in page


def test_a_shared_calendar_shows_beside_ones_own_with_private_events_as_busy(
    client, agent_voirie, agent_finances
):
    """Sophie shares her agenda with Karim as a reader: it shows in his agenda with her name,
    her private appointment only as "Occupé"."""
    theirs = do_ensure_default_calendar(agent_finances)
    do_put_event(agent_finances, theirs, "budget.ics", event_text("budget", "Budget primitif"))
    do_put_event(
        agent_finances,
        theirs,
        "rdv.ics",
        event_text(
            "rdv",
            "Rendez-vous personnel",
            "20261202T090000",
            "20261202T100000",
            extra=("CLASS:PRIVATE",),
        ),
    )
    do_share_calendar(agent_finances, theirs, "reader", to_agent=agent_voirie)
    client.force_login(agent_voirie)

    page = client.get("/agenda/semaine/2026-12-01/").content.decode()

    assert "(Sophie Martin)" in page
    assert "Budget primitif" in page
    assert "Rendez-vous personnel" not in page
    assert "Occupé" in page
