"""The WsgiDAV application serving ``/dav/files/``, wrapped for the ASGI router.

Around the engine: HTTP Basic authentication through the directory's one credential check
(app passwords, scope ``files``, throttled), a guard that refuses XML bodies declaring a DTD
(no entity expansion, no external entity, whatever the parser), and Django's database
connection hygiene for the worker threads a2wsgi runs the engine in.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

from a2wsgi import WSGIMiddleware
from django.db import close_old_connections, connection
from wsgidav.dc.base_dc import BaseDomainController  # type: ignore[import-untyped, unused-ignore]
from wsgidav.wsgidav_app import WsgiDAVApp  # type: ignore[import-untyped, unused-ignore]

from beffroi.core.errors import NotAuthenticated, TooManyAttempts
from beffroi.core.request_memo import per_request
from beffroi.dav.files import AGENT_KEY, BeffroiProvider
from beffroi.dav.locks import DatabaseLockStorage
from beffroi.directory.access.credentials import authenticate_protocol_client

logger = logging.getLogger(__name__)

MOUNT_PATH = "/dav/files"
REALM = "Beffroi"
# Methods whose body is XML the engine parses; a PUT body is content, never parsed.
XML_METHODS = frozenset({"PROPFIND", "PROPPATCH", "LOCK", "UNLOCK", "MKCOL", "REPORT", "SEARCH"})
MAX_XML_BYTES = 1024 * 1024
WORKERS = 16

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class BeffroiDomainController(BaseDomainController):  # type: ignore[misc]
    """HTTP Basic with an app password (or the account password without second factor)."""

    def get_domain_realm(self, path_info: str, environ: dict[str, Any] | None) -> str:
        return REALM

    def require_authentication(self, realm: str, environ: dict[str, Any] | None) -> bool:
        return True

    def supports_http_digest_auth(self) -> bool:
        return False

    def basic_auth_user(
        self, realm: str, user_name: str, password: str, environ: dict[str, Any]
    ) -> bool:
        try:
            agent = authenticate_protocol_client(
                user_name, password, scope="files", address=environ.get("REMOTE_ADDR", "")
            )
        except (NotAuthenticated, TooManyAttempts):
            return False
        environ[AGENT_KEY] = agent
        return True

    def digest_auth_user(self, realm: str, user_name: str, environ: dict[str, Any]) -> bool:
        return False


def _plain_answer(start_response: StartResponse, status: str, message: str) -> Iterable[bytes]:
    body = (message + "\n").encode()
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _read(environ: dict[str, Any], limit: int) -> bytes:
    stream = environ["wsgi.input"]
    parts: list[bytes] = []
    received = 0
    while received < limit:
        piece = stream.read(min(64 * 1024, limit - received))
        if not piece:
            break
        parts.append(piece)
        received += len(piece)
    return b"".join(parts)


def guard_xml(app: WSGIApp) -> WSGIApp:
    """Read XML request bodies (bounded) and refuse any that declares a DTD or an entity."""

    def guarded(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in XML_METHODS:
            return app(environ, start_response)
        declared = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not declared.isdigit() and not chunked:
            return app(environ, start_response)
        # A chunked body (no length) is read up to the limit, plus one byte to tell it is over.
        length = int(declared) if declared.isdigit() else MAX_XML_BYTES + 1
        body = b"" if length > MAX_XML_BYTES and not chunked else _read(environ, length)
        if length > MAX_XML_BYTES and (not chunked or len(body) > MAX_XML_BYTES):
            return _plain_answer(
                start_response,
                "413 Request Entity Too Large",
                "Le corps de la requête dépasse la taille autorisée.",
            )
        lowered = body.lower()
        if b"<!doctype" in lowered or b"<!entity" in lowered:
            return _plain_answer(
                start_response,
                "400 Bad Request",
                "Les déclarations de type de document (DTD) et les entités XML sont refusées.",
            )
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return app(environ, start_response)

    return guarded


def with_database(app: WSGIApp) -> WSGIApp:
    """Django's per-request connection hygiene, for the engine's worker threads (not inside
    a transaction that a caller holds open, as a test does)."""

    def tidy() -> None:
        if not connection.in_atomic_block:
            close_old_connections()

    def wrapped(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        tidy()
        try:
            yield from app(environ, start_response)
        finally:
            tidy()

    return wrapped


def wsgi_application(
    mount_path: str = MOUNT_PATH, provider: BeffroiProvider | None = None
) -> WSGIApp:
    """The engine for ``mount_path``: personal drives by default, or ``provider``'s view
    (``SpacesProvider`` at ``/dav/spaces``)."""
    config = {
        "mount_path": mount_path,
        "provider_mapping": {"/": provider or BeffroiProvider()},
        "http_authenticator": {
            "domain_controller": BeffroiDomainController,
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
            "trusted_auth_header": None,
        },
        "lock_storage": DatabaseLockStorage(),
        "property_manager": None,
        "dir_browser": {"enable": False},
        "logging": {"enable": False},
        "verbose": 1,
        "add_header_MS_Author_Via": True,
        "hotfixes": {
            "emulate_win32_lastmod": False,
            "re_encode_path_info": True,
            "unquote_path_info": False,
        },
        "block_size": 64 * 1024,
    }
    engine: WSGIApp = WsgiDAVApp(config)
    return with_database(per_request(guard_xml(engine)))


def asgi_application(
    mount_path: str = MOUNT_PATH, provider: BeffroiProvider | None = None
) -> Callable[..., Any]:
    """The ASGI app to mount at ``mount_path`` (the router passes it that root_path)."""
    bridge = WSGIMiddleware(wsgi_application(mount_path, provider), workers=WORKERS)  # type: ignore[arg-type]

    async def application(scope: Any, receive: Any, send: Any) -> None:
        # a2wsgi hands ``receive`` to run_coroutine_threadsafe, which wants a real coroutine.
        async def receive_coroutine() -> Any:
            return await receive()

        await bridge(scope, receive_coroutine, send)

    return application
