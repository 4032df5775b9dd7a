"""The ASGI entry point: one router in front of every protocol this node serves.

``/ws/`` goes to channels (events, presence), the DAV mount points to their engines as they come,
everything else to Django. Django's ASGI handler does not speak the lifespan protocol, so the
router answers it, running the startup and shutdown hooks that engines register.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beffroi.conf.settings")

from django.conf import settings
from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from beffroi.realtime.routing import websocket_urlpatterns  # noqa: E402

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# Loose on purpose: Django, channels and WSGI bridges each type their callables differently.
ASGIApp = Callable[..., Awaitable[None]]
Hook = Callable[[], Awaitable[None]]

logger = logging.getLogger(__name__)


class Router:
    """Dispatch by scope type and path prefix."""

    def __init__(self, default: ASGIApp, websocket: ASGIApp) -> None:
        self.default = default
        self.websocket = websocket
        self.mounts: list[tuple[str, ASGIApp]] = []
        self.startup_hooks: list[Hook] = []
        self.shutdown_hooks: list[Hook] = []

    def mount(self, prefix: str, app: ASGIApp) -> None:
        """Serve ``prefix`` (e.g. ``/dav/files``) with ``app``, which sees it as its root_path."""
        self.mounts.append((prefix.rstrip("/"), app))
        self.mounts.sort(key=lambda mount: len(mount[0]), reverse=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
            return
        path: str = scope.get("path", "")
        if kind == "websocket":
            if path.startswith("/ws/"):
                await self.websocket(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1008})
            return
        for prefix, app in self.mounts:
            if path == prefix or path.startswith(prefix + "/"):
                mounted = dict(scope, root_path=scope.get("root_path", "") + prefix)
                await app(mounted, receive, send)
                return
        await self.default(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    for hook in self.startup_hooks:
                        await hook()
                except Exception as error:
                    logger.exception("startup failed")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for hook in reversed(self.shutdown_hooks):
                    try:
                        await hook()
                    except Exception:
                        logger.exception("shutdown hook failed")
                await send({"type": "lifespan.shutdown.complete"})
                return


class BodyTooLarge(Exception):
    pass


def limit_body(app: ASGIApp, max_bytes: int) -> ASGIApp:
    """Refuse HTTP bodies over ``max_bytes`` (declared or streamed) with a 413, before Django
    spools them to disk."""

    async def too_large(scope: Scope, send: Send) -> None:
        api = scope.get("path", "").startswith("/api/")
        body = (
            json.dumps(
                {
                    "code": "corps_trop_volumineux",
                    "message": "Le corps de la requête dépasse la taille autorisée.",
                    "fields": {},
                }
            ).encode()
            if api
            else "Le corps de la requête dépasse la taille autorisée.\n".encode()
        )
        content_type = b"application/json" if api else b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", content_type), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def limited(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > max_bytes:
                await too_large(scope, send)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await too_large(scope, send)

    return limited


application = Router(
    default=limit_body(django_application, settings.MAX_UPLOAD_BYTES),
    websocket=AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
)

# The drive over WebDAV (WsgiDAV in worker threads): /dav/files/<username>/.
from beffroi.dav.app import asgi_application as dav_files_application  # noqa: E402

application.mount("/dav/files", dav_files_application())

# Department drives and shared spaces over WebDAV: /dav/spaces/<slug>/.
from beffroi.dav.spaces import MOUNT_PATH as DAV_SPACES  # noqa: E402
from beffroi.dav.spaces import SpacesProvider  # noqa: E402

application.mount(DAV_SPACES, dav_files_application(DAV_SPACES, SpacesProvider()))

# Calendars over CalDAV (our own adapter, docs/adr/0005-caldav-engine.md): /dav/cal/<username>/.
from beffroi.dav.caldav.app import caldav_application, well_known_caldav  # noqa: E402

application.mount("/dav/cal", caldav_application)
application.mount("/.well-known/caldav", well_known_caldav)

# Contacts over CardDAV (the same kind of adapter): /dav/card/<username>/.
from beffroi.dav.carddav.app import carddav_application, well_known_carddav  # noqa: E402

application.mount("/dav/card", carddav_application)
application.mount("/.well-known/carddav", well_known_carddav)
