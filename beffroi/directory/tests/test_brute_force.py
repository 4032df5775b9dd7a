"""Done when 4: fifty wrong passwords in a row for one account are slowed down and recorded,
and the right password from another address still works at once.

The attacker here is patient: each time they are told to wait, they wait (the throttle's clock
is moved, nobody sleeps) and try again, until fifty wrong passwords have really been checked.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client

from beffroi.audit.models import AuditEvent
from beffroi.core import throttle
from beffroi.core.errors import NotAuthenticated, TooManyAttempts
from beffroi.directory.access import authenticate_password
from beffroi.directory.actions import do_create_app_password
from beffroi.directory.tests.factories import DEFAULT_PASSWORD

ATTEMPTS = 50
WRONG = "Mauvais-mot-de-passe-42"
ATTACKER = "198.51.100.23"
TOWN_HALL = "192.0.2.10"


@pytest.fixture
def frozen_clock(monkeypatch) -> list[float]:
    """The throttle's clock stands still until the test moves it: ``frozen_clock[0] += s``."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    return now


@dataclass
class Siege:
    """What a patient attacker went through."""

    checked: int = 0
    waits: list[int] = field(default_factory=list)


def _besiege(attempt: Callable[[], int | None], clock: list[float]) -> Siege:
    """Try until ``ATTEMPTS`` wrong passwords were checked; ``attempt`` returns None for a
    checked wrong password, or the seconds it was told to wait."""
    siege = Siege()
    while siege.checked < ATTEMPTS:
        wait = attempt()
        if wait is None:
            siege.checked += 1
        else:
            siege.waits.append(wait)
            clock[0] += wait
    return siege


def _expected_waits(free: int) -> list[int]:
    """Nothing for the free attempts, then 1 s, 2 s, 4 s… up to the cap, for each further one."""
    return [min(throttle.MAX_DELAY_SECONDS, 2**n) for n in range(ATTEMPTS - free)]


def _assert_each_failure_recorded(username: str, channel: str) -> None:
    failed = AuditEvent.objects.filter(action="directory.sign_in_failed").order_by("id")
    assert failed.count() == ATTEMPTS
    assert [event.details["failures"] for event in failed] == list(range(1, ATTEMPTS + 1))
    for event in failed:
        assert event.address == ATTACKER
        assert event.details["username"] == username
        assert event.details["channel"] == channel
        assert WRONG not in str(event.details)


def test_fifty_wrong_passwords_are_slowed_down_and_recorded(maire, settings, frozen_clock):
    """Through the access function every sign-in adapter uses: after the free attempts each
    wrong password costs twice the wait of the previous (nine hours for fifty), every one is
    in the audit trail without the password typed, and the mayor signs in from the town hall
    at once."""

    def attempt() -> int | None:
        try:
            authenticate_password("maire", WRONG, channel="web", address=ATTACKER)
        except TooManyAttempts as refused:
            return refused.retry_after
        except NotAuthenticated:
            return None
        raise AssertionError("a wrong password was accepted")

    siege = _besiege(attempt, frozen_clock)

    assert siege.waits == _expected_waits(settings.SIGN_IN_FREE_ATTEMPTS)
    assert sum(siege.waits) > 8 * 3600
    _assert_each_failure_recorded("maire", "web")
    with pytest.raises(TooManyAttempts):
        authenticate_password("maire", DEFAULT_PASSWORD, channel="web", address=ATTACKER)
    assert authenticate_password("maire", DEFAULT_PASSWORD, channel="web", address=TOWN_HALL)
    assert AuditEvent.objects.get(action="directory.sign_in").address == TOWN_HALL


def _basic(username: str, secret: str) -> dict[str, str]:
    pair = base64.b64encode(f"{username}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def test_fifty_wrong_app_passwords_over_http_basic(agent_voirie, settings, frozen_clock):
    """The same siege on the API with HTTP Basic: 401 for each wrong password checked, 429 with
    Retry-After in the API's error shape while the attacker must wait, each failure recorded;
    the agent's script, elsewhere, keeps working."""
    _app_password, secret = do_create_app_password(agent_voirie, "script", ["api"])
    attacker = Client(REMOTE_ADDR=ATTACKER)
    refusals = []

    def attempt() -> int | None:
        response = attacker.get("/api/v1/me", headers=_basic("agent.voirie", WRONG))
        if response.status_code == 401:
            return None
        assert response.status_code == 429, response.content
        refusals.append(response.json())
        return int(response["Retry-After"])

    siege = _besiege(attempt, frozen_clock)

    assert siege.waits == _expected_waits(settings.SIGN_IN_FREE_ATTEMPTS)
    assert {refusal["code"] for refusal in refusals} == {"trop_de_tentatives"}
    _assert_each_failure_recorded("agent.voirie", "app-password:api")
    blocked = attacker.get("/api/v1/me", headers=_basic("agent.voirie", secret))
    assert blocked.status_code == 429
    script = Client(REMOTE_ADDR=TOWN_HALL).get("/api/v1/me", headers=_basic("agent.voirie", secret))
    assert script.status_code == 200
    assert script.json()["username"] == "agent.voirie"
