"""`beffroi demo seed` adds the shared address books « Prestataires » and « Élus », and every
agent of the demo commune finds colleagues in the directory."""

from __future__ import annotations

import pytest

from beffroi.contacts import access
from beffroi.contacts.models import AddressBook
from beffroi.directory.actions import do_create_first_administrator
from beffroi.directory.models import Agent
from beffroi.directory.tests.test_demo_seed import seed


@pytest.mark.django_db
def test_demo_seed_adds_shared_address_books():
    do_create_first_administrator()
    printed = seed()
    assert "Données de démonstration : contacts" in printed
    suppliers = AddressBook.objects.get(slug="prestataires")
    elected = AddressBook.objects.get(slug="elus")
    assert suppliers.cards.count() == 4
    assert elected.cards.count() == 3
    karim = Agent.objects.get(username="karim.benali")  # Voirie, below Services techniques
    assert suppliers in access.access_address_books(karim)
    assert elected not in access.access_address_books(karim)
    adjoint = Agent.objects.get(username="jean.leroy")  # in the group « Élus »
    assert elected in access.access_address_books(adjoint)
    listed = access.access_directory_cards(karim, search="leroy")
    assert [card.full_name for card in listed] == ["Jean Leroy"]
