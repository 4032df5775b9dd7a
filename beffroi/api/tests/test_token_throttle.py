"""Guessing personal tokens from one address is slowed down, without holding back others."""

from __future__ import annotations

import pytest
from django.test import Client

from beffroi.core import throttle
from beffroi.directory import actions

FORGED = {"Authorization": "Bearer bfr_0badc0de_" + "x" * 43}
ATTACKER = "198.51.100.23"
COLLEAGUE = "192.0.2.10"


@pytest.fixture
def frozen_clock(monkeypatch) -> list[float]:
    """The throttle's clock stands still until the test moves it: ``frozen_clock[0] += s``."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    return now


def _guess(times: int) -> list[int]:
    return [
        Client(REMOTE_ADDR=ATTACKER).get("/api/v1/me", headers=FORGED).status_code
        for _ in range(times)
    ]


def test_repeated_wrong_tokens_end_in_429_with_retry_after(db, settings, frozen_clock):
    """After the free attempts, the next guess waits: a 429 in the error shape with Retry-After."""
    free = settings.SIGN_IN_FREE_ATTEMPTS
    assert _guess(free) == [401] * free

    response = Client(REMOTE_ADDR=ATTACKER).get("/api/v1/me", headers=FORGED)

    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert response.json() == {
        "code": "trop_de_tentatives",
        "message": "Trop de tentatives. Réessayez dans quelques instants.",
        "fields": {},
    }


def test_each_further_failure_doubles_the_wait(db, settings, frozen_clock):
    """Once the wait is over, another wrong guess makes the next wait twice as long."""
    _guess(settings.SIGN_IN_FREE_ATTEMPTS)
    frozen_clock[0] += 1
    assert _guess(1) == [401]

    response = Client(REMOTE_ADDR=ATTACKER).get("/api/v1/me", headers=FORGED)

    assert response.status_code == 429
    assert response["Retry-After"] == "2"


def test_a_valid_token_from_another_address_still_works(agent_voirie, settings, frozen_clock):
    """The attacker's address is slowed down; an agent elsewhere is not."""
    token, clear_text = actions.do_create_api_token(agent_voirie, "script")
    _guess(settings.SIGN_IN_FREE_ATTEMPTS + 1)

    response = Client(REMOTE_ADDR=COLLEAGUE).get(
        "/api/v1/me", headers={"Authorization": f"Bearer {clear_text}"}
    )

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
