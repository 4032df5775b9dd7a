"""Who may do what with a calendar, for every persona, and the access choke points."""

from __future__ import annotations

import pytest

from beffroi.calendars.access import access_calendar, access_calendars_of
from beffroi.calendars.actions import do_ensure_default_calendar
from beffroi.calendars.policies import NOTHING, OWNER, abilities
from beffroi.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_only_the_owner_has_abilities_on_an_agenda(persona, agent_voirie):
    """agent_voirie's agenda is theirs alone until sharing exists; everyone else gets nothing."""
    agenda = do_ensure_default_calendar(agent_voirie)
    expected = OWNER if persona == agent_voirie else NOTHING
    assert abilities(persona, agenda) == expected


def test_anothers_calendar_is_not_found(persona, agent_voirie):
    """Every persona but the owner gets the same NotFound as for a calendar that does not exist."""
    do_ensure_default_calendar(agent_voirie)
    if persona == agent_voirie:
        assert access_calendar(persona, "agent.voirie", "agenda").slug == "agenda"
        assert [c.slug for c in access_calendars_of(persona, "agent.voirie")] == ["agenda"]
        return
    with pytest.raises(NotFound) as hidden:
        access_calendar(persona, "agent.voirie", "agenda")
    with pytest.raises(NotFound) as missing:
        access_calendar(persona, "agent.voirie", "inexistant")
    assert hidden.value.message == missing.value.message
    with pytest.raises(NotFound):
        access_calendars_of(persona, "agent.voirie")


def test_a_suspended_owner_loses_access(agent_voirie):
    """An account that can no longer sign in has no abilities on its own agenda."""
    agenda = do_ensure_default_calendar(agent_voirie)
    agent_voirie.status = agent_voirie.Status.SUSPENDED
    assert abilities(agent_voirie, agenda) == NOTHING
