"""People in the search: by name, e-mail, job and department, as the address book shows them."""

from __future__ import annotations

from django.core.management import call_command

from beffroi.directory import actions
from beffroi.directory.models import Agent
from beffroi.search.access import access_search
from beffroi.search.models import Entry


def _names(user, text: str) -> list[str]:
    results = access_search(user, text, kinds=["agent"])
    return [hit.title for group in results.groups for hit in group.hits]


def _create(username: str, **fields) -> Agent:
    return actions.do_create_agent(actions.NewAgent(username=username, password=None, **fields))


def test_a_new_agent_is_found_by_name_email_and_department(agent_voirie, voirie, committed):
    """Created with a department: found by surname, e-mail and the department's name."""
    with committed():
        _create(
            "p.moreau",
            first_name="Pauline",
            last_name="Moreau",
            email="pauline.moreau@ville.example",
            department_codes=["VOIRIE"],
        )

    assert _names(agent_voirie, "moreau") == ["Pauline Moreau"]
    assert _names(agent_voirie, "pauline.moreau@ville.example") == ["Pauline Moreau"]
    assert "Pauline Moreau" in _names(agent_voirie, "voirie")


def test_a_suspended_agent_leaves_the_index_and_comes_back(agent_voirie, maire, committed):
    """Suspended: not found; active again: found."""
    with committed():
        colleague = _create("p.moreau", first_name="Pauline", last_name="Moreau")
    with committed():
        actions.do_set_status(colleague, Agent.Status.SUSPENDED, acting=maire)

    assert _names(agent_voirie, "moreau") == []
    assert not Entry.objects.filter(kind="agent", object_id=str(colleague.pk)).exists()

    with committed():
        actions.do_set_status(colleague, Agent.Status.ACTIVE, acting=maire)

    assert _names(agent_voirie, "moreau") == ["Pauline Moreau"]


def test_a_departed_agent_is_not_found(agent_voirie, maire, committed):
    """Departed: out of the index."""
    with committed():
        colleague = _create("p.moreau", first_name="Pauline", last_name="Moreau")
        actions.do_set_status(colleague, Agent.Status.DEPARTED, acting=maire)

    assert _names(agent_voirie, "moreau") == []


def test_a_renamed_department_finds_its_agents_by_the_new_name(
    agent_voirie, voirie, maire, committed
):
    """The department's new name is in the entries of every agent in it."""
    with committed():
        _create("p.moreau", first_name="Pauline", last_name="Moreau", department_codes=["VOIRIE"])
    with committed():
        actions.do_update_department(voirie, name="Mobilités", parent=None, acting=maire)

    assert sorted(_names(agent_voirie, "mobilités")) == ["Karim Benali", "Pauline Moreau"]
    assert "Pauline Moreau" not in _names(agent_voirie, "voirie")


def test_a_guest_finds_only_themselves(invite_externe, agent_voirie, committed):
    """The architect finds their own entry, not the commune's agents; the commune's agents
    find the architect (as the directory's policies let them see guests)."""
    call_command("search", "reindex", "--kind", "agent", verbosity=0)

    assert _names(invite_externe, "dupont") == ["Léa Dupont"]
    assert _names(invite_externe, "benali") == []
    assert _names(agent_voirie, "dupont") == ["Léa Dupont"]
    assert _names(agent_voirie, "benali") == ["Karim Benali"]
