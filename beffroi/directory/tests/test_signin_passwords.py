"""Passwords: who may sign in, the policy for new passwords, and the change forced after a reset."""

from __future__ import annotations

import gzip

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from beffroi.audit.models import AuditEvent
from beffroi.directory import actions
from beffroi.directory.models import Agent
from beffroi.directory.signin.validators import COMMON_PASSWORDS, common_passwords
from beffroi.directory.tests.factories import DEFAULT_PASSWORD

SIGN_IN = "/connexion/"
CHANGE = "/compte/password/change/"
STRONG = "Le beffroi sonne midi sur la place"


def sign_in(client, username: str, password: str = DEFAULT_PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_the_bundled_list_holds_the_hundred_thousand_most_common_passwords():
    """The list ships with Beffroi (no network) and is read whole."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        assert sum(1 for _ in lines) == 100_000
    assert {"123456", "azerty", "motdepasse", "qwertyuiop123"} & common_passwords()


@pytest.mark.parametrize("password", ["qwertyuiop123", "1qaz2wsx3edc", "Sunshine2024!!!"])
def test_a_breached_password_is_refused_in_french(agent_voirie, password):
    """A password of the list, in any case, or one with digits and signs added at its end,
    is refused with a French explanation."""
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=agent_voirie)

    assert any("figure parmi les plus utilisés" in message for message in refused.value.messages)


def test_a_long_uncommon_password_passes(agent_voirie):
    validate_password(STRONG, user=agent_voirie)


def test_a_short_password_is_refused(agent_voirie):
    """Twelve characters at least."""
    with pytest.raises(ValidationError) as refused:
        validate_password("Cl0cher!xyz", user=agent_voirie)

    assert refused.value.error_list[0].code == "password_too_short"


def test_the_right_password_opens_a_session_and_is_audited(client, agent_voirie):
    response = sign_in(client, "agent.voirie")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(agent_voirie.pk)
    event = AuditEvent.objects.get(action="directory.sign_in")
    assert event.details == {"channel": "web"}


@pytest.mark.parametrize("status", [Agent.Status.SUSPENDED, Agent.Status.DEPARTED])
def test_suspended_and_departed_agents_cannot_sign_in(client, agent_voirie, maire, status):
    """With the right password, a suspended or departed agent gets the same answer as a wrong
    password: nothing tells an attacker that the account exists."""
    actions.do_set_status(agent_voirie, status, acting=maire)

    response = sign_in(client, "agent.voirie")

    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="directory.sign_in_failed").count() == 1


def test_nobody_signs_up(client, db):
    """The sign-up address says accounts come from the administrators, and creates nothing."""
    count = Agent.objects.count()

    page = client.get("/compte/signup/")
    posted = client.post(
        "/compte/signup/", {"username": "intrus", "password1": STRONG, "password2": STRONG}
    )

    assert "Pas d'inscription en ligne" in page.content.decode()
    assert "Pas d'inscription en ligne" in posted.content.decode()
    assert Agent.objects.count() == count


def test_wrong_passwords_slow_down_the_pair_but_not_another_address(client, agent_voirie, settings):
    """Past the free attempts from one address even the right password must wait there, while
    the same agent signs in from another address: nobody can lock the agent out."""
    settings.SIGN_IN_FREE_ATTEMPTS = 2
    for _ in range(2):
        sign_in(client, "agent.voirie", "pas le bon")

    slowed = sign_in(client, "agent.voirie")
    elsewhere = client.post(
        SIGN_IN,
        {"username": "agent.voirie", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="192.0.2.44",
    )

    assert slowed.status_code == 429
    assert "Trop de tentatives. Réessayez dans" in slowed.content.decode()
    assert elsewhere.status_code == 302
    assert client.session[SESSION_KEY] == str(agent_voirie.pk)


def test_a_reset_password_must_be_changed_before_anything_else(client, agent_voirie, maire):
    """After an administrator's reset, the agent signs in with the temporary password and every
    page leads to the password change until they have chosen their own; then the flag is cleared,
    the change is audited and the pages open."""
    temporary = actions.do_reset_password(agent_voirie, acting=maire)
    sign_in(client, "agent.voirie", temporary)

    assert client.get("/").url == CHANGE
    assert client.get("/profil/").url == CHANGE
    page = client.get(CHANGE).content.decode()
    assert "Votre mot de passe a été réinitialisé par un administrateur" in page

    response = client.post(
        CHANGE, {"oldpassword": temporary, "password1": STRONG, "password2": STRONG}
    )

    assert response.status_code == 302
    agent_voirie.refresh_from_db()
    assert not agent_voirie.must_change_password
    assert agent_voirie.check_password(STRONG)
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action="directory.password_changed", actor_id=agent_voirie.pk
    ).exists()


def test_a_common_new_password_is_refused_on_the_change_page(client, agent_voirie, maire):
    """The forced change still applies the policy: a breached password is refused in French."""
    temporary = actions.do_reset_password(agent_voirie, acting=maire)
    sign_in(client, "agent.voirie", temporary)

    response = client.post(
        CHANGE,
        {"oldpassword": temporary, "password1": "qwertyuiop123", "password2": "qwertyuiop123"},
    )

    assert response.status_code == 200
    assert "figure parmi les plus utilisés" in response.content.decode()
    agent_voirie.refresh_from_db()
    assert agent_voirie.must_change_password
