"""The ASGI router: lifespan, websocket paths, mounted engines and the body limit."""

from __future__ import annotations

import pytest
from asgiref.testing import ApplicationCommunicator

from beffroi.conf.asgi import Router, limit_body

pytestmark = pytest.mark.asyncio


async def echo_app(scope, receive, send):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    text = f"{scope.get('root_path', '')}|{scope['path']}|{len(body)}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": text})


async def call(app, path, chunks=(b"",), headers=()):
    scope = {"type": "http", "method": "POST", "path": path, "headers": list(headers)}
    communicator = ApplicationCommunicator(app, scope)
    for index, chunk in enumerate(chunks):
        await communicator.send_input(
            {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        )
    start = await communicator.receive_output(timeout=2)
    body = await communicator.receive_output(timeout=2)
    return start["status"], body["body"]


async def test_a_mounted_engine_sees_its_prefix_as_root_path():
    """/dav/files/jeanne/ reaches the engine mounted at /dav/files with that root_path."""
    router = Router(default=echo_app, websocket=echo_app)
    router.mount("/dav/files/", echo_app)
    status, body = await call(router, "/dav/files/jeanne/rapport.odt")
    assert (status, body) == (200, b"/dav/files|/dav/files/jeanne/rapport.odt|0")
    status, body = await call(router, "/dav/filesystem")
    assert body == b"|/dav/filesystem|0"  # a longer word is not the mount


async def test_lifespan_runs_hooks_in_order():
    events = []
    router = Router(default=echo_app, websocket=echo_app)

    async def start():
        events.append("start")

    async def stop():
        events.append("stop")

    router.startup_hooks.append(start)
    router.shutdown_hooks.append(stop)
    communicator = ApplicationCommunicator(router, {"type": "lifespan"})
    await communicator.send_input({"type": "lifespan.startup"})
    assert (await communicator.receive_output(2))["type"] == "lifespan.startup.complete"
    await communicator.send_input({"type": "lifespan.shutdown"})
    assert (await communicator.receive_output(2))["type"] == "lifespan.shutdown.complete"
    assert events == ["start", "stop"]


async def test_a_declared_body_over_the_limit_is_refused_before_reading():
    status, body = await call(
        limit_body(echo_app, 10), "/api/v1/me", headers=[(b"content-length", b"11")]
    )
    assert status == 413
    assert b"corps_trop_volumineux" in body


async def test_a_streamed_body_over_the_limit_is_refused():
    """Chunked uploads without Content-Length are counted as they arrive."""
    status, body = await call(limit_body(echo_app, 10), "/profil/", chunks=(b"123456", b"789012"))
    assert status == 413
    assert "dépasse la taille autorisée".encode() in body


async def test_a_body_within_the_limit_passes():
    status, body = await call(limit_body(echo_app, 10), "/profil/", chunks=(b"12345", b"67890"))
    assert (status, body) == (200, b"|/profil/|10")
