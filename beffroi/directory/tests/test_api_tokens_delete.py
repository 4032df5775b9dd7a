"""DELETE /api/v1/me/tokens/{id}: an agent revokes one of their personal tokens."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from beffroi.audit.models import AuditEvent
from beffroi.directory import actions
from beffroi.directory.models import ApiToken


def _url(token_id: object) -> str:
    return f"/api/v1/me/tokens/{token_id}"


def _bearer(clear_text: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {clear_text}"}


def test_agent_revokes_a_token_with_another_of_theirs(agent_voirie):
    """The token is revoked at once, the revocation is audited, and it no longer opens the API."""
    _kept, kept_clear = actions.do_create_api_token(agent_voirie, "script principal")
    doomed, doomed_clear = actions.do_create_api_token(agent_voirie, "portable perdu")

    response = Client().delete(_url(doomed.id), headers=_bearer(kept_clear))

    assert response.status_code == 204
    assert response.content == b""
    doomed.refresh_from_db()
    assert doomed.revoked_at is not None
    event = AuditEvent.objects.get(action="directory.api_token_revoked")
    assert event.actor_id == agent_voirie.id
    assert event.target_id == str(doomed.id)
    assert event.details == {"label": "portable perdu", "prefix": doomed.prefix}
    assert Client().get("/api/v1/me", headers=_bearer(doomed_clear)).status_code == 401


def test_a_token_may_revoke_itself(agent_voirie):
    """A script can retire its own token; the next call with it is refused."""
    token, clear_text = actions.do_create_api_token(agent_voirie, "usage unique")

    response = Client().delete(_url(token.id), headers=_bearer(clear_text))

    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/me", headers=_bearer(clear_text)).status_code == 401


def test_another_agents_token_looks_exactly_like_a_missing_one(agent_voirie, agent_finances):
    """Revoking someone else's token answers the same 404 as an unknown id, and changes nothing."""
    _mine, clear_text = actions.do_create_api_token(agent_voirie, "script")
    theirs, _ = actions.do_create_api_token(agent_finances, "export comptable")

    foreign = Client().delete(_url(theirs.id), headers=_bearer(clear_text))
    missing = Client().delete(_url(uuid.uuid4()), headers=_bearer(clear_text))

    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    assert foreign.json()["code"] == "introuvable"
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not AuditEvent.objects.filter(action="directory.api_token_revoked").exists()


def test_an_already_revoked_token_is_not_found(agent_voirie):
    """Revoking twice gives 404 the second time and writes a single audit event."""
    _kept, kept_clear = actions.do_create_api_token(agent_voirie, "script")
    doomed, _ = actions.do_create_api_token(agent_voirie, "vieux")
    assert Client().delete(_url(doomed.id), headers=_bearer(kept_clear)).status_code == 204

    response = Client().delete(_url(doomed.id), headers=_bearer(kept_clear))

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="directory.api_token_revoked").count() == 1


def test_browser_revocation_needs_the_csrf_token(agent_voirie):
    """From the web session, revoking without the CSRF token is refused and the token lives on."""
    token, _ = actions.do_create_api_token(agent_voirie, "script")
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent_voirie)

    response = client.delete(_url(token.id))

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_invalide"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_browser_revokes_with_the_csrf_token(agent_voirie):
    """From the web session with the CSRF token, the token is revoked."""
    token, _ = actions.do_create_api_token(agent_voirie, "script")
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent_voirie)
    csrf = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf

    response = client.delete(_url(token.id), headers={"X-CSRFToken": csrf})

    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_id_that_is_not_a_uuid_is_named_in_fields(agent_voirie):
    """A malformed id is a 422 naming the path parameter, not a 500."""
    _token, clear_text = actions.do_create_api_token(agent_voirie, "script")

    response = Client().delete(_url("pas-un-uuid"), headers=_bearer(clear_text))

    assert response.status_code == 422
    assert response.json()["fields"] == {"token_id": ["Un identifiant (UUID) valide est attendu."]}
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
