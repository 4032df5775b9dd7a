"""What a relying party reads before it starts: discovery, keys, and nothing else exposed."""

from __future__ import annotations

import pytest

from beffroi.oidc.claims import CLAIM_SCOPES
from beffroi.oidc.tests.factories import registered_client

pytestmark = pytest.mark.django_db


def test_discovery_announces_code_flow_with_s256_and_the_documented_claims(client):
    """The document names the endpoints, PKCE S256 only, RS256 and every documented claim."""
    response = client.get("/o/.well-known/openid-configuration")
    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == "http://testserver/o"
    assert document["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert document["token_endpoint"] == "http://testserver/o/token/"
    assert document["userinfo_endpoint"] == "http://testserver/o/userinfo/"
    assert document["jwks_uri"] == "http://testserver/o/.well-known/jwks.json"
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert set(document["scopes_supported"]) == {
        "openid",
        "profile",
        "email",
        "groups",
        "departments",
    }
    assert set(CLAIM_SCOPES) <= set(document["claims_supported"])


def test_the_keys_publish_one_rsa_signing_key(client):
    """The JWKS holds the public half of the signing key, never the private one."""
    keys = client.get("/o/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA"
    assert keys[0]["alg"] == "RS256"
    assert keys[0]["kid"]
    assert "d" not in keys[0]


def test_the_site_root_sends_to_the_discovery_document(client):
    """/.well-known/openid-configuration at the root redirects to the provider's own."""
    response = client.get("/.well-known/openid-configuration")
    assert response.status_code == 302
    assert response["Location"] == "/o/.well-known/openid-configuration"


@pytest.mark.parametrize(
    "path", ["/o/applications/", "/o/applications/register/", "/o/authorized_tokens/"]
)
def test_the_toolkits_own_client_pages_are_not_exposed(client, agent_voirie, path):
    """Agents cannot register clients themselves: only the console does that."""
    client.force_login(agent_voirie)
    assert client.get(path).status_code == 404


def test_the_consent_page_allows_the_clients_origin_to_receive_the_answer(
    client, maire, agent_voirie
):
    """The consent page widens form-action to the client's origin, so browsers follow the
    redirect after « Autoriser », and keeps every other rule of the strict policy."""
    application = registered_client(maire)
    client.force_login(agent_voirie)
    response = client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": application.client_id,
            "redirect_uri": "https://intranet.ville-exemple.fr/oidc/callback",
            "scope": "openid email",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "form-action 'self' https://intranet.ville-exemple.fr" in policy
    assert "script-src 'self'" in policy
    body = response.content.decode()
    assert "Se connecter à « Intranet »" in body
    assert "Connaître votre adresse électronique" in body
