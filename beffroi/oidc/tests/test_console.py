"""Administrators register the provider's clients in the console; nobody else can."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.hashers import check_password
from oauth2_provider.models import AccessToken, Application

from beffroi.audit.models import AuditEvent
from beffroi.oidc.tests.factories import CALLBACK, registered_client

pytestmark = pytest.mark.django_db

NEW = "/console/applications/nouvelle/"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_administrator_registers_a_client_and_sees_its_secret_once(client, maire):
    """The secret is shown on the answer to the form, kept only as a hash, and audited."""
    client.force_login(maire)
    response = client.post(
        NEW,
        {
            "name": "Intranet",
            "client_type": "confidential",
            "redirect_uris": f"{CALLBACK}\nhttps://intranet.ville-exemple.fr/autre",
        },
    )
    assert response.status_code == 201
    application = Application.objects.get()
    secret = response.context["secret"]
    assert secret
    assert secret in response.content.decode()
    assert application.client_secret != secret
    assert check_password(secret, application.client_secret)
    assert application.redirect_uris.split() == [
        CALLBACK,
        "https://intranet.ville-exemple.fr/autre",
    ]
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.algorithm == Application.RS256_ALGORITHM
    assert not application.skip_authorization
    event = AuditEvent.objects.get(action="oidc.client_registered")
    assert event.actor_id == maire.pk
    assert secret not in str(event.details)
    detail = client.get(f"/console/applications/{application.pk}/")
    assert detail.status_code == 200
    assert secret not in detail.content.decode()
    assert application.client_id in detail.content.decode()


def test_a_public_client_gets_no_secret(client, maire):
    """A public client is registered without a secret to show."""
    client.force_login(maire)
    response = client.post(
        NEW,
        {
            "name": "Appli mobile",
            "client_type": "public",
            "redirect_uris": CALLBACK,
            "trusted": "on",
        },
    )
    assert response.status_code == 201
    assert response.context["secret"] is None
    application = Application.objects.get()
    assert application.client_type == Application.CLIENT_PUBLIC
    assert application.skip_authorization


@pytest.mark.parametrize(
    ("uris", "expected"),
    [
        ("intranet.ville-exemple.fr/callback", "n'est pas une adresse complète"),
        ("https://intranet.ville-exemple.fr/cb#fin", "fragment"),
        ("https://*.ville-exemple.fr/cb", "jokers"),
        ("ftp://intranet.ville-exemple.fr/cb", "n'est pas une adresse complète"),
    ],
)
def test_a_bad_redirect_address_is_explained_and_nothing_is_registered(
    client, maire, uris, expected
):
    """A bad redirect address is explained in French and nothing is written."""
    client.force_login(maire)
    response = client.post(
        NEW, {"name": "Intranet", "client_type": "public", "redirect_uris": uris}
    )
    assert response.status_code == 400
    assert expected in _text(response)
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(action="oidc.client_registered").exists()


def test_rotating_the_secret_shows_a_new_one_and_the_old_one_stops_matching(client, maire):
    """A new secret is shown once and replaces the old hash."""
    application = registered_client(maire)
    old_hash = application.client_secret
    client.force_login(maire)
    response = client.post(f"/console/applications/{application.pk}/secret/")
    assert response.status_code == 200
    secret = response.context["secret"]
    application.refresh_from_db()
    assert application.client_secret != old_hash
    assert check_password(secret, application.client_secret)
    assert AuditEvent.objects.filter(action="oidc.client_secret_rotated").exists()


def test_a_public_client_has_no_secret_to_rotate(client, maire):
    """Asking a public client for a new secret is explained and changes nothing."""
    application = registered_client(maire, confidential=False)
    before = application.client_secret
    client.force_login(maire)
    response = client.post(f"/console/applications/{application.pk}/secret/", follow=True)
    assert "n'a pas de secret" in _text(response)
    application.refresh_from_db()
    assert application.client_secret == before


def test_editing_a_client_changes_its_addresses_and_trust(client, maire):
    """Editing changes the name, addresses and trust, and is audited."""
    application = registered_client(maire)
    client.force_login(maire)
    response = client.post(
        f"/console/applications/{application.pk}/modifier/",
        {
            "name": "Intranet 2",
            "redirect_uris": "https://intra.ville-exemple.fr/cb",
            "trusted": "on",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.name == "Intranet 2"
    assert application.redirect_uris == "https://intra.ville-exemple.fr/cb"
    assert application.skip_authorization
    assert AuditEvent.objects.filter(action="oidc.client_updated").exists()


def test_deleting_a_client_asks_first_then_removes_it_and_its_tokens(client, maire, agent_voirie):
    """Deleting asks for confirmation, then removes the client and its tokens."""
    application = registered_client(maire)
    AccessToken.objects.create(
        user=agent_voirie, application=application, token="jeton", expires="2099-01-01T00:00Z"
    )
    client.force_login(maire)
    confirm = client.get(f"/console/applications/{application.pk}/supprimer/")
    assert confirm.status_code == 200
    assert Application.objects.exists()
    response = client.post(f"/console/applications/{application.pk}/supprimer/")
    assert response.status_code == 302
    assert not Application.objects.exists()
    assert not AccessToken.objects.exists()
    assert AuditEvent.objects.get(action="oidc.client_deleted").details["name"] == "Intranet"


@pytest.mark.parametrize(
    "persona", ["agent_voirie", "elu", "invite_externe", "chef_services_techniques"]
)
def test_only_administrators_see_the_clients(client, maire, persona, request):
    """Anyone else, a department manager included, gets the ordinary 404 page, and no write."""
    application = registered_client(maire)
    client.force_login(request.getfixturevalue(persona))
    for path in (
        "/console/applications/",
        NEW,
        f"/console/applications/{application.pk}/",
        f"/console/applications/{application.pk}/modifier/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/console/applications/{application.pk}/supprimer/").status_code == 404
    assert client.post(f"/console/applications/{application.pk}/secret/").status_code == 404
    assert Application.objects.filter(pk=application.pk).exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    """Signed out, the console sends to the sign-in page."""
    response = client.get("/console/applications/")
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_an_unknown_client_is_the_same_404(client, maire):
    """A client that does not exist is the ordinary 404."""
    client.force_login(maire)
    assert client.get("/console/applications/999999/").status_code == 404


def test_the_list_names_every_client(client, maire):
    """The list shows every registered client."""
    registered_client(maire, name="Intranet")
    registered_client(maire, name="Bureautique")
    client.force_login(maire)
    body = client.get("/console/applications/").content.decode()
    assert "Intranet" in body
    assert "Bureautique" in body
