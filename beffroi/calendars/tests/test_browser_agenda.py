"""The agenda in a real browser: Debian's chromium driven by Playwright, checked by axe-core.

Screenshots of the week, month, day and list views land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from beffroi.calendars.actions import (
    do_create_calendar,
    do_create_resource,
    do_ensure_default_calendar,
    do_put_event,
)
from beffroi.calendars.models import Event
from beffroi.calendars.tests.samples import event_text
from beffroi.web.tests.browser import (
    assert_accessible,
    assert_fits_width,
    assert_styled,
    screenshot,
    sign_in_with_keyboard,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def busy_week(agent_voirie):
    """A week of a road-works agent: a weekly meeting, overlapping site visits, an all-day
    event, a private appointment and an on-call calendar of another colour."""
    agenda = do_ensure_default_calendar(agent_voirie)
    astreintes = do_create_calendar(
        agent_voirie, slug="astreintes", name="Astreintes", colour="#b34000"
    )
    samples = [
        (
            agenda,
            "reunion",
            "Réunion de service",
            "20261013T100000",
            "20261013T110000",
            ("RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261110T235959Z", "LOCATION:Salle 2"),
        ),
        (
            agenda,
            "chantier",
            "Visite du chantier rue Pasteur",
            "20261021T090000",
            "20261021T113000",
            ("LOCATION:Rue Pasteur",),
        ),
        (agenda, "voirie", "Commission voirie", "20261021T103000", "20261021T120000", ()),
        (
            agenda,
            "medecin",
            "Rendez-vous médical",
            "20261022T140000",
            "20261022T150000",
            ("CLASS:PRIVATE",),
        ),
        (astreintes, "astreinte", "Astreinte de nuit", "20261023T180000", "20261023T230000", ()),
    ]
    for calendar, uid, summary, start, end, extra in samples:
        do_put_event(
            agent_voirie, calendar, f"{uid}.ics", event_text(uid, summary, start, end, extra=extra)
        )
    all_day = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//FR\r\nBEGIN:VEVENT\r\nUID:salon\r\n"
        "DTSTAMP:20261001T000000Z\r\nDTSTART;VALUE=DATE:20261019\r\n"
        "DTEND;VALUE=DATE:20261021\r\nSUMMARY:Salon des maires\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    do_put_event(agent_voirie, agenda, "salon.ics", all_day)
    return agenda


def test_an_event_created_with_the_form_shows_in_the_week(live_server, desktop, agent_voirie):
    """Karim opens the agenda from the navigation, fills the form with the keyboard and finds
    his event at 10:00 in the week of 20 October 2026; every page passes axe-core."""
    page, problems = desktop
    page.goto(f"{live_server.url}/connexion/?next=/agenda/semaine/2026-10-20/")
    sign_in_with_keyboard(page, agent_voirie)
    expect(page.get_by_role("heading", level=1)).to_have_text("Semaine du 19 octobre 2026")
    expect(page.get_by_role("link", name="Agenda", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    assert_styled(page)
    assert_accessible(page)

    page.get_by_role("link", name="Nouvel événement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel événement")
    assert_accessible(page)
    page.get_by_label("Titre").fill("Réception des travaux")
    page.get_by_label("Date de début").fill("2026-10-22")
    page.get_by_label("Heure de début").fill("10:00")
    page.get_by_label("Date de fin").fill("2026-10-22")
    page.get_by_label("Heure de fin").fill("11:00")
    page.get_by_label("Lieu").fill("Place de la Mairie")
    page.get_by_label("15 minutes avant").check()
    page.get_by_label("Lieu").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/agenda/semaine/2026-10-22/")
    expect(
        page.get_by_role("status").filter(has_text="« Réception des travaux » est enregistré")
    ).to_contain_text("« Réception des travaux » est enregistré")
    thursday = page.get_by_role("region", name="jeudi 22 octobre", exact=True)
    expect(thursday.get_by_role("link", name="Réception des travaux")).to_contain_text(
        "10:00 – 11:00"
    )
    assert Event.objects.filter(calendar__owner=agent_voirie).count() == 1
    assert_accessible(page)
    assert not problems, "\n".join(problems)


def test_the_views_on_a_desktop_screen(live_server, desktop, agent_voirie, busy_week):
    """Week, month, day and list views of a busy week: styled, accessible, and the screenshots
    kept for a person to look at."""
    page, problems = desktop
    page.goto(f"{live_server.url}/connexion/?next=/agenda/semaine/2026-10-20/")
    sign_in_with_keyboard(page, agent_voirie)
    expect(page.get_by_text("Astreinte de nuit")).to_be_visible()
    screenshot(page, "agenda-bureau-1-semaine")
    assert_accessible(page)

    page.get_by_role("link", name="Semaine suivante").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Semaine du 26 octobre 2026")
    expect(page.locator(".agenda-event__time")).to_have_text(["10:00 – 11:00"])

    page.get_by_role("link", name="Mois", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Octobre 2026")
    screenshot(page, "agenda-bureau-2-mois")
    assert_accessible(page)

    page.goto(f"{live_server.url}/agenda/jour/2026-10-21/")
    expect(page.get_by_text("Commission voirie")).to_be_visible()
    screenshot(page, "agenda-bureau-3-jour")
    assert_accessible(page)

    page.goto(f"{live_server.url}/agenda/liste/2026-10-19/")
    screenshot(page, "agenda-bureau-4-liste")
    assert_accessible(page)
    assert not problems, "\n".join(problems)


def test_the_views_on_a_phone(live_server, phone, agent_voirie, busy_week, maire):
    """On a 360 px phone the week is a list of days and the month a list of busy days, and
    the form and "find a room" fit too; nothing sticks out sideways and axe-core finds
    nothing serious."""
    page, problems = phone
    page.goto(f"{live_server.url}/connexion/?next=/agenda/semaine/2026-10-20/")
    sign_in_with_keyboard(page, agent_voirie)
    expect(page.get_by_text("Visite du chantier rue Pasteur")).to_be_visible()
    assert_fits_width(page)
    screenshot(page, "agenda-telephone-1-semaine")
    assert_accessible(page)

    page.goto(f"{live_server.url}/agenda/mois/2026-10-01/")
    assert_fits_width(page)
    screenshot(page, "agenda-telephone-2-mois")
    assert_accessible(page)

    page.goto(f"{live_server.url}/agenda/evenements/nouveau/")
    assert_fits_width(page)
    screenshot(page, "agenda-telephone-3-formulaire")
    assert_accessible(page)

    do_create_resource(
        maire,
        slug="salle-des-mariages",
        name="Salle des mariages",
        kind="room",
        email="salle-des-mariages@ville-exemple.fr",
        capacity=20,
        equipment=["Écran", "Sonorisation"],
        building="Hôtel de ville",
    )
    page.goto(f"{live_server.url}/agenda/salles/?date=2026-10-21&start=10:00&minutes=60&people=8")
    expect(page.get_by_role("link", name="Réserver Salle des mariages")).to_be_visible()
    assert_fits_width(page)
    screenshot(page, "agenda-telephone-4-trouver-une-salle")
    assert_accessible(page)
    assert not problems, "\n".join(problems)


def test_the_agenda_runs_under_the_content_security_policy(
    live_server, strict_phone, agent_voirie, busy_week
):
    """With the strict policy enforced, the agenda and its colour stylesheet load without a
    single refusal."""
    page, problems = strict_phone
    page.goto(f"{live_server.url}/connexion/?next=/agenda/semaine/2026-10-20/")
    sign_in_with_keyboard(page, agent_voirie)
    expect(page.get_by_text("Astreinte de nuit")).to_be_visible()
    colour = page.locator(".agenda-event", has_text="Astreinte de nuit")
    expect(colour).to_have_css("border-left-color", "rgb(179, 64, 0)")
    assert not problems, "\n".join(problems)


def test_dragging_an_event_to_the_next_day_moves_it(live_server, desktop, agent_voirie, busy_week):
    """With the mouse, the private appointment of Thursday 14:00 is dragged onto Friday at the
    same height: after the reload it is on Friday at 14:00, for one hour."""
    page, problems = desktop
    page.goto(f"{live_server.url}/connexion/?next=/agenda/semaine/2026-10-20/")
    sign_in_with_keyboard(page, agent_voirie)
    event = page.locator(".agenda-event", has_text="Rendez-vous médical")
    friday = page.get_by_role("region", name="vendredi 23 octobre", exact=True)
    box = event.bounding_box()
    target = friday.locator(".agenda-day__slots").bounding_box()
    assert box is not None
    assert target is not None

    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 6)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, box["y"] + 6, steps=8)
    with page.expect_navigation():
        page.mouse.up()

    expect(friday.get_by_role("link", name="Rendez-vous médical")).to_contain_text("14:00 – 15:00")
    data = Event.objects.get(uid="medecin").data
    assert "DTSTART;TZID=Europe/Paris:20261023T140000" in data
    assert not problems, "\n".join(problems)
