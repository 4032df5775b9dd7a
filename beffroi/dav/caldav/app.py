"""The ASGI face of the CalDAV adapter: read a bounded body, run the handler in a thread (the
ORM is synchronous), send the answer. Mounted by ``beffroi.conf.asgi`` at ``/dav/cal``, and at
``/.well-known/caldav`` for discovery (RFC 6764)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.utils.translation import gettext as _
from django.utils.translation import override

from beffroi.calendars.calendar_data import MAX_OBJECT_BYTES
from beffroi.dav.caldav.handler import handle
from beffroi.dav.caldav.messages import DavRequest, DavResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# The largest object plus room for its XML or headers; REPORT bodies are far smaller.
MAX_BODY_BYTES = MAX_OBJECT_BYTES + 64 * 1024
MOUNT_POINT = "/dav/cal"


class BodyTooLarge(Exception):
    pass


def _run(request: DavRequest) -> DavResponse:
    # What Django's request_started / request_finished do for views.
    close_old_connections()
    try:
        with override(settings.LANGUAGE_CODE):
            return handle(request)
    finally:
        close_old_connections()


async def caldav_application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", [])
    }
    try:
        body = await _read_body(receive, headers)
    except BodyTooLarge:
        await _send(send, _too_large(), head=False)
        return
    root = scope.get("root_path", "")
    path: str = scope.get("path", "")
    client = scope.get("client") or ("", 0)
    request = DavRequest(
        method=scope["method"].upper(),
        path=path[len(root) :] if path.startswith(root) else path,
        root=root,
        headers=headers,
        body=body,
        address=str(client[0] or ""),
    )
    response = await sync_to_async(_run, thread_sensitive=False)(request)
    await _send(send, response, head=request.method == "HEAD")


async def well_known_caldav(scope: Scope, receive: Receive, send: Send) -> None:
    """``/.well-known/caldav`` → the CalDAV root, where clients find their principal."""
    if scope["type"] != "http":
        return
    response = DavResponse(301, headers={"Location": MOUNT_POINT + "/"})
    await _send(send, response, head=False)


async def _read_body(receive: Receive, headers: dict[str, str]) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _too_large() -> DavResponse:
    with override(settings.LANGUAGE_CODE):
        message = _("Le corps de la requête dépasse la taille autorisée (1 Mo par événement).")
    response = DavResponse.text(413, message)
    response.headers["Connection"] = "close"
    return response


async def _send(send: Send, response: DavResponse, *, head: bool) -> None:
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in response.headers.items()
    ]
    if not head:
        headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})
