from __future__ import annotations

from collections.abc import Iterator

import pytest

from beffroi.oidc.tests.relying_party import OPEN_SESSIONS


@pytest.fixture(autouse=True)
def _close_relying_party_sessions() -> Iterator[None]:
    yield
    while OPEN_SESSIONS:
        OPEN_SESSIONS.pop().close()
