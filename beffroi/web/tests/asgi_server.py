"""``asgi_live_server``: Beffroi's whole ASGI application (web pages, websockets) served by
uvicorn in a thread of the test process, on the test database. Django's ``live_server`` speaks
WSGI only, so a page's websocket could not connect to it; this one is what ``beffroi serve``
runs, and actions done through it reach the same channel layer as the sockets it holds."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from beffroi.conf.asgi import application


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own
        return None


@pytest.fixture
def asgi_live_server(transactional_db) -> Iterator[str]:
    config = uvicorn.Config(
        application, host="127.0.0.1", port=0, lifespan="off", log_config=None, access_log=False
    )
    server = _Server(config)
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the ASGI test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
