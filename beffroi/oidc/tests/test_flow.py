"""A relying party signs agents in with Beffroi: authorization code + PKCE, against a live server,
with Authlib as the client and the ID token checked against the published keys."""

from __future__ import annotations

import pytest
import requests
from allauth.account.models import EmailAddress
from authlib.integrations.base_client import OAuthError
from oauth2_provider.models import AccessToken, Grant

from beffroi.audit.models import AuditEvent
from beffroi.directory.actions import do_set_status
from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.oidc.tests.relying_party import (
    REDIRECT_URI,
    Flow,
    query_of,
    register,
    signed_in_browser,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(flow: Flow, agent: Agent) -> dict:
    """The whole journey for ``agent``; returns the token response."""
    response = flow.authorize(signed_in_browser(agent))
    assert response.status_code == 302, response.text[:500]
    assert response.headers["Location"].startswith(REDIRECT_URI)
    return flow.fetch_token(response.headers["Location"])


def test_a_client_signs_an_agent_in_and_gets_every_documented_claim(
    live_server, maire, agent_voirie, voirie
):
    """Consent, code, PKCE, a signed ID token and userinfo carry the documented claims."""
    EmailAddress.objects.create(
        user=agent_voirie, email=agent_voirie.email, verified=True, primary=True
    )
    crise = AgentGroup.objects.create(name="Cellule de crise")
    crise.members.add(agent_voirie)
    flow = Flow(live_server.url, register(maire))

    token = _signed_in(flow, agent_voirie)

    claims = flow.verified_id_token(token["id_token"])
    expected = {
        "sub": str(agent_voirie.pk),
        "name": "Karim Benali",
        "given_name": "Karim",
        "family_name": "Benali",
        "preferred_username": "agent.voirie",
        "email": "agent.voirie@ville-exemple.fr",
        "email_verified": True,
        "groups": ["Cellule de crise"],
        "departments": [{"code": "VOIRIE", "name": "Voirie"}],
    }
    assert {name: claims[name] for name in expected} == expected
    userinfo = flow.userinfo()
    assert userinfo.status_code == 200
    assert {name: userinfo.json()[name] for name in expected} == expected
    assert token["token_type"] == "Bearer"
    assert AuditEvent.objects.filter(
        action="oidc.authorized", actor_id=agent_voirie.pk, details__application="Intranet"
    ).exists()


def test_claims_follow_the_granted_scopes(live_server, maire, agent_voirie):
    """A client that asks for `openid` alone learns who, not the name, groups or address."""
    flow = Flow(live_server.url, register(maire), scope="openid")
    token = _signed_in(flow, agent_voirie)
    claims = flow.verified_id_token(token["id_token"])
    assert claims["sub"] == str(agent_voirie.pk)
    for withheld in ("email", "name", "preferred_username", "groups", "departments"):
        assert withheld not in claims
    assert set(flow.userinfo().json()) == {"sub"}


def test_an_unverified_address_is_not_claimed_verified(live_server, maire, agent_finances):
    """An address nobody confirmed is sent with `email_verified: false`."""
    flow = Flow(live_server.url, register(maire, trusted=True))
    claims = flow.verified_id_token(_signed_in(flow, agent_finances)["id_token"])
    assert claims["email"] == "agent.finances@ville-exemple.fr"
    assert claims["email_verified"] is False


def test_a_trusted_public_client_skips_consent_and_needs_no_secret(
    live_server, maire, agent_voirie
):
    """A phone app registered as trusted: no consent page, no secret, PKCE proves the client."""
    registered = register(maire, confidential=False, trusted=True)
    assert registered.client_secret is None
    flow = Flow(live_server.url, registered)
    response = signed_in_browser(agent_voirie).get(
        flow.authorization_url(), allow_redirects=False, timeout=30
    )
    assert response.status_code == 302
    token = flow.fetch_token(response.headers["Location"])
    assert flow.verified_id_token(token["id_token"])["sub"] == str(agent_voirie.pk)


def test_an_agent_who_refuses_sends_the_client_away_empty_handed(live_server, maire, agent_voirie):
    """Refusing on the consent page redirects with `access_denied` and issues no code."""
    flow = Flow(live_server.url, register(maire))
    response = flow.authorize(signed_in_browser(agent_voirie), allow=False)
    assert response.status_code == 302
    assert query_of(response.headers["Location"])["error"] == "access_denied"
    assert not Grant.objects.exists()


def test_a_code_is_good_for_one_exchange_only(live_server, maire, agent_voirie):
    """Replaying an authorization code fails, and nothing more is issued."""
    flow = Flow(live_server.url, register(maire, trusted=True))
    response = flow.authorize(signed_in_browser(agent_voirie))
    location = response.headers["Location"]
    flow.fetch_token(location)
    with pytest.raises(OAuthError, match="invalid_grant"):
        flow.fetch_token(location)
    assert AccessToken.objects.count() == 1


@pytest.mark.parametrize(
    "verifier", [None, "un-verificateur-qui-ne-correspond-pas-du-tout-0123456789-abcdef"]
)
def test_a_missing_or_wrong_code_verifier_is_refused(live_server, maire, agent_voirie, verifier):
    """Without the PKCE verifier that matches the challenge, the code is worth nothing."""
    flow = Flow(live_server.url, register(maire, trusted=True))
    location = flow.authorize(signed_in_browser(agent_voirie)).headers["Location"]
    response = requests.post(
        flow.discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": query_of(location)["code"],
            "redirect_uri": REDIRECT_URI,
            **({"code_verifier": verifier} if verifier is not None else {}),
        },
        auth=(flow.registered.client_id, flow.registered.client_secret),
        timeout=30,
    )
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "invalid_grant")
    assert not AccessToken.objects.exists()


