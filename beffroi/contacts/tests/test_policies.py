"""Who may do what with an address book, for every persona: the owner everything, a share its
role, a department share the departments below it, the directory read-only and not for
guests."""

from __future__ import annotations

import pytest

from beffroi.contacts.actions import do_create_address_book, do_share_address_book
from beffroi.contacts.models import ShareRole
from beffroi.contacts.policies import EDITOR, NOTHING, OWNER, READER, abilities, directory_abilities
from beffroi.directory.actions import do_create_group, do_set_group_members

pytestmark = pytest.mark.django_db

# What each persona may do with « Prestataires » of the mayor, shared with Services techniques
# as editors and with the group « Élus » as readers.
EXPECTED = {
    "maire": OWNER,
    "agent_voirie": EDITOR,  # Voirie is below Services techniques
    "agent_finances": NOTHING,
    "elu": READER,
    "invite_externe": NOTHING,
    "anonyme": NOTHING,
}
SEES_DIRECTORY = {"maire", "agent_voirie", "agent_finances", "elu"}


def test_abilities_of_every_persona(request, persona, maire, elu, services_techniques):
    book = do_create_address_book(maire, slug="prestataires", name="Prestataires")
    do_share_address_book(maire, book, services_techniques, ShareRole.EDITOR)
    group = do_create_group(name="Élus", description="", acting=maire)
    do_set_group_members(group, [elu], acting=maire)
    do_share_address_book(maire, book, group, ShareRole.READER)
    name = request.node.callspec.params["persona"]
    assert abilities(persona, book) == EXPECTED[name]
    assert directory_abilities(persona).read == (name in SEES_DIRECTORY)
    assert not directory_abilities(persona).write_cards
