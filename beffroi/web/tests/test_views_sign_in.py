"""Signing in and out of the web shell."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.directory.tests.factories import DEFAULT_PASSWORD

SIGN_IN = "/connexion/"


def test_sign_in_page_is_in_french_by_default(client, db):
    """A visitor whose browser states no language gets the sign-in page in French."""
    response = client.get(SIGN_IN)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "<title>Connexion · Beffroi</title>" in page
    assert 'for="id_username">Identifiant</label>' in page
    assert ">Se connecter</button>" in page
    assert response.wsgi_request.session.get(SESSION_KEY) is None


def test_wrong_password_shows_the_french_error_and_stays_on_the_page(client, agent_voirie):
    """A wrong password answers 401 on the same page, with the French error announced, the
    username kept, and the failure written to the audit trail."""
    response = client.post(SIGN_IN, {"username": "agent.voirie", "password": "pas le bon"})

    assert response.status_code == 401
    assert response.templates[0].name == "web/sign_in.html"
    page = response.content.decode()
    assert '<div class="alert alert--error" role="alert"' in page
    assert "Identifiant ou mot de passe incorrect." in page
    assert 'value="agent.voirie"' in page
    assert "<title>Erreur : Connexion · Beffroi</title>" in page
    assert SESSION_KEY not in client.session
    failure = AuditEvent.objects.get(action="directory.sign_in_failed")
    assert failure.details["username"] == "agent.voirie"


def test_empty_fields_are_marked_invalid_and_tied_to_their_error(client, db):
    """Each empty field is flagged aria-invalid and described by the message under it."""
    response = client.post(SIGN_IN, {"username": "", "password": ""})

    assert response.status_code == 400
    page = response.content.decode()
    for name in ("username", "password"):
        field = re.search(rf'<input [^>]*name="{name}"[^>]*>', page)
        assert field is not None
        assert 'aria-invalid="true"' in field.group()
        described_by = re.search(r'aria-describedby="([^"]+)"', field.group())
        assert described_by is not None
        error_id = described_by.group(1)
        assert re.search(rf'id="{error_id}">\s*<p>Ce champ est obligatoire.</p>', page)
    assert SESSION_KEY not in client.session


def test_correct_credentials_lead_to_the_home_page(client, agent_voirie):
    """The right username and password open a session and redirect to Accueil."""
    response = client.post(SIGN_IN, {"username": "agent.voirie", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session[SESSION_KEY] == str(agent_voirie.pk)
    assert AuditEvent.objects.filter(action="directory.sign_in", actor_id=agent_voirie.pk).exists()


def test_next_on_the_same_site_is_followed(client, agent_voirie):
    """After signing in, the person lands on the page they first asked for."""
    response = client.post(
        f"{SIGN_IN}?next=/profil/",
        {"username": "agent.voirie", "password": DEFAULT_PASSWORD, "next": "/profil/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/profil/"
    assert client.session[SESSION_KEY] == str(agent_voirie.pk)


def test_the_sign_in_form_carries_next_along(client, db):
    """The page asked for before signing in travels in a hidden field of the form."""
    response = client.get(f"{SIGN_IN}?next=/profil/")

    assert '<input type="hidden" name="next" value="/profil/">' in response.content.decode()


@pytest.mark.parametrize(
    "target",
    ["https://pirate.example/connexion/", "//pirate.example/", "http://testserver.pirate.example/"],
)
def test_next_to_another_site_is_ignored(client, agent_voirie, target):
    """A ``next`` pointing at another site cannot turn the sign-in into an open redirect."""
    response = client.post(
        SIGN_IN, {"username": "agent.voirie", "password": DEFAULT_PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session[SESSION_KEY] == str(agent_voirie.pk)


def test_a_signed_in_agent_skips_the_sign_in_page(client, agent_voirie):
    """Someone already signed in who opens the sign-in page is sent on to Accueil."""
    client.force_login(agent_voirie)

    response = client.get(SIGN_IN)

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_repeated_failures_are_slowed_down_in_french(client, agent_voirie, settings):
    """Past the free attempts, even the right password must wait, and the page says so."""
    settings.SIGN_IN_FREE_ATTEMPTS = 1
    client.post(SIGN_IN, {"username": "agent.voirie", "password": "pas le bon"})

    response = client.post(SIGN_IN, {"username": "agent.voirie", "password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert "Trop de tentatives. Réessayez dans" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_sign_out_refuses_a_get(client, agent_voirie):
    """A link or an image cannot sign someone out: GET is refused and the session stays."""
    client.force_login(agent_voirie)

    response = client.get("/deconnexion/")

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(agent_voirie.pk)


def test_sign_out_by_post_ends_the_session(client, agent_voirie):
    """The sign-out button ends the session and says so on the sign-in page."""
    client.force_login(agent_voirie)

    response = client.post("/deconnexion/", follow=True)

    assert response.redirect_chain == [(reverse("web:sign_in"), 302)]
    assert SESSION_KEY not in client.session
    assert "Vous êtes déconnecté." in response.content.decode()
