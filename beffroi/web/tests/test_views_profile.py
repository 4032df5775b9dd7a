"""Mon profil: identity and personal API tokens."""

from __future__ import annotations

import re
import uuid

from django.urls import reverse

from beffroi.directory import actions
from beffroi.directory.models import ApiToken

PROFILE = "/profil/"
TOKEN = re.compile(r'<code class="secret" id="nouveau-jeton">(bfr_[A-Za-z0-9_-]+)</code>')


def _revoke_url(token: ApiToken) -> str:
    return reverse("web:revoke_token", kwargs={"token_id": token.pk})


def test_profile_requires_signing_in(client, db):
    """An anonymous visitor is sent to the sign-in page, which will bring them back."""
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/profil/"


def test_profile_shows_who_is_signed_in(client, agent_voirie):
    """The profile lists the agent's name, username, address and job title."""
    client.force_login(agent_voirie)

    response = client.get(PROFILE)

    assert response.status_code == 200
    page = response.content.decode()
    for value in (
        "Karim Benali",
        "agent.voirie",
        "agent.voirie@ville-exemple.fr",
        "Agent de voirie",
    ):
        assert f"<dd>{value}</dd>" in page
    assert "Aucun jeton actif." in page


def test_a_new_token_is_shown_once_then_listed(client, agent_voirie):
    """Creating a token shows its secret once; afterwards only its name and prefix are listed."""
    client.force_login(agent_voirie)

    created = client.post(PROFILE, {"label": "script de sauvegarde"})

    assert created.status_code == 200
    shown = TOKEN.search(created.content.decode())
    assert shown is not None
    token = ApiToken.objects.get(agent=agent_voirie, label="script de sauvegarde")
    assert token.revoked_at is None
    assert shown.group(1).startswith(f"bfr_{token.prefix}_")
    later = client.get(PROFILE).content.decode()
    assert shown.group(1) not in later
    assert TOKEN.search(later) is None
    assert '<td data-label="Nom">script de sauvegarde</td>' in later
    assert f"<code>bfr_{token.prefix}_…</code>" in later


def test_a_token_needs_a_name(client, agent_voirie):
    """Without a name no token is created and the field explains why."""
    client.force_login(agent_voirie)

    response = client.post(PROFILE, {"label": "   "})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_label_helptext id_label_error"' in page
    assert '<div class="field__error" id="id_label_error">' in page
    assert "Ce champ est obligatoire." in page
    assert not ApiToken.objects.filter(agent=agent_voirie).exists()


def test_revoking_a_token_removes_it_from_the_list(client, agent_voirie):
    """The revoke button revokes the token, confirms it, and the list no longer shows it."""
    token, _secret = actions.do_create_api_token(agent_voirie, "tableur des congés")
    client.force_login(agent_voirie)

    response = client.post(_revoke_url(token), follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    page = response.content.decode()
    assert "Le jeton « tableur des congés » est révoqué." in page
    assert "Aucun jeton actif." in page
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_needs_a_post(client, agent_voirie):
    """Opening the revoke address does not revoke anything."""
    token, _secret = actions.do_create_api_token(agent_voirie, "tableur des congés")
    client.force_login(agent_voirie)

    response = client.get(_revoke_url(token))

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoked_foreign_and_unknown_tokens_get_the_same_answer(
    client, agent_voirie, agent_finances
):
    """Revoking a token already revoked, someone else's, or one that never existed all give
    the same message, so nobody learns which tokens exist; the colleague's token stays valid."""
    own, _secret = actions.do_create_api_token(agent_voirie, "ancien script")
    actions.do_revoke_api_token(own, acting=agent_voirie)
    foreign, _secret = actions.do_create_api_token(agent_finances, "export comptable")
    client.force_login(agent_voirie)

    answers = []
    for address in (
        _revoke_url(own),
        _revoke_url(foreign),
        reverse("web:revoke_token", kwargs={"token_id": uuid.uuid4()}),
    ):
        response = client.post(address, follow=True)
        assert response.redirect_chain == [(PROFILE, 302)]
        answers.append([str(message) for message in response.context["messages"]])

    assert answers == [["Ce jeton n'existe pas ou a déjà été révoqué."]] * 3
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
