"""GET /api/v1/me: who am I, for a signed-in browser or a script holding a personal token."""

from __future__ import annotations

import pytest
from django.test import Client

from beffroi.directory import actions
from beffroi.directory.models import Agent, ApiToken

URL = "/api/v1/me"


def _bearer(clear_text: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {clear_text}"}


def test_signed_in_agent_reads_their_account(agent_voirie):
    """A signed-in agent gets their own account, without being an administrator."""
    client = Client()
    client.force_login(agent_voirie)

    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(agent_voirie.id)
    assert body["username"] == "agent.voirie"
    assert body["display_name"] == "Karim Benali"
    assert body["job_title"] == "Agent de voirie"
    assert body["is_admin"] is False


def test_the_mayor_is_shown_as_administrator(maire):
    """The organisation administrator sees the administrator flag on their account."""
    client = Client()
    client.force_login(maire)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["kind"] == Agent.Kind.ELECTED
    assert response.json()["is_admin"] is True


def test_script_with_a_personal_token_reads_the_account(agent_finances):
    """A script holding a personal token is that agent, and the token's last use is kept."""
    token, clear_text = actions.do_create_api_token(agent_finances, "export comptable")

    response = Client().get(URL, headers=_bearer(clear_text))

    assert response.status_code == 200
    assert response.json()["username"] == "agent.finances"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_no_credential_gets_401_in_the_error_shape(db):
    """Without a session or a token, the answer is a 401 explained in French."""
    response = Client().get(URL)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "code": "non_authentifie",
        "message": "Identifiez-vous pour continuer.",
        "fields": {},
    }


def test_revoked_token_is_refused(agent_voirie):
    """Once revoked, a token opens nothing, and its last-use time stays as it was."""
    token, clear_text = actions.do_create_api_token(agent_voirie, "ancien script")
    actions.do_revoke_api_token(token, acting=agent_voirie)

    response = Client().get(URL, headers=_bearer(clear_text))

    assert response.status_code == 401
    assert response.json()["code"] == "non_authentifie"
    assert response.json()["message"] == "Ce jeton d'API n'est pas valide ou a été révoqué."
    token.refresh_from_db()
    assert token.last_used_at is None


def test_token_that_is_not_one_of_ours_is_refused(agent_voirie):
    """A well-formed token that was never issued is refused like a revoked one."""
    actions.do_create_api_token(agent_voirie, "script")
    forged = "bfr_0123abcd_" + "x" * 43

    response = Client().get(URL, headers=_bearer(forged))

    assert response.status_code == 401
    assert response.json()["code"] == "non_authentifie"
    assert not ApiToken.objects.filter(last_used_at__isnull=False).exists()


@pytest.mark.parametrize("status", [Agent.Status.SUSPENDED, Agent.Status.DEPARTED])
def test_token_of_an_agent_no_longer_active_is_refused(agent_voirie, status):
    """The token of a suspended or departed agent stops working at once."""
    token, clear_text = actions.do_create_api_token(agent_voirie, "script")
    Agent.objects.filter(pk=agent_voirie.pk).update(status=status)

    response = Client().get(URL, headers=_bearer(clear_text))

    assert response.status_code == 401
    assert response.json()["code"] == "non_authentifie"
    token.refresh_from_db()
    assert token.last_used_at is None


@pytest.mark.parametrize("status", [Agent.Status.SUSPENDED, Agent.Status.DEPARTED])
def test_session_of_an_agent_no_longer_active_is_refused(agent_voirie, status):
    """A browser still signed in as an agent who was suspended or left gets a 401."""
    client = Client()
    client.force_login(agent_voirie)
    Agent.objects.filter(pk=agent_voirie.pk).update(status=status)

    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "non_authentifie"
