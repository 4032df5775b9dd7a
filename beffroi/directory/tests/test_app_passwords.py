"""App passwords: created for one client, shown once, stored as a hash, limited to some
protocols, revocable, and checked by the one function protocol adapters call."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.core.errors import InvalidInput, NotAuthenticated, NotFound
from beffroi.directory.access import (
    access_own_app_password,
    access_own_app_passwords,
    authenticate_app_password,
    authenticate_protocol_client,
)
from beffroi.directory.actions import (
    do_create_app_password,
    do_note_app_password_use,
    do_revoke_app_password,
    do_set_status,
    do_update_organisation,
)
from beffroi.directory.actions.app_passwords import SECRET_ALPHABET
from beffroi.directory.models import AppPassword, Role
from beffroi.directory.tests.factories import DEFAULT_PASSWORD

PHONE = "192.0.2.44"
OFFICE = "192.0.2.10"
WRONG_MESSAGE = "Identifiant ou mot de passe incorrect."
SHAPE = re.compile(rf"^[{SECRET_ALPHABET}]{{4}}(-[{SECRET_ALPHABET}]{{4}}){{3}}$")


def _files_password(agent, label: str = "Téléphone") -> tuple[AppPassword, str]:
    return do_create_app_password(agent, label, ["files", "calendars"], PHONE)


def test_a_new_app_password_is_four_groups_of_unambiguous_characters(agent_voirie):
    """The secret is easy to type (no 0/o, 1/l) and only its hash is stored."""
    app_password, secret = _files_password(agent_voirie)

    assert SHAPE.match(secret), secret
    stored = AppPassword.objects.get(pk=app_password.pk)
    assert stored.scopes == ["files", "calendars"]
    assert len(stored.secret_hash) == 64
    assert secret not in stored.secret_hash
    assert secret.replace("-", "") not in stored.secret_hash
    event = AuditEvent.objects.get(action="directory.app_password_created")
    assert event.actor_id == agent_voirie.pk
    assert event.details == {"label": "Téléphone", "scopes": ["files", "calendars"]}
    assert secret not in str(event.details)


def test_each_app_password_is_different(agent_voirie):
    """Two app passwords never share a secret (80 random bits each)."""
    secrets = {_files_password(agent_voirie, f"appareil {n}")[1] for n in range(20)}

    assert len(secrets) == 20


@pytest.mark.parametrize(
    ("label", "scopes", "field"),
    [
        ("  ", ["files"], "label"),
        ("x" * 101, ["files"], "label"),
        ("Thunderbird", [], "scopes"),
        ("Thunderbird", ["files", "fax"], "scopes"),
    ],
)
def test_a_bad_name_or_scope_is_refused(agent_voirie, label, scopes, field):
    """A blank or too long name, no scope or an unknown one: nothing is created."""
    with pytest.raises(InvalidInput) as caught:
        do_create_app_password(agent_voirie, label, scopes, PHONE)

    assert field in caught.value.fields
    assert not AppPassword.objects.exists()


def test_the_right_secret_opens_its_scopes(agent_voirie):
    """The agent is returned, and the last use (time and address) is kept."""
    app_password, secret = _files_password(agent_voirie)

    agent = authenticate_app_password("agent.voirie", secret, scope="files", address=OFFICE)

    assert agent == agent_voirie
    app_password.refresh_from_db()
    assert app_password.last_used_address == OFFICE
    assert app_password.last_used_at is not None


def test_the_secret_is_forgiving_about_case_spaces_and_dashes(agent_voirie):
    """A phone that capitalises or a person who types spaces still gets in."""
    _app_password, secret = _files_password(agent_voirie)
    typed = secret.upper().replace("-", " ")

    agent = authenticate_app_password("agent.voirie", typed, scope="calendars", address=PHONE)

    assert agent == agent_voirie


@pytest.mark.parametrize(
    "case",
    [
        "unknown user",
        "wrong secret",
        "another agent's secret",
        "wrong scope",
        "revoked",
        "suspended",
    ],
)
def test_every_kind_of_wrong_gets_the_same_answer(agent_voirie, agent_finances, case):
    """Whatever is wrong, one message, one failed sign-in in the audit trail, no last use."""
    app_password, secret = _files_password(agent_voirie)
    _other, other_secret = _files_password(agent_finances)
    username, typed, scope = "agent.voirie", secret, "files"
    if case == "unknown user":
        username = "agent.inconnu"
    elif case == "wrong secret":
        typed = "abcd-efgh-ijkm-npqr"
    elif case == "another agent's secret":
        typed = other_secret
    elif case == "wrong scope":
        scope = "mail"
    elif case == "revoked":
        do_revoke_app_password(app_password, acting=agent_voirie)
    elif case == "suspended":
        do_set_status(agent_voirie, "suspended", acting=None)

    with pytest.raises(NotAuthenticated) as caught:
        authenticate_app_password(username, typed, scope=scope, address=PHONE)

    assert caught.value.message == WRONG_MESSAGE
    failed = AuditEvent.objects.get(action="directory.sign_in_failed")
    assert failed.details == {
        "channel": f"app-password:{scope}",
        "username": username,
        "failures": 1,
    }
    assert typed not in str(failed.details)
    app_password.refresh_from_db()
    assert app_password.last_used_at is None


def test_revoking_records_who_and_lists_it_no_more(agent_voirie, maire):
    """A revoked app password leaves the agent's list and the audit trail says who revoked it."""
    kept, _ = _files_password(agent_voirie, "Thunderbird")
    revoked, _ = _files_password(agent_voirie, "Ancien téléphone")

    do_revoke_app_password(revoked, acting=maire, address=OFFICE)

    assert access_own_app_passwords(agent_voirie) == [kept]
    with pytest.raises(NotFound):
        access_own_app_password(agent_voirie, revoked.pk)
    event = AuditEvent.objects.get(action="directory.app_password_revoked")
    assert event.actor_id == maire.pk
    assert event.address == OFFICE
    assert event.details == {"label": "Ancien téléphone", "agent": "agent.voirie"}


