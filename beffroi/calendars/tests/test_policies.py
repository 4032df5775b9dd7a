"""Who may do what with a calendar, for every persona, and the access choke points."""

from __future__ import annotations

import pytest

from beffroi.calendars.access import access_calendar, access_calendars_of
from beffroi.calendars.actions import do_ensure_default_calendar, do_share_calendar
from beffroi.calendars.policies import (
    DELEGATE,
    EDITOR,
    FREE_BUSY,
    NOTHING,
    OWNER,
    READER,
    abilities,
)
from beffroi.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_only_the_owner_has_abilities_on_an_unshared_agenda(persona, agent_voirie):
    """agent_voirie's agenda is theirs alone; colleagues see only when they are busy (for
    invitations), guests and strangers get nothing."""
    agenda = do_ensure_default_calendar(agent_voirie)
    if persona == agent_voirie:
        expected = OWNER
    elif getattr(persona, "kind", "guest") == "guest" or not persona.is_authenticated:
        expected = NOTHING
    else:
        expected = FREE_BUSY
    assert abilities(persona, agenda) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("free_busy", FREE_BUSY), ("reader", READER), ("editor", EDITOR), ("manager", DELEGATE)],
)
def test_a_share_grants_its_role(persona, agent_voirie, role, expected):
    """Shared with a persona: they get exactly the role (never less than the colleague's
    free/busy); the owner stays owner."""
    agenda = do_ensure_default_calendar(agent_voirie)
    if persona == agent_voirie or not persona.is_authenticated:
        return
    do_share_calendar(agent_voirie, agenda, role, to_agent=persona)
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
