"""« Contacts » in Chromium with the Content-Security-Policy enforced: an agent searches a shared
book, opens a card, creates one with the keyboard, reads the directory; the pages pass axe-core
on a desktop and fit a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from beffroi.contacts.actions import do_create_address_book, do_import_cards, do_share_address_book
from beffroi.contacts.models import Card, ShareRole
from beffroi.contacts.tests.samples import card_text
from beffroi.web.tests.browser import (  # noqa: F401 - the browser fixture
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_width,
    assert_styled,
    browser,
    open_context,
    screenshot,
    signed_in_page,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def suppliers(agent_voirie, agent_finances, voirie):
    """« Prestataires », kept by Finances, shared with Voirie as editors."""
    book = do_create_address_book(agent_finances, slug="prestataires", name="Prestataires")
    cards = (
        card_text(
            "moreau", "Paul Moreau", email="paul.moreau@moreau-btp.example", tel="03 20 00 10 01"
        )
        + card_text("lambert", "Hélène Lambert", email="h.lambert@lambert-architectes.example")
        + card_text("haddad", "Samir Haddad", tel="03 20 00 10 03")
    )
    do_import_cards(agent_finances, book, cards)
    do_share_address_book(agent_finances, book, voirie, ShareRole.EDITOR)
    return book


def test_an_agent_searches_reads_and_adds_a_contact(browser, live_server, agent_voirie, suppliers):  # noqa: F811
    """Desktop: from the navigation, the shared book; a search narrows it to one supplier;
    the card shows; a new card made with the keyboard is stored; the directory lists
    colleagues."""
    for page, problems in signed_in_page(browser, DESKTOP, live_server.url, agent_voirie):
        page.goto(f"{live_server.url}/")
        navigation = page.get_by_role("navigation", name="Navigation principale")
        navigation.get_by_role("link", name="Contacts").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
        assert_styled(page)
        page.get_by_role("link", name="Prestataires").click()
        expect(page.get_by_role("row")).to_have_count(4)
        page.get_by_label("Rechercher (nom, adresse, téléphone, organisation)").fill("lambert")
        page.get_by_label("Rechercher (nom, adresse, téléphone, organisation)").press("Enter")
        expect(page.get_by_role("row")).to_have_count(2)
        screenshot(page, "contacts-1-recherche")
        assert_accessible(page)

        page.get_by_role("link", name="Hélène Lambert").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Hélène Lambert")
        expect(page.get_by_text("h.lambert@lambert-architectes.example")).to_be_visible()
        assert_accessible(page)

        page.get_by_role("link", name="Prestataires").click()
        page.get_by_role("link", name="Nouveau contact").click()
        page.get_by_label("Nom affiché").fill("Odile Marchand")
        page.get_by_label("Organisation").fill("Jardins & Paysages")
        page.get_by_label("Adresse électronique").fill("contact@jardins.example")
        page.get_by_label("Téléphone portable").fill("06 12 34 56 78")
        page.get_by_label("Téléphone portable").press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Odile Marchand")
        expect(
            page.get_by_role("status").filter(has_text="Contact « Odile Marchand » créé.")
        ).to_contain_text("Contact « Odile Marchand » créé.")
        screenshot(page, "contacts-2-fiche")
        assert_accessible(page)
        assert Card.objects.get(
            address_book=suppliers, full_name="Odile Marchand"
        ).organisation == ("Jardins & Paysages")

        page.get_by_role("link", name="Prestataires").click()
        page.get_by_role("link", name="Annuaire de l'organisation").click()
        expect(page.get_by_role("link", name="Karim Benali", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Sophie Martin")).to_be_visible()
        expect(page.get_by_role("link", name="Nouveau contact")).to_have_count(0)
        screenshot(page, "contacts-3-annuaire")
        assert_accessible(page)
        assert not problems, "\n".join(problems)


def test_the_contacts_page_fits_a_phone(browser, live_server, agent_voirie, suppliers):  # noqa: F811
    for page, problems in signed_in_page(browser, PHONE, live_server.url, agent_voirie):
        page.goto(f"{live_server.url}/contacts/{suppliers.pk}/")
        expect(page.get_by_role("link", name="Paul Moreau")).to_be_visible()
        assert_fits_width(page)
        screenshot(page, "contacts-telephone")
        assert_accessible(page)
        page.get_by_role("link", name="Paul Moreau").click()
        expect(page.get_by_role("link", name="03 20 00 10 01")).to_be_visible()
        assert_fits_width(page)
        screenshot(page, "contacts-telephone-fiche")
        assert not problems, "\n".join(problems)
