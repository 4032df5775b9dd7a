"""A WebDAV client that calls the real WsgiDAV application in-process, with HTTP Basic."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import pytest

from beffroi.dav.app import wsgi_application
from beffroi.directory.actions.app_passwords import do_create_app_password


@pytest.fixture(autouse=True)
def _private_blob_store(settings, tmp_path):
    settings.FILES_BLOB_DIR = tmp_path / "drive-blobs"
    settings.FILES_MASTER_KEY_FILE = tmp_path / "master.key"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class DavClient:
    def __init__(
        self, username: str, secret: str, *, mount_path: str = "/dav/files", provider=None
    ) -> None:
        self.application = wsgi_application(mount_path, provider)
        self.mount_path = mount_path
        token = base64.b64encode(f"{username}:{secret}".encode()).decode()
        self.authorization = f"Basic {token}"

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Answer:
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": self.mount_path,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "192.0.2.20",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        if self.authorization:
            environ["HTTP_AUTHORIZATION"] = self.authorization
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        if environ.get("HTTP_TRANSFER_ENCODING") == "chunked":
            del environ["CONTENT_LENGTH"]  # the server has de-chunked the body, length unknown
        if "HTTP_CONTENT_TYPE" in environ:
            environ["CONTENT_TYPE"] = environ.pop("HTTP_CONTENT_TYPE")
        started: dict[str, object] = {}

        def start_response(status, response_headers, exc_info=None):  # type: ignore[no-untyped-def]
            started["status"] = int(status.split()[0])
            started["headers"] = {name.lower(): value for name, value in response_headers}

        chunks = self.application(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        return Answer(started["status"], started["headers"], content)  # type: ignore[arg-type]


@pytest.fixture
def dav(agent_voirie) -> DavClient:
    _, secret = do_create_app_password(agent_voirie, "tests", ["files"])
    return DavClient(agent_voirie.username, secret)
