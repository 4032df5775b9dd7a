"""An in-process CardDAV client for the contacts tests: the real handler, HTTP Basic with an
app password."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from beffroi.dav.carddav.handler import handle
from beffroi.dav.common.messages import DavRequest, DavResponse
from beffroi.directory.actions import do_create_app_password
from beffroi.directory.models import Agent

Dav = Callable[..., DavResponse]


def dav_client(agent: Agent) -> Dav:
    secret = do_create_app_password(agent, "contacts", ["calendars"])[1]

    def request(method: str, path: str, body: str | bytes = b"", **headers: str) -> DavResponse:
        names = {name.replace("_", "-").lower(): value for name, value in headers.items()}
        token = base64.b64encode(f"{agent.username}:{secret}".encode()).decode()
        names["authorization"] = f"Basic {token}"
        return handle(
            DavRequest(
                method=method,
                path=path,
                root="/dav/card",
                headers=names,
                body=body.encode() if isinstance(body, str) else body,
                address="127.0.0.1",
            )
        )

    return request


@pytest.fixture
def dav(agent_voirie) -> Dav:
    return dav_client(agent_voirie)
