"""The page « Mots de passe d'application »: create one (shown once, with setup hints), see
where each was last used, revoke it."""

from __future__ import annotations

import re

from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.directory import actions
from beffroi.directory.access import authenticate_app_password
from beffroi.directory.models import AppPassword

PAGE = "/profil/mots-de-passe-applications/"
SECRET = re.compile(r'<code class="secret" id="nouveau-mot-de-passe">([a-z0-9-]+)</code>')
PHONE = "192.0.2.44"


def _revoke_url(app_password: AppPassword) -> str:
    return reverse("web:revoke_app_password", kwargs={"app_password_id": app_password.pk})


def test_the_page_requires_signing_in(client, db):
    """An anonymous visitor is sent to the sign-in page, which will bring them back."""
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].endswith(f"?next={PAGE}")


def test_the_profile_links_to_the_page(client, agent_voirie):
    """« Mon profil » leads to the app passwords."""
    client.force_login(agent_voirie)

    page = client.get("/profil/").content.decode()

    assert f'<a href="{PAGE}">Gérer mes mots de passe d\'application</a>' in page


def test_a_new_app_password_is_shown_once_with_its_setup(client, agent_voirie):
    """The secret is shown once with a copy button, works at once for the chosen scopes, and
    afterwards only its name, scopes and dates are listed."""
    client.force_login(agent_voirie)

    created = client.post(PAGE, {"label": "Téléphone", "scopes": ["files", "calendars"]})

    assert created.status_code == 200
    page = created.content.decode()
    secret = SECRET.search(page).group(1)
    assert 'data-copy="nouveau-mot-de-passe"' in page
    assert "http://testserver/dav/files/agent.voirie/" in page
    assert "http://testserver/.well-known/caldav" in page
    assert "prochainement" in page
    app_password = AppPassword.objects.get(agent=agent_voirie)
    assert app_password.scopes == ["files", "calendars"]
    assert authenticate_app_password("agent.voirie", secret, scope="files", address=PHONE)
    later = client.get(PAGE).content.decode()
    assert secret not in later
    assert '<td data-label="Nom">Téléphone</td>' in later
    assert '<td data-label="Usages">fichiers, agendas et contacts</td>' in later
    assert f"· {PHONE}</td>" in later


def test_the_form_explains_what_is_missing(client, agent_voirie):
    """Without a name or a scope nothing is created and each field says why."""
    client.force_login(agent_voirie)

    response = client.post(PAGE, {"label": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce champ est obligatoire." in page
    assert "Choisissez au moins un usage." in page
    assert "<title>Erreur : Mots de passe d" in page
    assert SECRET.search(page) is None
    assert not AppPassword.objects.exists()


def test_revoking_from_the_page(client, agent_voirie):
    """The Révoquer button revokes it at once and says so."""
    app_password, _secret = actions.do_create_app_password(agent_voirie, "Thunderbird", ["mail"])
    client.force_login(agent_voirie)

    response = client.post(_revoke_url(app_password), follow=True)

    assert response.status_code == 200
    assert "Le mot de passe « Thunderbird » est révoqué" in response.content.decode()
    app_password.refresh_from_db()
    assert app_password.revoked_at is not None
    assert AuditEvent.objects.get(action="directory.app_password_revoked").actor_id == (
        agent_voirie.pk
    )


def test_nobody_revokes_a_colleague_app_password(client, agent_voirie, agent_finances):
    """Someone else's app password is answered as a missing one and stays in service."""
    theirs, _ = actions.do_create_app_password(agent_finances, "Téléphone", ["files"])
    client.force_login(agent_voirie)

    response = client.post(_revoke_url(theirs), follow=True)

    assert "existe pas ou est déjà révoqué" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_needs_a_post(client, agent_voirie):
    """A link (GET) cannot revoke: only the form's POST does."""
    app_password, _ = actions.do_create_app_password(agent_voirie, "Thunderbird", ["mail"])
    client.force_login(agent_voirie)

    response = client.get(_revoke_url(app_password))

    assert response.status_code == 405
    app_password.refresh_from_db()
    assert app_password.revoked_at is None
