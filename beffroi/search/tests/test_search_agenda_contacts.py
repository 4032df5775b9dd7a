"""Events and contacts in the search: found by those who may read the calendar or the address
book in full; free/busy access and private events reveal nothing."""

from __future__ import annotations

from beffroi.calendars import actions as calendars
from beffroi.calendars.models import CalendarShare
from beffroi.calendars.tests.samples import event_text
from beffroi.contacts import actions as contacts
from beffroi.contacts.models import ShareRole
from beffroi.contacts.tests.samples import card_text
from beffroi.search.access import access_search


def _titles(user, text: str, kind: str) -> list[str]:
    results = access_search(user, text, kinds=[kind])
    return [hit.title for group in results.groups for hit in group.hits]


def _event(agent, uid: str, summary: str, *extra: str):
    calendar = calendars.do_ensure_default_calendar(agent)
    calendars.do_put_event(agent, calendar, f"{uid}.ics", event_text(uid, summary, extra=extra))
    return calendar


def test_an_event_is_found_by_its_summary_and_location(agent_voirie, committed):
    """The owner finds the event by a word of its summary, location or description."""
    with committed():
        _event(
            agent_voirie,
            "chantier",
            "Réunion de chantier",
            "LOCATION:Salle des délibérations",
            "DESCRIPTION:Point sur les travaux du giratoire",
        )

    assert _titles(agent_voirie, "chantiers", "event") == ["Réunion de chantier"]
    assert _titles(agent_voirie, "délibération", "event") == ["Réunion de chantier"]
    assert _titles(agent_voirie, "travail giratoire", "event") == ["Réunion de chantier"]


def test_free_busy_access_never_reveals_a_title(agent_voirie, agent_finances, committed):
    """A colleague sees free/busy only: the search finds nothing of the event."""
    with committed():
        _event(agent_voirie, "chantier", "Réunion de chantier")

    assert access_search(agent_finances, "chantier").empty


def test_a_reader_finds_public_events_not_private_ones(agent_voirie, agent_finances, committed):
    """Shared as reader: the public event is found, the private one is not; its owner finds
    both."""
    with committed():
        calendar = _event(agent_voirie, "public", "Comité de pilotage")
        _event(agent_voirie, "prive", "Comité médical", "CLASS:PRIVATE")
        calendars.do_share_calendar(
            agent_voirie, calendar, CalendarShare.Role.READER, to_agent=agent_finances
        )

    assert _titles(agent_finances, "comité", "event") == ["Comité de pilotage"]
    assert sorted(_titles(agent_voirie, "comité", "event")) == [
        "Comité de pilotage",
        "Comité médical",
    ]


def test_a_deleted_event_leaves_the_index(agent_voirie, committed):
    """Deleted, no longer found."""
    with committed():
        calendar = _event(agent_voirie, "chantier", "Réunion de chantier")
    with committed():
        calendars.do_delete_event(agent_voirie, calendar, "chantier.ics")

    assert access_search(agent_voirie, "chantier").empty


def test_a_contact_is_found_by_name_email_and_organisation(agent_voirie, agent_finances, committed):
    """A card in a book shared with a colleague: both find it; others do not."""
    with committed():
        book = contacts.do_create_address_book(
            agent_voirie, slug="prestataires", name="Prestataires"
        )
        contacts.do_put_card(
            agent_voirie,
            book,
            "moreau.vcf",
            card_text("moreau", "Paul Moreau", email="paul@moreau-btp.example"),
        )

    assert _titles(agent_voirie, "moreau", "contact") == ["Paul Moreau"]
    assert _titles(agent_voirie, "paul@moreau-btp.example", "contact") == ["Paul Moreau"]
    assert access_search(agent_finances, "moreau").empty

    with committed():
        contacts.do_share_address_book(agent_voirie, book, agent_finances, ShareRole.READER)

    assert _titles(agent_finances, "moreau", "contact") == ["Paul Moreau"]


def test_a_deleted_contact_leaves_the_index(agent_voirie, committed):
    """Deleted, no longer found."""
    with committed():
        book = contacts.do_create_address_book(
            agent_voirie, slug="prestataires", name="Prestataires"
        )
        contacts.do_put_card(agent_voirie, book, "moreau.vcf", card_text("moreau", "Paul Moreau"))
    with committed():
        contacts.do_delete_card(agent_voirie, book, "moreau.vcf")

    assert access_search(agent_voirie, "moreau").empty