def test_an_agent_cannot_reach_a_colleague_app_password(agent_voirie, agent_finances):
    """Someone else's app password answers the same NotFound as a missing one."""
    theirs, _ = _files_password(agent_finances)

    with pytest.raises(NotFound):
        access_own_app_password(agent_voirie, theirs.pk)


def test_last_use_is_written_once_a_minute_per_address(agent_voirie):
    """Repeated requests from one address do not write; a new address or a minute later does."""
    app_password, _ = _files_password(agent_voirie)
    do_note_app_password_use(app_password, PHONE)
    first = AppPassword.objects.get(pk=app_password.pk).last_used_at

    do_note_app_password_use(app_password, PHONE)
    assert AppPassword.objects.get(pk=app_password.pk).last_used_at == first

    do_note_app_password_use(app_password, OFFICE)
    moved = AppPassword.objects.get(pk=app_password.pk)
    assert moved.last_used_address == OFFICE

    AppPassword.objects.filter(pk=app_password.pk).update(
        last_used_at=timezone.now() - timedelta(minutes=2)
    )
    app_password.refresh_from_db()
    do_note_app_password_use(app_password, OFFICE)
    assert AppPassword.objects.get(pk=app_password.pk).last_used_at > moved.last_used_at


def test_protocol_clients_may_use_the_account_password_without_second_factor(agent_voirie):
    """With no second factor, Thunderbird may still sign in with the account password."""
    agent = authenticate_protocol_client(
        "agent.voirie", DEFAULT_PASSWORD, scope="mail", address=OFFICE
    )

    assert agent == agent_voirie
    event = AuditEvent.objects.get(action="directory.sign_in")
    assert event.details == {"channel": "protocol:mail"}


def test_protocol_clients_accept_app_passwords_too(agent_voirie):
    """An app password for the scope works through the protocol entry point as well."""
    _app_password, secret = _files_password(agent_voirie)

    agent = authenticate_protocol_client("agent.voirie", secret, scope="files", address=PHONE)

    assert agent == agent_voirie


def test_a_second_factor_closes_protocols_to_the_account_password(agent_voirie):
    """Once the agent enrolled a second factor, the right password alone is refused, with a
    message pointing to app passwords; a wrong one gets the usual answer."""
    Authenticator.objects.create(user=agent_voirie, type=Authenticator.Type.TOTP, data={})

    with pytest.raises(NotAuthenticated) as right:
        authenticate_protocol_client("agent.voirie", DEFAULT_PASSWORD, scope="mail", address=OFFICE)
    with pytest.raises(NotAuthenticated) as wrong:
        authenticate_protocol_client("agent.voirie", "pas-le-bon", scope="mail", address=OFFICE)

    assert "mot de passe d'application" in right.value.message
    assert wrong.value.message == WRONG_MESSAGE
    assert not AuditEvent.objects.filter(action="directory.sign_in").exists()
    assert AuditEvent.objects.filter(action="directory.sign_in_failed").count() == 2


def test_a_second_factor_required_for_the_role_also_closes_protocols(maire):
    """When administrators must use a second factor, the mayor's password alone is refused by
    protocol clients even before she enrolled one."""
    do_update_organisation(
        name="Ville-Exemple",
        siren="",
        insee_code="",
        mail_domains=[],
        second_factor_roles=[Role.ADMINISTRATOR],
        acting=maire,
    )

    with pytest.raises(NotAuthenticated):
        authenticate_protocol_client("maire", DEFAULT_PASSWORD, scope="files", address=OFFICE)

    assert not AuditEvent.objects.filter(action="directory.sign_in").exists()
