"""Every persona against a private workspace of Voirie where Finances contributes and the
architect is a guest reader, and against a listed one they are not in."""

from __future__ import annotations

import pytest

from beffroi.workspaces import policies
from beffroi.workspaces.actions import do_create_workspace
from beffroi.workspaces.models import Workspace

pytestmark = pytest.mark.django_db

EXPECTED = {
    # persona: (see, read, contribute, manage)
    "maire": (False, False, False, False),
    "agent_voirie": (True, True, True, True),
    "agent_finances": (True, True, True, False),
    "elu": (False, False, False, False),
    "invite_externe": (True, True, False, False),
    "anonyme": (False, False, False, False),
}


def test_each_persona_in_the_works_workspace(chantier, persona, request):
    name = next(p for p in EXPECTED if request.getfixturevalue(p) is persona)
    granted = policies.abilities(persona, chantier)
    assert (granted.see, granted.read, granted.contribute, granted.manage) == EXPECTED[name]


LISTED = {
    "maire": (True, False, True),
    "agent_voirie": (True, True, False),
    "agent_finances": (True, False, True),
    "elu": (True, False, True),
    "invite_externe": (False, False, False),
    "anonyme": (False, False, False),
}


def test_each_persona_before_a_listed_workspace(agent_voirie, persona, request):
    listed = do_create_workspace(agent_voirie, "Intranet", visibility=Workspace.Visibility.LISTED)
    name = next(p for p in LISTED if request.getfixturevalue(p) is persona)
    granted = policies.abilities(persona, listed)
    assert (granted.see, granted.read, granted.ask_to_join) == LISTED[name]
