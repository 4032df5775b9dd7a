"""The contacts API, as a script with a personal token would call it: books, cards, search,
import and export, shares, and the directory read-only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beffroi.audit.models import AuditEvent
from beffroi.contacts.models import AddressBook, Card
from beffroi.contacts.tests.samples import card_text
from beffroi.directory.actions import do_create_api_token

pytestmark = pytest.mark.django_db

API = "/api/v1/contacts"


def client_of(agent) -> Client:
    token = do_create_api_token(agent, "test")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_books_list_the_default_book_and_the_directory(agent_voirie):
    books = client_of(agent_voirie).get(f"{API}/books")
    assert books.status_code == 200
    assert [(b["slug"], b["role"], b["read_only"]) for b in books.json()] == [
        ("contacts", "owner", False),
        ("annuaire", "reader", True),
    ]


def test_cards_are_created_searched_updated_and_deleted(agent_voirie):
    """Created from fields, found by a word of the e-mail, updated keeping its other
    properties, refused with a stale ETag, then deleted."""
    api = client_of(agent_voirie)
    book = api.post(
        f"{API}/books", {"slug": "prestataires", "name": "Prestataires"}, "application/json"
    )
    assert book.status_code == 201
    book_id = book.json()["id"]
    created = api.post(
        f"{API}/books/{book_id}/cards",
        {"full_name": "Paul Moreau", "organisation": "Moreau BTP", "email": "paul@moreau.example"},
        "application/json",
    )
    assert created.status_code == 201, created.json()
    card = created.json()
    assert "FN:Paul Moreau" in card["vcard"]
    assert [
        c["full_name"] for c in api.get(f"{API}/books/{book_id}/cards?q=moreau.example").json()
    ] == ["Paul Moreau"]
    assert api.get(f"{API}/books/{book_id}/cards?q=inconnu").json() == []

    updated = api.put(
        f"{API}/books/{book_id}/cards/{card['id']}",
        {"full_name": "Paul Moreau", "phone": "03 20 00 10 01", "etag": card["etag"]},
        "application/json",
    )
    assert updated.status_code == 200
    assert updated.json()["phones"] == ["03 20 00 10 01"]
    stale = api.put(
        f"{API}/books/{book_id}/cards/{card['id']}",
        {"full_name": "Autre", "etag": card["etag"]},
        "application/json",
    )
    assert stale.status_code == 412
    assert Card.objects.get(pk=card["id"]).full_name == "Paul Moreau"
    assert api.delete(f"{API}/books/{book_id}/cards/{card['id']}").status_code == 204
    assert not Card.objects.filter(pk=card["id"]).exists()


def test_a_bad_vcard_is_refused_with_a_reason(agent_voirie):
    api = client_of(agent_voirie)
    book_id = api.get(f"{API}/books").json()[0]["id"]
    refused = api.post(
        f"{API}/books/{book_id}/cards",
        {"vcard": "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Sans UID\r\nEND:VCARD\r\n"},
        "application/json",
    )
    assert refused.status_code == 422
    assert "UID" in refused.json()["message"]
    assert not Card.objects.exists()


def test_import_is_all_or_nothing_and_export_gives_the_cards_back(agent_voirie):
    api = client_of(agent_voirie)
    book_id = api.get(f"{API}/books").json()[0]["id"]
    good = card_text("a", "Anne Leroy") + card_text("b", "Bruno Petit").replace("UID:b\r\n", "")
    imported = api.post(
        f"{API}/books/{book_id}/import",
        {"file": SimpleUploadedFile("contacts.vcf", good.encode(), "text/vcard")},
    )
    assert imported.status_code == 200, imported.json()
    assert imported.json() == {"created": 2, "updated": 0}
    bad = card_text("c", "Claire Trois") + "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Vieux\r\nEND:VCARD\r\n"
    refused = api.post(
        f"{API}/books/{book_id}/import",
        {"file": SimpleUploadedFile("contacts.vcf", bad.encode(), "text/vcard")},
    )
    assert refused.status_code == 422
    assert "Fiche n° 2" in refused.json()["message"]
    assert Card.objects.count() == 2
    exported = api.get(f"{API}/books/{book_id}/export")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/vcard")
    assert exported.content.decode().count("BEGIN:VCARD") == 2
    assert AuditEvent.objects.filter(action="contacts.cards_imported").count() == 1


def test_sharing_with_a_department_gives_its_agents_the_role(agent_voirie, agent_finances, voirie):
    owner = client_of(agent_finances)
    book = owner.post(f"{API}/books", {"slug": "elus", "name": "Élus"}, "application/json").json()
    shared = owner.post(
        f"{API}/books/{book['id']}/shares",
        {"kind": "department", "grantee_id": str(voirie.pk), "role": "editor"},
        "application/json",
    )
    assert shared.status_code == 201
    assert shared.json()["label"] == "Voirie"
    editor = client_of(agent_voirie)
    seen = {b["slug"]: b for b in editor.get(f"{API}/books").json()}
    assert seen["elus"]["role"] == "editor"
    assert (
        editor.post(
            f"{API}/books/{book['id']}/cards", {"full_name": "Jean Leroy"}, "application/json"
        ).status_code
        == 201
    )
    assert editor.delete(f"{API}/books/{book['id']}").status_code == 403
    assert editor.get(f"{API}/books/{book['id']}/shares").status_code == 404
    assert AddressBook.objects.filter(pk=book["id"]).exists()
    assert AuditEvent.objects.filter(action="contacts.address_book_shared").count() == 1


def test_the_directory_is_listed_searched_and_read_only(agent_voirie, agent_finances):
    api = client_of(agent_voirie)
    found = api.get(f"{API}/books/annuaire/cards?q=martin")
    assert [c["full_name"] for c in found.json()] == ["Sophie Martin"]
    card_id = found.json()[0]["id"]
    assert "FN:Sophie Martin" in api.get(f"{API}/books/annuaire/cards/{card_id}").json()["vcard"]
    refused = api.post(f"{API}/books/annuaire/cards", {"full_name": "X Y"}, "application/json")
    assert refused.status_code == 403
