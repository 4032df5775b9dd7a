"""Who may see, edit and administer an agent's record."""

from __future__ import annotations

import pytest

from beffroi.directory.models import Agent
from beffroi.directory.policies import (
    abilities,
    department_abilities,
    is_administrator,
    may_create_agent_in,
    may_create_department_under,
    may_open_console,
)

# What each persona may do with agent_voirie's record.
EXPECTED = {
    "maire": (True, True, True),
    "agent_voirie": (True, True, False),
    "agent_finances": (True, False, False),
    "elu": (True, False, False),
    "invite_externe": (False, False, False),
    "anonyme": (False, False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", EXPECTED)
def test_abilities_on_a_colleague(request, name, agent_voirie):
    """Each persona gets exactly the abilities the access model promises."""
    user = request.getfixturevalue(name)
    got = abilities(user, agent_voirie)
    assert (got.view, got.edit_profile, got.administer) == EXPECTED[name]


@pytest.mark.django_db
def test_a_departed_agent_is_visible_to_administrators_only(maire, agent_finances, agent_voirie):
    """Once departed, an agent leaves the directory for colleagues but not for the admin."""
    agent_voirie.status = Agent.Status.DEPARTED
    agent_voirie.save()
    assert abilities(maire, agent_voirie).view
    assert not abilities(agent_finances, agent_voirie).view


@pytest.mark.django_db
def test_a_department_manager_administers_the_departments_below(
    chef_services_techniques, agent_voirie, agent_finances, maire
):
    """The head of Services techniques administers Voirie's agents, not Finances', not the maire."""
    assert abilities(chef_services_techniques, agent_voirie).administer
    assert abilities(chef_services_techniques, agent_voirie).change_status
    assert not abilities(chef_services_techniques, agent_finances).administer
    assert not abilities(chef_services_techniques, maire).administer
    assert not abilities(chef_services_techniques, chef_services_techniques).change_status


@pytest.mark.django_db
def test_a_suspended_viewer_has_no_abilities(agent_voirie, agent_finances):
    """A suspended account keeps no power, even over its own record."""
    agent_finances.status = Agent.Status.SUSPENDED
    agent_finances.save()
    got = abilities(agent_finances, agent_voirie)
    assert not got.view
    assert not got.edit_profile
    assert not got.administer


# (may open the console, is administrator, sees the VOIRIE department, administers it)
CONSOLE_EXPECTED = {
    "maire": (True, True, True, True),
    "agent_voirie": (False, False, True, False),
    "agent_finances": (False, False, True, False),
    "elu": (False, False, True, False),
    "invite_externe": (False, False, False, False),
    "anonyme": (False, False, False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", CONSOLE_EXPECTED)
def test_console_and_department_abilities(request, name, voirie):
    """Only the administrator opens the console among the personas; guests see no department."""
    user = request.getfixturevalue(name)
    department = department_abilities(user, voirie)
    got = (may_open_console(user), is_administrator(user), department.view, department.administer)
    assert got == CONSOLE_EXPECTED[name]


@pytest.mark.django_db
def test_a_manager_opens_the_console_for_their_departments(
    chef_services_techniques, voirie, finances
):
    assert may_open_console(chef_services_techniques)
    assert department_abilities(chef_services_techniques, voirie).administer
    assert not department_abilities(chef_services_techniques, finances).administer
    assert may_create_agent_in(chef_services_techniques, {voirie.pk})
    assert not may_create_agent_in(chef_services_techniques, {voirie.pk, finances.pk})
    assert not may_create_agent_in(chef_services_techniques, set())
    assert may_create_department_under(chef_services_techniques, voirie)
    assert not may_create_department_under(chef_services_techniques, None)