def test_a_public_client_without_pkce_is_refused(live_server, maire, agent_voirie):
    """An authorization request without a code challenge gets an error, not a code."""
    registered = register(maire, confidential=False, trusted=True)
    flow = Flow(live_server.url, registered)
    url = flow.discovery["authorization_endpoint"]
    response = signed_in_browser(agent_voirie).get(
        url,
        params={
            "response_type": "code",
            "client_id": registered.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid",
            "state": "etat-1234",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302
    answer = query_of(response.headers["Location"])
    assert answer["error"] == "invalid_request"
    assert "code" not in answer
    assert not Grant.objects.exists()


def test_the_plain_pkce_method_is_refused(live_server, maire, agent_voirie):
    """Only S256 is accepted: a `plain` challenge gets an error, not a code."""
    registered = register(maire, confidential=False, trusted=True)
    flow = Flow(live_server.url, registered)
    response = signed_in_browser(agent_voirie).get(
        flow.discovery["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": registered.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid",
            "code_challenge": "a" * 50,
            "code_challenge_method": "plain",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302
    assert "error" in query_of(response.headers["Location"])
    assert not Grant.objects.exists()


def test_a_suspended_agent_cannot_authorize(live_server, maire, agent_voirie):
    """Even with a session still open, a suspended agent gets a refusal page and no code."""
    flow = Flow(live_server.url, register(maire, trusted=True))
    Agent.objects.filter(pk=agent_voirie.pk).update(status=Agent.Status.SUSPENDED)
    agent_voirie.refresh_from_db()
    response = flow.authorize(signed_in_browser(agent_voirie))
    assert response.status_code == 403
    assert "Connexion impossible" in response.text
    assert not Grant.objects.exists()


def test_suspending_an_agent_stops_their_tokens(live_server, maire, agent_voirie):
    """Tokens given before the suspension stop working: userinfo and refresh both refuse."""
    flow = Flow(live_server.url, register(maire, trusted=True))
    token = _signed_in(flow, agent_voirie)
    assert flow.userinfo().status_code == 200

    do_set_status(agent_voirie, Agent.Status.SUSPENDED, acting=maire)

    assert flow.userinfo().status_code == 401
    with pytest.raises(OAuthError, match="invalid_grant"):
        flow.session.refresh_token(
            flow.discovery["token_endpoint"], refresh_token=token["refresh_token"]
        )


def test_a_code_issued_before_a_suspension_cannot_be_exchanged(live_server, maire, agent_voirie):
    """Suspended between the consent and the exchange: the code is refused."""
    flow = Flow(live_server.url, register(maire, trusted=True))
    location = flow.authorize(signed_in_browser(agent_voirie)).headers["Location"]
    do_set_status(agent_voirie, Agent.Status.SUSPENDED, acting=maire)
    with pytest.raises(OAuthError, match="invalid_grant"):
        flow.fetch_token(location)
    assert not AccessToken.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in_first(live_server, maire):
    """The authorization page asks who you are before anything else."""
    flow = Flow(live_server.url, register(maire))
    response = requests.get(flow.authorization_url(), allow_redirects=False, timeout=30)
    assert response.status_code == 302
    assert "next=" in response.headers["Location"]
    assert not Grant.objects.exists()


def test_departments_are_listed_by_code_and_name(live_server, maire, agent_voirie, finances):
    """An agent in two departments gets both, sorted by code."""
    agent_voirie.memberships.create(department=Department.objects.get(code="FINANCES"))
    flow = Flow(live_server.url, register(maire, trusted=True), scope="openid departments")
    claims = flow.verified_id_token(_signed_in(flow, agent_voirie)["id_token"])
    assert claims["departments"] == [
        {"code": "FINANCES", "name": "Finances"},
        {"code": "VOIRIE", "name": "Voirie"},
    ]
