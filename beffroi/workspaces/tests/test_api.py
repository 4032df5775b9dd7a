"""Workspaces, their pages and their board through the API, as a script with a personal token
would use them; the same rules as the web pages."""

from __future__ import annotations

import pytest
from django.test import Client

from beffroi.directory.actions import do_create_api_token
from beffroi.workspaces.models import Workspace

pytestmark = pytest.mark.django_db

API = "/api/v1"


def client_of(agent) -> Client:
    token = do_create_api_token(agent, "test")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_workspace_is_created_with_members_pages_and_a_board(
    agent_voirie, finances, agent_finances
):
    api = client_of(agent_voirie)
    created = api.post(
        f"{API}/workspaces",
        {"name": "Fête de la musique", "blueprint": "evenement", "visibility": "listed"},
        "application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["role"] == "manager"
    assert body["dav_url"].endswith("/dav/spaces/fete-de-la-musique/")
    slug = body["slug"]
    member = api.post(
        f"{API}/workspaces/{slug}/members",
        {"kind": "department", "grantee_id": str(finances.pk), "role": "contributor"},
        "application/json",
    )
    assert member.status_code == 201
    assert member.json()["label"] == "Finances"
    labels = {m["label"] for m in api.get(f"{API}/workspaces/{slug}/members").json()}
    assert labels == {"Karim Benali", "Finances"}
    sophie = client_of(agent_finances)
    assert [w["slug"] for w in sophie.get(f"{API}/workspaces").json()] == [slug]
    pages = sophie.get(f"{API}/workspaces/{slug}/pages").json()
    assert {"Accueil", "Programme"} <= {p["title"] for p in pages}
    board = sophie.get(f"{API}/workspaces/{slug}/board").json()
    assert [c["name"] for c in board] == ["Idées", "À faire", "En cours", "Terminé"]
    card = sophie.post(
        f"{API}/workspaces/{slug}/cards",
        {"column_id": board[1]["id"], "title": "Réserver la scène", "assignees": ["agent.voirie"]},
        "application/json",
    )
    assert card.status_code == 201, card.content
    moved = sophie.post(
        f"{API}/workspaces/{slug}/cards/{card.json()['id']}/move",
        {"column_id": board[2]["id"]},
        "application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["column_id"] == board[2]["id"]
    assert [c["title"] for c in api.get(f"{API}/tasks/mine").json()] == ["Réserver la scène"]
    assert any("Réserver la scène" in n["text"] for n in api.get(f"{API}/notifications").json())
    activity = api.get(f"{API}/workspaces/{slug}/activity").json()
    assert any(line["verb"] == "task_moved" for line in activity)


def test_a_page_saved_concurrently_through_the_api_loses_nothing(
    agent_voirie, agent_finances, finances
):
    api = client_of(agent_voirie)
    slug = api.post(f"{API}/workspaces", {"name": "Budget 2027"}, "application/json").json()["slug"]
    api.post(
        f"{API}/workspaces/{slug}/members",
        {"kind": "agent", "grantee_id": str(agent_finances.pk), "role": "contributor"},
        "application/json",
    )
    page = api.post(
        f"{API}/workspaces/{slug}/pages",
        {"title": "Orientations", "body": "un\ndeux\ntrois\n"},
        "application/json",
    ).json()
    url = f"{API}/workspaces/{slug}/pages/{page['id']}"
    first = api.put(
        url,
        {"title": "Orientations", "body": "UN\ndeux\ntrois\n", "base_version": 1},
        "application/json",
    )
    assert first.status_code == 200
    assert not first.json()["merged"]
    sophie = client_of(agent_finances)
    second = sophie.put(
        url,
        {"title": "Orientations", "body": "un\ndeux\nTROIS\n", "base_version": 1},
        "application/json",
    )
    assert second.status_code == 200
    assert second.json()["merged"]
    assert second.json()["body"] == "UN\ndeux\nTROIS\n"
    api.put(
        url,
        {"title": "Orientations", "body": "Un (Karim)\ndeux\nTROIS\n", "base_version": 3},
        "application/json",
    )
    clash = sophie.put(
        url,
        {"title": "Orientations", "body": "Un (Sophie)\ndeux\nTROIS\n", "base_version": 3},
        "application/json",
    )
    assert clash.status_code == 409
    fields = clash.json()["fields"]
    assert fields["base_version"] == ["4"]
    assert "Un (Karim)" in fields["body"][0]
    assert "Un (Sophie)" in fields["body"][0]


def test_strangers_and_guests_get_the_answers_they_should(agent_voirie, elu, invite_externe):
    slug = (
        client_of(agent_voirie)
        .post(f"{API}/workspaces", {"name": "Privé"}, "application/json")
        .json()["slug"]
    )
    stranger = client_of(elu)
    hidden = stranger.get(f"{API}/workspaces/{slug}")
    missing = stranger.get(f"{API}/workspaces/nexiste-pas")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"]
    refused = client_of(invite_externe).post(f"{API}/workspaces", {"name": "X"}, "application/json")
    assert refused.status_code == 403
    assert not Workspace.objects.filter(name="X").exists()


def test_a_nul_in_a_description_never_reaches_the_database(agent_voirie):
    """PostgreSQL refuses a NUL in text: the workspace's description drops control characters,
    an address book's is refused with a clear message."""
    api = client_of(agent_voirie)
    created = api.post(
        f"{API}/workspaces", {"name": "Nul", "description": "a\x00b\nc"}, "application/json"
    )
    assert created.status_code == 201
    assert created.json()["description"] == "ab\nc"
    refused = api.post(
        f"{API}/contacts/books",
        {"slug": "nul", "name": "Nul", "description": "x\x00y"},
        "application/json",
    )
    assert refused.status_code == 422
    assert "description" in refused.json()["fields"]
