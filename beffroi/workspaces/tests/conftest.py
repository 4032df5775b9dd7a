"""A school-renovation workspace made from the « Projet de travaux » blueprint by an agent of
Voirie (Services techniques), with Finances as a department member and the outside architect
as a guest reader."""

from __future__ import annotations

import pytest

from beffroi.workspaces.actions import do_add_member, do_create_workspace
from beffroi.workspaces.models import Role, Workspace


@pytest.fixture
def chantier(agent_voirie, agent_finances, finances, invite_externe) -> Workspace:
    workspace = do_create_workspace(
        agent_voirie,
        "Rénovation de l'école Jules-Ferry",
        description="Travaux d'isolation et de toiture, été 2027.",
        blueprint="projet-travaux",
    )
    do_add_member(agent_voirie, workspace, finances, Role.CONTRIBUTOR)
    do_add_member(agent_voirie, workspace, invite_externe, Role.READER)
    return workspace
