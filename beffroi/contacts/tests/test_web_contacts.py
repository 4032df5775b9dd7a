"""The contacts pages through Django's test client: list and search, create and edit a card,
import and export, the directory read-only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beffroi.contacts.actions import do_ensure_default_address_book, do_put_card
from beffroi.contacts.models import Card
from beffroi.contacts.tests.samples import card_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_of(agent_voirie) -> Client:
    client = Client()
    client.force_login(agent_voirie)
    return client


def test_the_page_lists_and_searches_the_default_book(browser_of, agent_voirie):
    book = do_ensure_default_address_book(agent_voirie)
    do_put_card(agent_voirie, book, "a.vcf", card_text("a", "Anne Leroy", email="anne@x.example"))
    do_put_card(agent_voirie, book, "b.vcf", card_text("b", "Bruno Petit"))
    page = browser_of.get("/contacts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anne Leroy" in text
    assert "Bruno Petit" in text
    assert "Annuaire de l&#x27;organisation" in text
    found = browser_of.get(f"/contacts/{book.pk}/?q=anne@x").content.decode()
    assert "Anne Leroy" in found
    assert "Bruno Petit" not in found


def test_a_card_is_created_then_edited_keeping_its_other_properties(browser_of, agent_voirie):
    book = do_ensure_default_address_book(agent_voirie)
    created = browser_of.post(
        f"/contacts/{book.pk}/nouveau/",
        {"full_name": "Paul Moreau", "organisation": "Moreau BTP", "email": "paul@btp.example"},
    )
    assert created.status_code == 302
    card = Card.objects.get(address_book=book)
    assert card.organisation == "Moreau BTP"
    do_put_card(
        agent_voirie, book, card.name, card.data.replace("END:VCARD", "BDAY:19700101\r\nEND:VCARD")
    )
    card.refresh_from_db()
    edited = browser_of.post(
        f"/contacts/{book.pk}/{card.pk}/modifier/",
        {"full_name": "Paul Moreau", "mobile": "06 11 22 33 44", "etag": card.etag},
    )
    assert edited.status_code == 302
    card.refresh_from_db()
    assert "06 11 22 33 44" in card.phones
    assert "BDAY:19700101" in card.data
    refused = browser_of.post(f"/contacts/{book.pk}/nouveau/", {"full_name": ""})
    assert refused.status_code == 200
    assert Card.objects.count() == 1


def test_import_and_export_of_a_vcf_file(browser_of, agent_voirie):
    book = do_ensure_default_address_book(agent_voirie)
    upload = SimpleUploadedFile(
        "c.vcf", (card_text("a", "Anne Leroy") + card_text("b", "Bruno Petit")).encode()
    )
    answer = browser_of.post(f"/contacts/{book.pk}/importer/", {"file": upload}, follow=True)
    assert "2 contacts ajoutés" in answer.content.decode()
    exported = browser_of.get(f"/contacts/{book.pk}/exporter/")
    assert exported.content.decode().count("BEGIN:VCARD") == 2


def test_the_directory_shows_colleagues_and_offers_no_edit(browser_of, agent_finances):
    page = browser_of.get("/contacts/annuaire/?q=martin").content.decode()
    assert "Sophie Martin" in page
    assert "Nouveau contact" not in page
    card = browser_of.get(f"/contacts/annuaire/{agent_finances.pk}/")
    assert card.status_code == 200
    assert "Gestionnaire comptable" in card.content.decode()
    assert browser_of.get("/contacts/annuaire/nouveau/").status_code == 404
