"""Choosing the interface language: French by default, English on request."""

from __future__ import annotations

from django.conf import settings

from beffroi.directory.tests.factories import DEFAULT_PASSWORD


def test_switching_to_english_translates_the_sign_in_page(client, db):
    """The footer's language switch remembers English and the sign-in page then speaks it."""
    response = client.post("/i18n/langue/", {"language": "en", "next": "/connexion/"})

    assert response.status_code == 302
    assert response["Location"] == "/connexion/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/connexion/").content.decode()
    assert '<html lang="en">' in page
    assert "<title>Sign in · Beffroi</title>" in page
    assert 'for="id_username">Username</label>' in page
    assert ">Skip to content</a>" in page
    assert "Identifiant" not in page


def test_english_error_messages_after_switching(client, agent_voirie):
    """Once in English, a wrong password is explained in English too."""
    client.post("/i18n/langue/", {"language": "en", "next": "/connexion/"})

    response = client.post("/connexion/", {"username": "agent.voirie", "password": "wrong"})

    assert response.status_code == 401
    assert "Incorrect username or password." in response.content.decode()


def test_switching_back_to_french(client, db):
    """Choosing French again brings the French page back."""
    client.post("/i18n/langue/", {"language": "en", "next": "/connexion/"})

    client.post("/i18n/langue/", {"language": "fr", "next": "/connexion/"})

    page = client.get("/connexion/").content.decode()
    assert '<html lang="fr">' in page
    assert ">Se connecter</button>" in page


def test_each_language_is_offered_under_its_own_name(client, db):
    """The switch names each language in that language, so anyone can find their own."""
    page = client.get("/connexion/").content.decode()

    assert '<option value="fr" lang="fr" selected>Français</option>' in page
    assert '<option value="en" lang="en">English</option>' in page


def test_the_switch_refuses_to_send_people_elsewhere(client, db):
    """A ``next`` pointing at another site is not followed by the language switch."""
    response = client.post("/i18n/langue/", {"language": "en", "next": "https://pirate.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_signed_in_agents_choice_is_kept_on_their_account(client, agent_voirie):
    """Switching language while signed in is remembered for the agent's other devices."""
    client.force_login(agent_voirie)

    client.post("/i18n/langue/", {"language": "en", "next": "/"})

    agent_voirie.refresh_from_db()
    assert agent_voirie.language == "en"


def test_signing_in_applies_the_agents_language(client, agent_voirie):
    """On a new device, the agent's saved language applies from the moment they sign in."""
    agent_voirie.language = "en"
    agent_voirie.save()

    response = client.post(
        "/connexion/", {"username": "agent.voirie", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
