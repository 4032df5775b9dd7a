"""Who sees and changes which drive."""

from __future__ import annotations

import pytest

from beffroi.core.errors import NotFound
from beffroi.files import access, actions, policies
from beffroi.files.models import Node


def test_a_personal_drive_is_seen_by_its_owner_only(persona, agent_voirie):
    """Every persona but the owner gets the same NotFound as for a drive that does not exist."""
    space = actions.do_open_personal_space(agent_voirie)
    root = Node.objects.get(space=space, parent=None)

    granted = policies.abilities(persona, root)

    if persona == agent_voirie:
        assert granted == policies.for_role("manager")
        assert access.access_personal_space(persona, agent_voirie.username) == space
    else:
        assert granted == policies.Abilities()
        with pytest.raises(NotFound):
            access.access_personal_space(persona, agent_voirie.username)
        with pytest.raises(NotFound):
            access.access_personal_space(persona, "personne.inconnue")


def test_a_department_drive_is_open_to_its_members(persona, voirie, agent_voirie):
    """Members of Voirie read and write its drive; the others do not see it."""
    space = actions.do_open_department_space(voirie)
    root = Node.objects.get(space=space, parent=None)

    granted = policies.abilities(persona, root)

    member = persona == agent_voirie
    assert granted == (policies.for_role("editor") if member else policies.NONE)
    if not member:
        with pytest.raises(NotFound):
            access.access_root(persona, space)


def test_someone_else_cannot_write_into_a_personal_drive(agent_voirie, agent_finances):
    """An upload into another agent's drive fails as if the folder did not exist."""
    space = actions.do_open_personal_space(agent_voirie)
    root = Node.objects.get(space=space, parent=None)

    with pytest.raises(NotFound):
        actions.do_upload(agent_finances, root, "intrus.txt", [b"x"])

    assert not Node.objects.filter(name="intrus.txt").exists()
