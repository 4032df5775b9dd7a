"""Credential checks in ``beffroi.directory.access``: one answer for every kind of wrong, and
repeated failures slowed down for the (account, address) pair that makes them."""

from __future__ import annotations

import json

import pytest

from beffroi.audit.models import AuditEvent
from beffroi.core import throttle
from beffroi.core.errors import NotAuthenticated, TooManyAttempts
from beffroi.directory.access import authenticate_api_token, authenticate_password
from beffroi.directory.actions import do_create_api_token
from beffroi.directory.models import Agent
from beffroi.directory.tests.factories import DEFAULT_PASSWORD

WRONG = "Mauvais-mot-de-passe-42"
ATTACKER = "198.51.100.23"
TOWN_HALL = "192.0.2.10"


@pytest.fixture
def frozen_clock(monkeypatch) -> list[float]:
    """The throttle's clock stands still until the test moves it: ``frozen_clock[0] += s``."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    return now


def _sign_in(username: str, password: str, address: str) -> Agent:
    return authenticate_password(username, password, channel="web", address=address)


def _fail(username: str, times: int, address: str = ATTACKER) -> None:
    for _ in range(times):
        with pytest.raises(NotAuthenticated):
            _sign_in(username, WRONG, address)


def test_right_password_signs_in_and_is_audited(maire):
    """The right password returns the agent, and the sign-in is in the audit trail."""
    agent = _sign_in("maire", DEFAULT_PASSWORD, TOWN_HALL)

    assert agent == maire
    event = AuditEvent.objects.get(action="directory.sign_in")
    assert event.actor_id == maire.id
    assert event.address == TOWN_HALL
    assert event.details == {"channel": "web"}


@pytest.mark.parametrize("case", ["wrong password", "unknown account", "suspended account"])
def test_every_kind_of_wrong_gets_the_same_answer(agent_voirie, case):
    """Wrong password, unknown account or suspended account: one message, telling nothing."""
    username, password = {
        "wrong password": ("agent.voirie", WRONG),
        "unknown account": ("agent.inconnu", WRONG),
        "suspended account": ("agent.voirie", DEFAULT_PASSWORD),
    }[case]
    if case == "suspended account":
        Agent.objects.filter(pk=agent_voirie.pk).update(status=Agent.Status.SUSPENDED)

    with pytest.raises(NotAuthenticated) as caught:
        _sign_in(username, password, TOWN_HALL)

    assert caught.value.message == "Identifiant ou mot de passe incorrect."
    assert not AuditEvent.objects.filter(action="directory.sign_in").exists()


def test_repeated_wrong_passwords_are_slowed_down(maire, settings, frozen_clock):
    """After the free attempts, the pair must wait, even if it now has the right password."""
    _fail("maire", settings.SIGN_IN_FREE_ATTEMPTS)

    with pytest.raises(TooManyAttempts) as caught:
        _sign_in("maire", DEFAULT_PASSWORD, ATTACKER)

    assert caught.value.retry_after == 1
    assert caught.value.code == "trop_de_tentatives"
    assert not AuditEvent.objects.filter(action="directory.sign_in").exists()


def test_the_account_still_signs_in_from_another_address(maire, settings, frozen_clock):
    """Guessing the mayor's password from one place does not lock the mayor out elsewhere."""
    _fail("maire", settings.SIGN_IN_FREE_ATTEMPTS)
    with pytest.raises(TooManyAttempts):
        _sign_in("maire", DEFAULT_PASSWORD, ATTACKER)

    agent = _sign_in("maire", DEFAULT_PASSWORD, TOWN_HALL)

    assert agent == maire
    assert AuditEvent.objects.get(action="directory.sign_in").address == TOWN_HALL


def test_the_wait_lifts_and_a_success_clears_the_count(maire, settings, frozen_clock):
    """Once the wait is over the right password works, and the pair starts afresh."""
    free = settings.SIGN_IN_FREE_ATTEMPTS
    _fail("maire", free)
    frozen_clock[0] += 1

    assert _sign_in("maire", DEFAULT_PASSWORD, ATTACKER) == maire

    _fail("maire", free - 1)
    assert _sign_in("maire", DEFAULT_PASSWORD, ATTACKER) == maire


def test_failures_are_audited_without_the_password(maire, settings, frozen_clock):
    """Each failure is one audit event with the account name typed and the address, never the
    password; attempts refused by the slowdown add none."""
    free = settings.SIGN_IN_FREE_ATTEMPTS
    _fail("maire", free)
    with pytest.raises(TooManyAttempts):
        _sign_in("maire", WRONG, ATTACKER)

    events = list(AuditEvent.objects.filter(action="directory.sign_in_failed"))
    assert len(events) == free
    assert [event.details["failures"] for event in events] == list(range(1, free + 1))
    for event in events:
        assert event.address == ATTACKER
        assert event.details["username"] == "maire"
        assert event.details["channel"] == "web"
        row = AuditEvent.objects.filter(pk=event.pk).values().get()
        assert WRONG not in json.dumps(row, default=str)


@pytest.mark.django_db
def test_a_username_with_a_nul_byte_is_a_wrong_credential(agent_voirie):
    """Control characters never reach the database: the answer is the usual wrong-credentials."""
    with pytest.raises(NotAuthenticated):
        authenticate_password(
            "agent.voirie\x00", DEFAULT_PASSWORD, channel="api", address="192.0.2.7"
        )


@pytest.mark.django_db
def test_a_stale_token_does_not_lock_out_other_scripts_on_the_same_address(agent_voirie):
    """Failures of one token prefix do not block a valid token from the same address."""
    _token, valid = do_create_api_token(agent_voirie, "sauvegarde")
    stale = "bfr_0badc0de_" + "x" * 43
    for _ in range(20):
        with pytest.raises((NotAuthenticated, TooManyAttempts)):
            authenticate_api_token(stale, address="192.0.2.8")
    with pytest.raises(TooManyAttempts):
        authenticate_api_token(stale, address="192.0.2.8")
    assert authenticate_api_token(valid, address="192.0.2.8") == agent_voirie
