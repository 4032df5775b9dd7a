"""The request and answer the handlers exchange, free of ASGI so that tests can call them."""

from __future__ import annotations

import base64
import binascii
import urllib.parse
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DavRequest:
    method: str
    path: str  # below the mount point, percent-decoded, e.g. "/maire/agenda/x.ics"
    root: str  # the mount point, e.g. "/dav/cal"
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    address: str = ""

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    @property
    def segments(self) -> list[str]:
        return [part for part in self.path.split("/") if part]

    def credentials(self) -> tuple[str, str] | None:
        """The HTTP Basic username and secret, if the request carries them."""
        scheme, _, value = self.header("authorization").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        username, separator, secret = decoded.partition(":")
        return (username, secret) if separator else None

    def href(self, *segments: str, collection: bool = False) -> str:
        """The absolute path of a resource under the mount point, percent-encoded."""
        quoted = "/".join(urllib.parse.quote(segment, safe="@") for segment in segments)
        path = f"{self.root}/{quoted}" if quoted else self.root
        return path + "/" if collection else path


@dataclass
class DavResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def xml(cls, status: int, body: bytes, **headers: str) -> DavResponse:
        return cls(status, body, {"Content-Type": "application/xml; charset=utf-8", **headers})

    @classmethod
    def text(cls, status: int, message: str, **headers: str) -> DavResponse:
        return cls(
            status,
            (message + "\n").encode("utf-8"),
            {"Content-Type": "text/plain; charset=utf-8", **headers},
        )
