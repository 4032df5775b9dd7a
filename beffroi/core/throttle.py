"""Slowing down repeated credential failures.

Failures are counted per address and per (account, address) pair. After a few free attempts, each
further one must wait twice as long as the previous, up to a cap. Nothing is counted per account
alone: an attacker who guesses the mayor's username cannot lock the mayor out from another place.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from beffroi.core.errors import TooManyAttempts

MAX_DELAY_SECONDS = 15 * 60
_WINDOW_SECONDS = 24 * 60 * 60

# Seconds since the epoch. Tests move this clock instead of sleeping.
clock: Callable[[], float] = time.time


@dataclass(frozen=True)
class CredentialAttempt:
    """Who is trying: the account name given (maybe unknown) and the client's address."""

    scope: str
    account: str
    address: str

    def counters(self) -> tuple[tuple[str, int], tuple[str, int]]:
        """The cache keys counted, each with its number of free failures.

        An address is often a whole town hall behind one NAT: it gets ten times the allowance
        of a single account on it.
        """
        account = hashlib.sha256(self.account.strip().lower().encode()).hexdigest()[:32]
        free = settings.SIGN_IN_FREE_ATTEMPTS
        return (
            (f"throttle:{self.scope}:pair:{account}:{self.address}", free),
            (f"throttle:{self.scope}:address:{self.address}", free * 10),
        )


def _delay_after(failures: int, free: int) -> float:
    if failures < free:
        return 0.0
    return float(min(MAX_DELAY_SECONDS, 2 ** (failures - free)))


def check_allowed(attempt: CredentialAttempt) -> None:
    """Raise ``TooManyAttempts`` while this attempt must still wait."""
    now = clock()
    wait = 0.0
    for key, free in attempt.counters():
        state = cache.get(key)
        if state is None:
            continue
        failures, last_failure = state
        wait = max(wait, last_failure + _delay_after(failures, free) - now)
    if wait > 0:
        raise TooManyAttempts(retry_after=math.ceil(wait))


def record_failure(attempt: CredentialAttempt) -> int:
    """Count one failure; return the failures now counted for the (account, address) pair."""
    now = clock()
    counts = []
    for key, _free in attempt.counters():
        failures, _ = cache.get(key) or (0, now)
        counts.append(failures + 1)
        cache.set(key, (failures + 1, now), timeout=_WINDOW_SECONDS)
    return counts[0]


def record_success(attempt: CredentialAttempt) -> None:
    """A correct credential clears the pair's count (the address keeps its own)."""
    pair_key, _free = attempt.counters()[0]
    cache.delete(pair_key)


def within_rate(scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one event of ``key`` (a client address) in the current window; whether it is
    still within ``limit`` events a window. Protocol listeners use it for what is not a
    credential (messages a client sends to the inbound SMTP listener)."""
    window = int(clock() // window_seconds)
    name = f"rate:{scope}:{key}:{window}"
    cache.add(name, 0, timeout=window_seconds * 2)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window_seconds * 2)
        count = 1
    return count <= limit
