"""The events websocket delivers an agent's events live, and only to that agent."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.test import Client

from beffroi.conf.asgi import application
from beffroi.directory.actions import do_create_api_token
from beffroi.directory.tests.factories import AgentFactory
from beffroi.realtime.consumers import CLOSE_NOT_AUTHENTICATED

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _session_cookie(agent) -> str:
    client = Client()
    client.force_login(agent)
    return f"sessionid={client.cookies['sessionid'].value}"


async def _connect(cookie: str | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, "/ws/events/", headers=headers)


async def test_an_anonymous_socket_is_closed():
    """Without a session the socket is refused with the 'sign in first' code."""
    communicator = await _connect(None)
    connected, code = await communicator.connect()
    assert not connected
    assert code == CLOSE_NOT_AUTHENTICATED


async def test_an_agent_receives_their_own_events_once_committed():
    """Creating a token in one tab tells the agent's other tabs; a colleague hears nothing."""
    agent = await sync_to_async(AgentFactory)(username="karim")
    colleague = await sync_to_async(AgentFactory)(username="sophie")
    mine = await _connect(await sync_to_async(_session_cookie)(agent))
    theirs = await _connect(await sync_to_async(_session_cookie)(colleague))
    assert (await mine.connect())[0]
    assert (await theirs.connect())[0]

    token, _clear = await sync_to_async(do_create_api_token)(agent, "sauvegarde")

    event = await mine.receive_json_from(timeout=5)
    assert event == {"type": "directory.api_tokens_changed", "payload": {"token": str(token.pk)}}
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_a_socket_from_another_origin_is_refused():
    """A page of another site cannot open a socket with the agent's cookies."""
    agent = await sync_to_async(AgentFactory)(username="karim")
    cookie = await sync_to_async(_session_cookie)(agent)
    communicator = WebsocketCommunicator(
        application,
        "/ws/events/",
        headers=[
            (b"origin", b"https://attaquant.example"),
            (b"host", b"localhost"),
            (b"cookie", cookie.encode()),
        ],
    )
    connected, _code = await communicator.connect()
    assert not connected
