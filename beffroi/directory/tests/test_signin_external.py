"""Sign-in through the organisation's identity provider (ProConnect, Keycloak) when configured.

The exchange with the provider itself (redirect, code, tokens) is allauth's and needs the
provider; these tests start where the provider's answer comes back: allauth's own flow turns the
claims into a sign-in, through Beffroi's adapters.
"""

from __future__ import annotations

import pytest
from allauth.core import context
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.internal.flows.login import complete_login
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from beffroi.audit.models import AuditEvent
from beffroi.directory import actions
from beffroi.directory.models import Agent

PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "organisation",
                "name": "ProConnect",
                "client_id": "beffroi-ville-exemple",
                "secret": "secret-du-client",
                "settings": {"server_url": "https://proconnect.example/api/v2"},
            }
        ],
    }
}


@pytest.fixture
def provider_configured(settings):
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS


def back_from_provider(claims: dict):
    """The request on which the provider's answer arrives, and allauth's answer to it."""
    request = RequestFactory().get("/compte/oidc/organisation/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.save()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    with context.request_context(request):
        provider = get_social_adapter().get_provider(request, "organisation")
        sociallogin = provider.sociallogin_from_response(request, {"userinfo": claims})
        sociallogin.state = {"process": "login"}
        response = complete_login(request, sociallogin)
    return request, response


def test_no_provider_button_without_configuration(client, db):
    page = client.get("/connexion/").content.decode()

    assert "Se connecter avec" not in page.replace("Se connecter avec une clé d'accès", "")
    assert "/compte/oidc/" not in page


def test_the_provider_button_appears_once_configured(client, provider_configured, db):
    page = client.get("/connexion/").content.decode()

    assert "Se connecter avec ProConnect" in page
    assert 'href="/compte/oidc/organisation/login/?process=login"' in page


def test_an_agent_is_recognised_by_e_mail_and_signed_in(provider_configured, agent_voirie):
    """At the first visit the provider's identity is tied to the agent with that address (in
    any case), and both the link and the sign-in are in the audit trail."""
    request, response = back_from_provider(
        {"sub": "pc-4521", "email": "Agent.Voirie@Ville-Exemple.fr", "email_verified": True}
    )

    assert response.status_code == 302
    assert request.session[SESSION_KEY] == str(agent_voirie.pk)
    assert SocialAccount.objects.get(uid="pc-4521").user == agent_voirie
    assert AuditEvent.objects.filter(action="directory.external_account_linked").exists()
    assert AuditEvent.objects.get(action="directory.sign_in").details == {"channel": "oidc"}


def test_a_stranger_is_turned_away_and_no_account_is_created(provider_configured, agent_voirie):
    count = Agent.objects.count()

    request, response = back_from_provider(
        {"sub": "pc-9999", "email": "inconnu@ailleurs.fr", "email_verified": True}
    )

    assert response.status_code == 403
    assert "Aucun compte ne correspond" in response.content.decode()
    assert SESSION_KEY not in request.session
    assert Agent.objects.count() == count
    assert not SocialAccount.objects.exists()


def test_an_address_the_provider_has_not_verified_is_not_trusted(provider_configured, agent_voirie):
    request, response = back_from_provider(
        {"sub": "pc-4521", "email": "agent.voirie@ville-exemple.fr", "email_verified": False}
    )

    assert response.status_code == 403
    assert SESSION_KEY not in request.session


def test_a_suspended_agent_cannot_come_in_through_the_provider(
    provider_configured, agent_voirie, maire
):
    """Already linked, but suspended since: the provider proves who they are, not that they may
    still come in."""
    back_from_provider({"sub": "pc-4521", "email": "agent.voirie@ville-exemple.fr"})
    actions.do_set_status(agent_voirie, Agent.Status.SUSPENDED, acting=maire)

    request, response = back_from_provider(
        {"sub": "pc-4521", "email": "agent.voirie@ville-exemple.fr"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/compte/inactive/"
    assert SESSION_KEY not in request.session
