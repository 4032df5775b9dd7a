"""GET /api/v1/me/tokens: an agent's own live tokens, never their secrets."""

from __future__ import annotations

from django.test import Client

from beffroi.directory import actions


def test_agent_lists_their_own_live_tokens_newest_first(agent_voirie, agent_finances):
    """Only the caller's unrevoked tokens are listed, newest first, with no secret in them."""
    older, _ = actions.do_create_api_token(agent_voirie, "sauvegarde")
    newer, clear_text = actions.do_create_api_token(agent_voirie, "tableau de bord")
    revoked, _ = actions.do_create_api_token(agent_voirie, "ancien")
    actions.do_revoke_api_token(revoked, acting=agent_voirie)
    actions.do_create_api_token(agent_finances, "export comptable")

    response = Client().get("/api/v1/me/tokens", headers={"Authorization": f"Bearer {clear_text}"})

    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body] == [str(newer.id), str(older.id)]
    assert [item["label"] for item in body] == ["tableau de bord", "sauvegarde"]
    assert set(body[0]) == {"id", "label", "prefix", "created_at", "last_used_at"}
    assert body[1]["prefix"] == older.prefix
    assert clear_text.rsplit("_", 1)[1] not in response.content.decode()


def test_agent_without_tokens_gets_an_empty_list(agent_finances):
    """A signed-in agent who never made a token gets an empty list, not an error."""
    client = Client()
    client.force_login(agent_finances)

    response = client.get("/api/v1/me/tokens")

    assert response.status_code == 200
    assert response.json() == []


def test_listing_needs_a_credential(db):
    """Nobody lists tokens anonymously."""
    response = Client().get("/api/v1/me/tokens")

    assert response.status_code == 401
    assert response.json()["code"] == "non_authentifie"
