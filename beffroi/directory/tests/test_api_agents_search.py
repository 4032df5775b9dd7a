"""GET /api/v1/agents and /api/v1/departments: pickers see what the caller may see."""

from __future__ import annotations

import pytest

from beffroi.directory.models import Agent

pytestmark = pytest.mark.django_db


def test_an_agent_finds_colleagues_by_any_word(client, agent_voirie, agent_finances):
    """A search on part of a name finds the colleague, with their departments."""
    client.force_login(agent_voirie)

    response = client.get("/api/v1/agents", {"q": "mart"})

    assert response.status_code == 200
    assert [a["username"] for a in response.json()] == ["agent.finances"]
    assert response.json()[0]["departments"] == ["FINANCES"]


def test_departed_agents_are_not_offered(client, agent_voirie, agent_finances):
    agent_finances.status = Agent.Status.DEPARTED
    agent_finances.save()
    client.force_login(agent_voirie)

    usernames = [a["username"] for a in client.get("/api/v1/agents").json()]

    assert "agent.finances" not in usernames
    assert "agent.voirie" in usernames


def test_a_guest_sees_only_themselves(client, invite_externe, agent_voirie):
    """Until something is shared with them, a guest learns nothing about the town hall."""
    client.force_login(invite_externe)

    assert [a["username"] for a in client.get("/api/v1/agents").json()] == ["archi.dupont"]
    assert client.get("/api/v1/departments").json() == []
    assert client.get(f"/api/v1/agents/{agent_voirie.pk}").status_code == 404


def test_filtering_by_department_includes_its_sub_departments(
    client, agent_finances, agent_voirie, services_techniques
):
    """Services techniques lists the agents of Voirie, which is below it."""
    client.force_login(agent_finances)

    response = client.get("/api/v1/agents", {"department": str(services_techniques.pk)})

    assert response.status_code == 200
    assert [a["username"] for a in response.json()] == ["agent.voirie"]


def test_departments_are_listed_with_their_parent(client, agent_voirie, finances):
    client.force_login(agent_voirie)

    departments = {d["code"]: d for d in client.get("/api/v1/departments").json()}

    assert set(departments) == {"TECHNIQUES", "VOIRIE", "FINANCES"}
    assert departments["VOIRIE"]["parent_id"] == departments["TECHNIQUES"]["id"]


def test_an_overlong_search_is_refused_in_the_error_shape(client, agent_voirie):
    client.force_login(agent_voirie)

    response = client.get("/api/v1/agents", {"q": "x" * 101})

    assert response.status_code == 422
    assert response.json()["code"] == "donnees_invalides"
    assert "q" in response.json()["fields"]
