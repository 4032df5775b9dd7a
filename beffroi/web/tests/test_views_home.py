"""Accueil: the home page a person reaches after signing in."""

from __future__ import annotations


def test_home_requires_signing_in(client, db):
    """An anonymous visitor is sent to the sign-in page, which will bring them back."""
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/"


def test_home_greets_the_agent_and_lists_their_services(client, agent_voirie):
    """A signed-in agent is greeted by first name and finds their services as tiles."""
    client.force_login(agent_voirie)

    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Bonjour Karim</h1>" in page
    assert '<a class="main-nav__link" href="/" aria-current="page">Accueil</a>' in page
    assert '<a class="tile__link" href="/profil/">Mon profil</a>' in page
    assert "Administration" not in page


def test_home_offers_administration_to_staff(client, maire):
    """The organisation administrator also finds the administration among the services."""
    client.force_login(maire)

    response = client.get("/")

    assert response.status_code == 200
    assert '<a class="tile__link" href="/console/">Administration</a>' in response.content.decode()


def test_a_department_manager_also_finds_the_administration(client, chef_services_techniques):
    """Managers administer their departments from the same console."""
    client.force_login(chef_services_techniques)

    page = client.get("/").content.decode()

    assert 'href="/console/"' in page


def test_an_agent_does_not_see_the_administration(client, agent_voirie):
    client.force_login(agent_voirie)

    assert 'href="/console/"' not in client.get("/").content.decode()
    assert client.get("/console/").status_code == 404
