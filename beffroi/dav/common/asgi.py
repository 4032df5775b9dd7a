"""The ASGI face of a DAV adapter: read a bounded body, run the synchronous handler in a
thread (the ORM is synchronous), send the answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.utils.translation import override

from beffroi.dav.common.messages import DavRequest, DavResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[[DavRequest], DavResponse]
Application = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


def dav_application(
    handle: Handler, *, max_body_bytes: int, too_large: Callable[[], str]
) -> Application:
    """An ASGI application answering every HTTP request with ``handle``; ``too_large`` gives
    the French sentence of the 413 for a body over ``max_body_bytes``."""

    def run(request: DavRequest) -> DavResponse:
        # What Django's request_started / request_finished do for views.
        close_old_connections()
        try:
            with override(settings.LANGUAGE_CODE):
                return handle(request)
        finally:
            close_old_connections()

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope.get("headers", [])
        }
        try:
            body = await read_body(receive, headers, max_body_bytes)
        except BodyTooLarge:
            with override(settings.LANGUAGE_CODE):
                refusal = DavResponse.text(413, too_large(), Connection="close")
            await send_response(send, refusal, head=False)
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
        response = await sync_to_async(run, thread_sensitive=False)(request)
        await send_response(send, response, head=request.method == "HEAD")

    return application


def redirect_application(location: str) -> Application:
    """``/.well-known/…`` → the adapter's root, where clients find their principal
    (RFC 6764)."""

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        response = DavResponse(301, headers={"Location": location})
        await send_response(send, response, head=False)

    return application


async def read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def send_response(send: Send, response: DavResponse, *, head: bool) -> None:
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in response.headers.items()
    ]
    if not head:
        headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})
