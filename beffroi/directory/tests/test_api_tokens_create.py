"""POST /api/v1/me/tokens: a signed-in person mints a personal API token, shown once."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from beffroi.audit.models import AuditEvent
from beffroi.directory import actions
from beffroi.directory.models import Agent, ApiToken

URL = "/api/v1/me/tokens"


def _browser(agent: Agent) -> tuple[Client, dict[str, str]]:
    """A browser signed in as ``agent`` and the CSRF header its pages' script would send."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    csrf = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    return client, {"X-CSRFToken": csrf}


def _create(client: Client, headers: dict[str, str], body: object) -> object:
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_signed_in_agent_creates_a_token_shown_once(agent_voirie):
    """The session with its CSRF token creates a token: the clear text comes back, once."""
    client, csrf = _browser(agent_voirie)

    response = _create(client, csrf, {"label": "script de sauvegarde"})

    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(agent=agent_voirie)
    assert body["id"] == str(token.id)
    assert body["label"] == token.label == "script de sauvegarde"
    assert body["token"].startswith(f"bfr_{token.prefix}_")
    assert body["last_used_at"] is None
    listed = client.get(URL).json()
    assert [item["id"] for item in listed] == [body["id"]]
    assert "token" not in listed[0]


def test_only_a_hash_of_the_token_is_stored(agent_voirie):
    """No column of the stored row holds the clear token or its secret part."""
    client, csrf = _browser(agent_voirie)

    clear_text = _create(client, csrf, {"label": "tableau de bord"}).json()["token"]

    secret = clear_text.rsplit("_", 1)[1]
    row = ApiToken.objects.filter(agent=agent_voirie).values().get()
    for column, value in row.items():
        assert clear_text not in str(value), column
        assert secret not in str(value), column
    assert row["secret_hash"] == hashlib.sha256(clear_text.encode()).hexdigest()


def test_the_new_token_opens_the_api(agent_voirie):
    """The token just shown works as a Bearer credential."""
    client, csrf = _browser(agent_voirie)
    clear_text = _create(client, csrf, {"label": "script"}).json()["token"]

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {clear_text}"})

    assert response.status_code == 200
    assert response.json()["username"] == agent_voirie.username


def test_creation_is_written_once_to_the_audit_trail(agent_voirie):
    """One audit event names the agent, the token and the address, never the clear token."""
    client, csrf = _browser(agent_voirie)

    clear_text = _create(client, csrf, {"label": "sauvegarde"}).json()["token"]

    token = ApiToken.objects.get(agent=agent_voirie)
    event = AuditEvent.objects.get(action="directory.api_token_created")
    assert event.actor_id == agent_voirie.id
    assert event.target_id == str(token.id)
    assert event.address == "127.0.0.1"
    assert event.details == {"label": "sauvegarde", "prefix": token.prefix}
    assert clear_text.rsplit("_", 1)[1] not in str(event.details)


def test_session_without_csrf_token_is_refused(agent_voirie):
    """A forged cross-site request riding on the session cookie creates nothing."""
    client, _csrf = _browser(agent_voirie)

    response = _create(client, {}, {"label": "piège"})

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_invalide"
    assert response.json()["message"].startswith("Le jeton CSRF est absent ou invalide.")
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="directory.api_token_created").exists()


def test_a_token_cannot_mint_another_token(agent_voirie):
    """A leaked token must not be able to breed: Bearer is refused here, with a reason."""
    _token, clear_text = actions.do_create_api_token(agent_voirie, "script")

    response = Client(enforce_csrf_checks=True).post(
        URL,
        {"label": "rejeton"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {clear_text}"},
    )

    assert response.status_code == 401
    assert response.json() == {
        "code": "non_authentifie",
        "message": "Cette action demande une session web : un jeton d'API ne suffit pas.",
        "fields": {},
    }
    assert list(ApiToken.objects.values_list("label", flat=True)) == ["script"]


def test_anonymous_caller_cannot_create_a_token(db):
    """With no session at all the answer is 401, not a CSRF complaint."""
    response = Client(enforce_csrf_checks=True).post(
        URL, {"label": "x"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "non_authentifie"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Ce champ est obligatoire."),
        ({"label": ""}, "Saisissez au moins 1 caractère(s)."),
        ({"label": "x" * 101}, "Saisissez au plus 100 caractères."),
        ({"label": "ligne\nsuivante"}, "Ce texte contient des caractères non permis."),
        ({"label": "   "}, "Donnez un nom de 1 à 100 caractères."),
    ],
)
def test_unacceptable_label_is_named_in_fields(agent_voirie, body, message):
    """A missing, empty, blank, too long or multi-line label is refused, naming the field."""
    client, csrf = _browser(agent_voirie)

    response = _create(client, csrf, body)

    assert response.status_code == 422
    assert response.json() == {
        "code": "donnees_invalides",
        "message": "Certaines données sont invalides.",
        "fields": {"label": [message]},
    }
    assert not ApiToken.objects.exists()
